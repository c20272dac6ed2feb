"""Writes of the surveys app: campaigns, answers (phone, link, import), follow-ups, cases."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from email.utils import formataddr
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kam.accounts.access import can_assign_manager, visible_clients
from kam.accounts.models import Department, User
from kam.background.tasks import enqueue_email
from kam.clients.choices import ClientStatus
from kam.clients.models import Client, Contact
from kam.core.models import branding
from kam.playbooks.services import case_open
from kam.portfolio.selectors import key_client_ids
from kam.relations.choices import TaskKind
from kam.relations.services import task_add
from kam.surveys.choices import AnswerChannel, Audience, CampaignKind
from kam.surveys.domain import NpsClass, classify_score
from kam.surveys.models import (
    Answer,
    Campaign,
    EmployeeAnswer,
    EmployeeInvitation,
    Respondent,
)

# Imported answers older than this open no case and no task (history, not news).
FOLLOW_UP_DAYS = 30


def token_hash(token: str) -> str:
    """Only this digest of a link's token is stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    """A 192-bit random token for a personal link."""
    return secrets.token_urlsafe(24)


def may_run_campaigns(user: User) -> bool:
    """Supervisors, directors and admins start campaigns; managers record answers."""
    return user.is_active and (
        user.is_supervisor or user.is_director or user.is_admin or user.is_superuser
    )


def audience_clients(campaign: Campaign, actor: User) -> QuerySet[Client]:
    """The active clients a client campaign surveys, within what its creator sees."""
    clients = visible_clients(actor, include_archived=False)
    if campaign.audience == Audience.KEY:
        clients = clients.filter(pk__in=key_client_ids())
    elif campaign.audience == Audience.SEGMENT:
        clients = clients.filter(segment=campaign.segment)
    elif campaign.audience == Audience.MANAGER:
        clients = clients.filter(manager=campaign.manager)
    return clients


@transaction.atomic
def campaign_create(*, actor: User, **data: Any) -> Campaign:
    """A campaign with its respondents (client NPS) taken from the audience now."""
    if not may_run_campaigns(actor):
        raise PermissionDenied
    campaign = Campaign(created_by=actor, **data)
    errors: dict[str, str] = {}
    if campaign.kind == CampaignKind.CLIENT:
        if not (campaign.by_phone or campaign.by_link):
            errors["by_phone"] = _("Choose the phone, personal links or both.")
        if campaign.audience == Audience.SEGMENT and not campaign.segment:
            errors["segment"] = _("Choose the segment.")
        if campaign.audience == Audience.MANAGER and (
            campaign.manager is None or not can_assign_manager(actor, campaign.manager)
        ):
            errors["manager"] = _("Choose a manager whose clients you see.")
    if campaign.start and campaign.end and campaign.end < campaign.start:
        errors["end"] = _("The campaign ends before it starts.")
    if errors:
        raise ValidationError(errors)
    campaign.full_clean()
    campaign.save()
    if campaign.kind == CampaignKind.CLIENT:
        Respondent.objects.bulk_create(
            [
                Respondent(campaign=campaign, client=client)
                for client in audience_clients(campaign, actor).only("id")
            ]
        )
    return campaign


def _check_score(score: object) -> int:
    # An explicit whole number 0…10: no default, no text, no 7.5 (SPEC §5).
    if type(score) is not int or not 0 <= score <= 10:
        raise ValidationError({"score": _("Ask for the number: a whole score from 0 to 10.")})
    return score


def follow_up(answer: Answer) -> None:
    """A critic opens a complaint case; a promoter a referral task; a neutral an improvement
    task, all for the client's manager (SPEC §5)."""
    client = answer.client
    kind = classify_score(answer.score)
    due = timezone.localdate() + timedelta(days=3)
    if kind is NpsClass.CRITIC:
        case_open(client=client, owner=client.manager, summary=answer.comment, answer=answer)
    elif kind is NpsClass.PROMOTER:
        task_add(
            actor=answer.recorded_by or client.manager,
            client=client,
            title=_("Ask for a referral or a review: the client scored %(score)s")
            % {"score": answer.score},
            due=due + timedelta(days=4),
            kind=TaskKind.REFERRAL,
        )
    else:
        task_add(
            actor=answer.recorded_by or client.manager,
            client=client,
            title=_("Find out what would make it a 9 or 10: the client scored %(score)s")
            % {"score": answer.score},
            due=due + timedelta(days=4),
            kind=TaskKind.IMPROVEMENT,
        )


def _save_answer(respondent: Respondent, **fields: Any) -> Answer:
    try:
        with transaction.atomic():
            answer = Answer.objects.create(
                respondent=respondent,
                campaign_id=respondent.campaign_id,
                client_id=respondent.client_id,
                **fields,
            )
    except IntegrityError as exc:
        raise ValidationError(
            {"score": _("This client has already answered in this campaign.")}
        ) from exc
    return answer


