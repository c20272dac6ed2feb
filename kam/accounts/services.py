"""Writes of users: create, change roles and supervisor, set language, issue API tokens.

The org-chart rule lives here: a change of the org chart or of a client's manager that would
let the person making it open a dossier they could not open before is refused (another admin
must make it), and every change of a supervisor link, roles, access or a client's manager is
written to the OrgChange log, which the affected people see on their profile page.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kam.accounts.access import can_manage_users, controlled_dossier_ids
from kam.accounts.models import ApiToken, Department, OrgChange, User
from kam.background.tasks import enqueue_email
from kam.core.images import MAX_SIDE, image_type, png_size
from kam.core.models import Branding, CompanySettings, branding, company_settings

ROLE_FIELDS = ("is_manager", "is_supervisor", "is_director", "is_admin")

USER_FIELDS = (
    "username",
    "first_name",
    "last_name",
    "middle_name",
    "email",
    "is_manager",
    "is_supervisor",
    "is_director",
    "is_admin",
    "supervisor",
    "department",
    "is_active",
    "language",
)


def _check_supervisor(user: User, supervisor: User | None) -> None:
    # A supervisor chain must not loop back to the user (A reports to B reports to A).
    seen = {user.pk}
    node = supervisor
    while node is not None:
        if node.pk in seen:
            raise ValidationError({"supervisor": _("This would make a reporting loop.")})
        seen.add(node.pk)
        node = node.supervisor


@contextmanager
def no_dossier_gain(actor: User | None) -> Iterator[None]:
    """Refuse the change made inside the block if it lets `actor` open a new dossier, as
    themselves or as someone whose password they set (a puppet account).

    Use inside a transaction: the ValidationError raised at the end rolls the change back.
    The command line (`actor=None`) is the server's operator and is not checked here.
    """
    if actor is None:
        yield
        return
    before = {client for _person, client in controlled_dossier_ids(actor.pk)}
    yield
    gained = {client for _person, client in controlled_dossier_ids(actor.pk)} - before
    if gained:
        raise ValidationError(
            ngettext(
                "This change would let you read the dossier of %(count)d client that you "
                "cannot read now. Another administrator must make it.",
                "This change would let you read the dossiers of %(count)d clients that you "
                "cannot read now. Another administrator must make it.",
                len(gained),
            )
            % {"count": len(gained)}
        )


def org_change_log(
    *,
    actor: User | None,
    kind: str,
    affected: Iterable[User | None],
    subject: User | None = None,
    client: Any = None,
    before: str = "",
    after: str = "",
) -> OrgChange:
    """Record one org-chart change and the people it concerns (they see it on their profile)."""
    change = OrgChange.objects.create(
        actor=actor,
        kind=kind,
        subject=subject,
        client=client,
        before=before[:300],
        after=after[:300],
    )
    change.affected.set({u.pk for u in affected if u is not None})
    return change


def _name(user: User | None) -> str:
    return user.display_name if user is not None else "—"


def _roles_text(user: User) -> str:
    return ", ".join(user.role_labels) or "—"


def _validate_new_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc


@transaction.atomic
def user_create(*, actor: User | None, password: str | None = None, **data: Any) -> User:
    """Create a user; `actor=None` only from the command line (kam createuser, kam demo).

    Without a password the user cannot log in until an admin sets one. A user needs a role:
    without one they would see only clients assigned to them and no page would explain why.
    """
    if actor is not None and not can_manage_users(actor):
        raise PermissionDenied
    user = User(**{k: v for k, v in data.items() if k in USER_FIELDS})
    if not any(getattr(user, role) for role in ROLE_FIELDS) and not data.get("is_superuser"):
        raise ValidationError(
            {"is_manager": _("Choose at least one role: manager, supervisor, director or admin.")}
        )
    if password:
        _validate_new_password(password, user)
        user.set_password(password)
        user.password_set_by = actor
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    if user.supervisor is not None and user.supervisor.pk == user.pk:
        raise ValidationError({"supervisor": _("A user cannot supervise themselves.")})
    with no_dossier_gain(actor):
        user.save()
    if user.supervisor is not None:
        org_change_log(
            actor=actor,
            kind=OrgChange.Kind.SUPERVISOR,
            subject=user,
            affected=[user, user.supervisor],
            before="—",
            after=_name(user.supervisor),
        )
    return user


@transaction.atomic
def user_update(*, actor: User, user: User, password: str | None = None, **data: Any) -> User:
    """Change a user's profile, roles or supervisor (admins only), under the org-chart rule."""
    if not can_manage_users(actor):
        raise PermissionDenied
    if "supervisor" in data:
        _check_supervisor(user, data["supervisor"])
    old = User.objects.select_related("supervisor").get(pk=user.pk)
    # Compared with the stored row, not the object: a refused call may have left it changed.
    changed = [k for k in USER_FIELDS if k in data and getattr(old, k) != data[k]]
    for key in changed:
        setattr(user, key, data[key])
    if password:
        _validate_new_password(password, user)
    if not changed and not password:
        return user
    if changed:
        user.full_clean(exclude=["password"])
        with no_dossier_gain(actor):
            user.save(update_fields=changed)
    if "email" in changed:
        # Someone else changing an address could redirect what is meant for the person (an
        # eNPS link): remembered, logged, and the old address is told.
        by_other = actor.pk != user.pk
        user.email_changed_by = actor if by_other else None
        user.email_changed_at = timezone.now() if by_other else None
        user.save(update_fields=["email_changed_by", "email_changed_at"])
    if password:
        # A reset is not an org-chart change: allowed, logged and shown to the person. From
        # now on the org-chart rule counts the account as the actor's until its owner picks
        # their own password.
        user.set_password(password)
        user.password_set_by = None if actor.pk == user.pk else actor
        user.save(update_fields=["password", "password_set_by"])
        changed.append("password")
    _log_user_changes(actor, old, user, changed)
    return user