@transaction.atomic
def record_phone_answer(
    *, actor: User, campaign: Campaign, client: Client, score: object, comment: str = ""
) -> Answer:
    """The manager asked the question by phone and records the number the client gave."""
    value = _check_score(score)
    if campaign.kind != CampaignKind.CLIENT or not campaign.by_phone:
        raise ValidationError({"score": _("This campaign is not run by phone.")})
    today = timezone.localdate()
    if not campaign.start <= today <= campaign.end:
        raise ValidationError({"score": _("The campaign is not running today.")})
    respondent = Respondent.objects.filter(campaign=campaign, client=client).first()
    if respondent is None:
        raise ValidationError({"score": _("This client is not surveyed in this campaign.")})
    answer = _save_answer(
        respondent,
        score=value,
        comment=comment.strip(),
        channel=AnswerChannel.PHONE,
        answered_on=today,
        recorded_by=actor,
    )
    follow_up(answer)
    return answer


@dataclass(frozen=True, slots=True)
class IssuedLink:
    respondent: Respondent
    token: str
    email: str
    contact_name: str = ""
    contact_phone: str = ""


def _survey_contact(client: Client) -> Contact | None:
    """Whom a client's link goes to: the decision maker with an e-mail address, else the first
    active contact with one; without any address, the decision maker (else the first active
    contact) to send it by messenger."""
    people = list(
        client.contacts.filter(is_active=True)
        .annotate(decides=Count("role_set", filter=Q(role_set__role="decision_maker")))
        .order_by("id")
    )
    people.sort(key=lambda c: (not c.email, not c.decides))
    return people[0] if people else None


@dataclass(frozen=True, slots=True)
class LinkMail:
    subject: str
    text: str
    html: str
    sender: str


def link_mail(campaign: Campaign, url: str, expires: datetime) -> LinkMail:
    """The client's e-mail with a personal link, in the company's language, under its name
    and logo, from the sender set in the settings (never the internal campaign name)."""
    brand = branding()
    with translation.override(settings.LANGUAGE_CODE):
        company = brand.company_name
        subject = brand.survey_subject or (
            _("%(company)s: one question about our work") % {"company": company}
            if company
            else _("One question about our work")
        )
        parts = urlsplit(url)
        logo_url = (
            f"{parts.scheme}://{parts.netloc}{reverse('brand-logo', args=[brand.logo_digest])}"
            if brand.logo_digest
            else ""
        )
        context = {
            "brand": brand,
            "url": url,
            "subject": subject,
            "logo_url": logo_url,
            "expires": timezone.localtime(expires),
            "scores": [(n, f"{url}?score={n}") for n in range(11)],
        }
        text = render_to_string("surveys/email/link.txt", context)
        html = render_to_string("surveys/email/link.html", context)
    address = brand.survey_from_email or settings.DEFAULT_FROM_EMAIL
    sender = formataddr((company, address)) if company else address
    return LinkMail(subject=subject, text=text, html=html, sender=sender)


def _link_mail(campaign: Campaign, url: str, email: str, expires: datetime) -> None:
    mail = link_mail(campaign, url, expires)
    enqueue_email(
        subject=mail.subject,
        message=mail.text,
        html_message=mail.html,
        from_email=mail.sender,
        recipients=[email],
    )


@transaction.atomic
def issue_links(
    *, actor: User, campaign: Campaign, link_url: Any, remind: bool = False
) -> list[IssuedLink]:
    """New personal links for the respondents who have not answered (and, unless reminding,
    have no link yet); each is e-mailed when the client has an address. The tokens are
    returned once for copying into a messenger; only their hashes are kept."""
    if campaign.kind != CampaignKind.CLIENT or not campaign.by_link:
        raise ValidationError({"campaign": _("This campaign does not use personal links.")})
    visible = visible_clients(actor).values("pk")
    pending = Respondent.objects.filter(
        campaign=campaign, answer__isnull=True, client__in=visible
    ).select_related("client")
    if not remind:
        pending = pending.filter(token_hash__isnull=True)
    now = timezone.now()
    issued = []
    for respondent in pending:
        token = new_token()
        respondent.token_hash = token_hash(token)
        respondent.token_expires = now + timedelta(days=campaign.link_days)
        contact = _survey_contact(respondent.client)
        email = contact.email if contact else ""
        respondent.contact = contact
        if email:
            _link_mail(campaign, link_url(campaign, token), email, respondent.token_expires)
        if remind:
            respondent.reminded_at = now
        else:
            respondent.link_sent_at = now
        respondent.save(
            update_fields=["token_hash", "token_expires", "link_sent_at", "reminded_at", "contact"]
        )
        issued.append(
            IssuedLink(
                respondent,
                token,
                email,
                contact.full_name if contact else "",
                (contact.mobile_phone or contact.phone) if contact else "",
            )
        )
    return issued