@transaction.atomic
def password_set_log(*, actor: User, user: User) -> None:
    """Record that `actor` set `user`'s password (done by a form that saved it already)."""
    set_by = None if actor.pk == user.pk else actor
    User.objects.filter(pk=user.pk).update(password_set_by=set_by)
    if set_by is not None:
        org_change_log(
            actor=actor,
            kind=OrgChange.Kind.PASSWORD,
            subject=user,
            affected=[user, user.supervisor],
        )


def _log_user_changes(actor: User | None, old: User, user: User, changed: list[str]) -> None:
    if "supervisor" in changed:
        org_change_log(
            actor=actor,
            kind=OrgChange.Kind.SUPERVISOR,
            subject=user,
            affected=[user, old.supervisor, user.supervisor],
            before=_name(old.supervisor),
            after=_name(user.supervisor),
        )
    if any(role in changed for role in ROLE_FIELDS):
        org_change_log(
            actor=actor,
            kind=OrgChange.Kind.ROLES,
            subject=user,
            affected=[user, user.supervisor],
            before=_roles_text(old),
            after=_roles_text(user),
        )
    if "password" in changed and user.password_set_by is not None:
        org_change_log(
            actor=actor,
            kind=OrgChange.Kind.PASSWORD,
            subject=user,
            affected=[user, user.supervisor],
        )
    if "email" in changed and user.email_changed_by is not None:
        org_change_log(
            actor=actor,
            kind=OrgChange.Kind.EMAIL,
            subject=user,
            affected=[user, user.supervisor],
            before=old.email or "—",
            after=user.email or "—",
        )
        if old.email:
            enqueue_email(
                subject=_("Your e-mail address in KAM was changed"),
                message=_(
                    "%(actor)s changed the e-mail address of your KAM account from %(old)s to "
                    "%(new)s. If you did not ask for this, tell your supervisor."
                )
                % {"actor": _name(actor), "old": old.email, "new": user.email or "—"},
                recipients=[old.email],
            )
    if "is_active" in changed:
        labels = {True: _("can log in"), False: _("blocked")}
        org_change_log(
            actor=actor,
            kind=OrgChange.Kind.ACTIVE,
            subject=user,
            # A supervisor blocked or let back in reads, or stops reading, their reports' dossiers.
            affected=[user, user.supervisor, *User.objects.filter(supervisor=user)],
            before=labels[old.is_active],
            after=labels[user.is_active],
        )


def user_set_language(*, actor: User, language: str) -> None:
    """The interface language the actor prefers."""
    if language not in {"ru", "en"}:
        raise ValidationError({"language": _("Unknown language.")})
    if actor.language != language:
        actor.language = language
        actor.save(update_fields=["language"])


def token_digest(key: str) -> str:
    """The stored form of an API key."""
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def token_issue(*, user: User) -> str:
    """A new API key for the user, replacing any previous one; returned once, stored hashed."""
    key = secrets.token_urlsafe(32)
    ApiToken.objects.filter(user=user).delete()
    ApiToken.objects.create(user=user, digest=token_digest(key), prefix=key[:6])
    return key


def token_for(*, user: User) -> str:
    """A fresh API key (the old one stops working): the stored digest cannot be shown again."""
    return token_issue(user=user)


class _DryRunError(Exception):
    pass


def user_update_check(*, actor: User, user: User, **data: Any) -> None:
    """Raise the ValidationError `user_update` would raise, changing nothing."""
    try:
        with transaction.atomic():
            user_update(actor=actor, user=User.objects.get(pk=user.pk), **data)
            raise _DryRunError
    except _DryRunError:
        pass


@transaction.atomic
def department_save(
    *, actor: User, department: Department | None = None, name: str, parent: Department | None
) -> Department:
    """Create or rename a department, or move it under another one (admins only)."""
    if not can_manage_users(actor):
        raise PermissionDenied
    record = department or Department()
    node = parent
    while node is not None:
        if record.pk is not None and node.pk == record.pk:
            raise ValidationError({"parent": _("This would put the department inside itself.")})
        node = node.parent
    record.name = name.strip()
    record.parent = parent
    record.full_clean()
    if record.pk is None:
        record.save()
    else:
        record.save(update_fields=["name", "parent"])
    return record


@transaction.atomic
def settings_update(*, actor: User, **data: Any) -> CompanySettings:
    """Change company settings (admins only); the row is validated as a whole."""
    if not can_manage_users(actor):
        raise PermissionDenied
    settings = company_settings()
    changed = [k for k, v in data.items() if getattr(settings, k) != v]
    for key in changed:
        setattr(settings, key, data[key])
    settings.full_clean()
    if changed:
        settings.save(update_fields=changed)
    return settings


def branding_update(
    *,
    actor: User,
    company_name: str,
    survey_from_email: str,
    survey_subject: str,
    logo: bytes | None = None,
    remove_logo: bool = False,
) -> Branding:
    """Change what clients see (admins only). A new logo must be a PNG, JPEG or WebP image by
    its content (an SVG or anything else is refused: it could carry a script)."""
    if not can_manage_users(actor):
        raise PermissionDenied
    row = branding()
    row.company_name = company_name.strip()
    row.survey_from_email = survey_from_email.strip()
    row.survey_subject = survey_subject.strip()
    if logo is not None:
        mime = image_type(logo)
        if mime is None:
            raise ValidationError({"logo_file": _("The logo must be a PNG, JPEG or WebP image.")})
        size = png_size(logo) if mime == "image/png" else None
        if size is not None and (max(size) > MAX_SIDE or min(size) == 0):
            message = _("The logo must be at most %(n)s pixels wide and high.") % {"n": MAX_SIDE}
            raise ValidationError({"logo_file": message})
        row.logo, row.logo_type = logo, mime
        row.logo_digest = hashlib.sha256(logo).hexdigest()
    elif remove_logo:
        row.logo, row.logo_type, row.logo_digest = b"", "", ""
    row.full_clean()
    row.save()
    return row