class LinkRefused(Exception):  # noqa: N818 - a reason to show, not a crash
    """The link is unknown, of another campaign, expired or used."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def respondent_for_token(*, campaign_id: int, token: str) -> Respondent:
    """The respondent a link belongs to, or LinkRefused (nothing is written)."""
    respondent = (
        Respondent.objects.filter(token_hash=token_hash(token))
        .select_related("campaign", "client")
        .first()
    )
    if respondent is None or respondent.campaign_id != campaign_id:
        raise LinkRefused("unknown")
    if respondent.token_expires is None or respondent.token_expires < timezone.now():
        raise LinkRefused("expired")
    if Answer.objects.filter(respondent=respondent).exists():
        raise LinkRefused("used")
    return respondent


def answer_by_link(*, campaign_id: int, token: str, score: object, comment: str = "") -> Answer:
    """A client answers through a personal link: once, within its campaign and validity."""
    value = _check_score(score)
    respondent = respondent_for_token(campaign_id=campaign_id, token=token)
    try:
        answer = _save_answer(
            respondent,
            score=value,
            comment=comment.strip()[:5000],
            channel=AnswerChannel.LINK,
            answered_on=timezone.localdate(),
        )
    except ValidationError as exc:
        raise LinkRefused("used") from exc
    follow_up(answer)
    return answer


def import_answer(
    *,
    actor: User | None,
    client_id: int,
    score: int,
    date: date,
    comment: str = "",
    respondent: str = "",
    dry_run: bool = False,
) -> bool:
    """An NPS answer from a file (kam import nps), filed under a campaign per quarter.

    True when a new answer was recorded; the same client and quarter again is unchanged.
    Recent critics, neutrals and promoters get their follow-ups like any other answer.
    """
    value = _check_score(score)
    quarter = (date.month - 1) // 3 + 1
    client = Client.objects.select_related("manager").get(pk=client_id)
    name = _("Imported answers %(year)s Q%(quarter)s") % {"year": date.year, "quarter": quarter}
    campaign = Campaign.objects.filter(
        name=name, kind=CampaignKind.CLIENT, by_phone=False, by_link=False
    ).first()
    if campaign is not None and Answer.objects.filter(campaign=campaign, client=client).exists():
        return False
    if dry_run:
        return True
    if campaign is None:
        start = date.replace(month=3 * quarter - 2, day=1)
        end = (start + timedelta(days=95)).replace(day=1) - timedelta(days=1)
        campaign = Campaign.objects.create(
            name=name,
            kind=CampaignKind.CLIENT,
            start=start,
            end=end,
            by_phone=False,
            by_link=False,
            created_by=actor or client.manager,
        )
    who, _new = Respondent.objects.get_or_create(campaign=campaign, client=client)
    if Answer.objects.filter(respondent=who).exists():
        return False  # a second row for the client in the same quarter
    answer = _save_answer(
        who,
        score=value,
        comment=(comment + (f" ({respondent})" if respondent else "")).strip(),
        channel=AnswerChannel.IMPORT,
        answered_on=date,
        recorded_by=actor,
    )
    if date >= timezone.localdate() - timedelta(days=FOLLOW_UP_DAYS):
        follow_up(answer)
    return True


# --- eNPS --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class InvitationRun:
    """What the sender learns from sending eNPS links: how many were e-mailed, and unnamed
    links in random order for the people without an address (to print and hand out by lot).
    Never which person holds which link, nor who has answered."""

    emailed: int
    printed: list[str]
    withheld: int = 0  # links printed instead of e-mailed: the address was not trustworthy


# An address somebody else set within this many days is not trusted with an eNPS link.
EMAIL_TRUST_DAYS = 30


def _trusted_addresses(users: list[User]) -> set[str]:
    """The e-mail addresses an eNPS link may go to: set by the person themselves (or not
    changed by anyone else for EMAIL_TRUST_DAYS) and held by one account only (so never the
    sender's own address on someone else's account). Otherwise whoever changed or shares the
    address would receive, and could spend, someone else's anonymous link."""
    cutoff = timezone.now() - timedelta(days=EMAIL_TRUST_DAYS)
    holders: dict[str, int] = {}
    for user in User.objects.exclude(email=""):
        key = user.email.strip().lower()
        holders[key] = holders.get(key, 0) + 1
    trusted = set()
    for user in users:
        key = user.email.strip().lower()
        if not key or holders.get(key, 0) > 1:
            continue
        if user.email_changed_at is not None and user.email_changed_at >= cutoff:
            continue
        trusted.add(user.email)
    return trusted


def _invitation_mail(campaign: Campaign, email: str, url: str) -> None:
    brand = branding()
    enqueue_email(
        from_email=brand.survey_from_email,
        subject=_("Anonymous question: would you recommend us as an employer?"),
        message=_(
            "Your answer is anonymous: it is stored without your name and shown only in "
            "groups of five or more.\n\n%(url)s"
        )
        % {"url": url},
        recipients=[email],
    )


@transaction.atomic
def invite_employees(
    *, actor: User, campaign: Campaign, link_url: Any, remind: bool = False
) -> InvitationRun:
    """Personal eNPS links for every active employee, e-mailed where the person has an
    address; the others' links come back unnamed and shuffled, for printing. A reminder
    e-mails a new link to each person with an address who has not answered; printed links
    are not renewed (their holders are unknown)."""
    if campaign.kind != CampaignKind.EMPLOYEE or not may_run_campaigns(actor):
        raise PermissionDenied
    now = timezone.now()
    expires = now + timedelta(days=campaign.link_days)
    emailed = withheld = 0
    printed = []
    have = {i.user_id: i for i in EmployeeInvitation.objects.filter(campaign=campaign)}
    people = list(User.objects.filter(is_active=True).order_by("id"))
    trusted = _trusted_addresses(people)
    for user in people:
        invitation = have.get(user.pk)
        mailable = bool(user.email) and user.email in trusted
        if invitation is not None and (invitation.used or not remind or not mailable):
            continue
        token = new_token()
        if invitation is None:
            EmployeeInvitation.objects.create(
                campaign=campaign, user=user, token_hash=token_hash(token), token_expires=expires
            )
        else:
            invitation.token_hash = token_hash(token)
            invitation.token_expires = expires
            invitation.reminded_at = now
            invitation.save(update_fields=["token_hash", "token_expires", "reminded_at"])
        if mailable:
            _invitation_mail(campaign, user.email, link_url(campaign, token))
            emailed += 1
        else:
            withheld += bool(user.email)
            printed.append(link_url(campaign, token))
    secrets.SystemRandom().shuffle(printed)
    return InvitationRun(emailed=emailed, printed=printed, withheld=withheld)


def employee_invitation(*, campaign_id: int, token: str) -> EmployeeInvitation:
    """The usable invitation of a link, or LinkRefused("refused") whatever the reason
    (unknown, of another campaign, expired, used, campaign closed): an eNPS link must not tell
    anyone, the sender included, whether it has been used."""
    invitation = (
        EmployeeInvitation.objects.filter(token_hash=token_hash(token))
        .select_related("campaign", "user")
        .first()
    )
    if (
        invitation is None
        or invitation.campaign_id != campaign_id
        or invitation.token_expires < timezone.now()
        or invitation.used
        or not invitation.campaign.start <= timezone.localdate() <= invitation.campaign.end
    ):
        raise LinkRefused("refused")
    return invitation


@transaction.atomic
def answer_employee(
    *,
    campaign_id: int,
    token: str,
    score: object,
    comment: str = "",
    departments: Mapping[int, object] | None = None,
) -> int:
    """Anonymous eNPS answers: the company score and optional scores of other departments'
    service. The invitation is spent by one conditional UPDATE (single use even under
    concurrency); the answers keep only the respondent's department. Returns answers saved."""
    value = _check_score(score)
    rated = {int(k): _check_score(v) for k, v in (departments or {}).items() if v is not None}
    invitation = employee_invitation(campaign_id=campaign_id, token=token)
    spent = EmployeeInvitation.objects.filter(
        pk=invitation.pk, used=False, token_expires__gte=timezone.now()
    ).update(used=True)
    if spent != 1:
        raise LinkRefused("refused")
    from_department = invitation.user.department_id
    today = timezone.localdate()
    valid = set(Department.objects.filter(pk__in=rated).values_list("pk", flat=True))
    answers = [
        EmployeeAnswer(
            campaign_id=campaign_id,
            about=None,
            from_department_id=from_department,
            score=value,
            comment=comment.strip()[:5000],
            answered_on=today,
        )
    ]
    answers += [
        EmployeeAnswer(
            campaign_id=campaign_id,
            about_id=dept,
            from_department_id=from_department,
            score=dept_score,
            answered_on=today,
        )
        for dept, dept_score in rated.items()
        if dept in valid and dept != from_department
    ]
    EmployeeAnswer.objects.bulk_create(answers)
    return len(answers)


def active_clients(actor: User) -> QuerySet[Client]:
    return visible_clients(actor).filter(status=ClientStatus.ACTIVE)
