"""Role rules of the org chart, as pure functions (SPEC "Users and roles").

Who sees which clients and who may open a confidential dossier is decided here from plain
values; `access.py` turns these decisions into database filters.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Scope(StrEnum):
    """How far a viewer's client visibility reaches."""

    NONE = "none"
    OWN = "own"
    TEAM = "team"
    ALL = "all"


@dataclass(frozen=True, slots=True)
class Roles:
    """The roles one user holds; a user may hold several at once."""

    manager: bool = False
    supervisor: bool = False
    director: bool = False
    admin: bool = False
    superuser: bool = False
    active: bool = True


def client_scope(roles: Roles) -> Scope:
    """Client visibility: director/admin (and superuser) all; supervisor team; else own.

    A user with no business role still sees clients assigned to them (a manager imported from a
    CRM file who has not been given roles yet), never anyone else's.
    """
    if not roles.active:
        return Scope.NONE
    if roles.director or roles.admin or roles.superuser:
        return Scope.ALL
    if roles.supervisor:
        return Scope.TEAM
    return Scope.OWN


class Landing(StrEnum):
    """The page a user starts on after logging in (and behind the KAM logo)."""

    TODAY = "today"  # their own day: contacts due, pauses, reviews
    TEAM = "team"  # the day of everyone they see, with per-manager discipline
    ADMIN = "admin"  # users, roles and the org chart


def landing(roles: Roles) -> Landing:
    """A director starts on the company's day, not on an empty own day; an administrator who
    carries no clients on the administration; everyone else on their own day."""
    if roles.director:
        return Landing.TEAM
    if (roles.admin or roles.superuser) and not (roles.manager or roles.supervisor):
        return Landing.ADMIN
    return Landing.TODAY


def may_read_dossier(
    *,
    viewer_id: int,
    viewer_active: bool,
    manager_id: int | None,
    manager_supervisor_id: int | None,
) -> bool:
    """Dossier rule (SPEC §2): ONLY the client's manager and that manager's direct supervisor.

    Deliberately no bypass for directors, admins or superusers.
    """
    if not viewer_active or manager_id is None:
        return False
    return viewer_id in (manager_id, manager_supervisor_id)


def may_assign_to(
    *, scope: Scope, viewer_id: int, target_id: int, target_supervisor_id: int | None
) -> bool:
    """Whom a viewer may make a client's manager: themselves, their reports, or anyone (ALL)."""
    if scope is Scope.ALL:
        return True
    if scope is Scope.TEAM:
        return target_id == viewer_id or target_supervisor_id == viewer_id
    if scope is Scope.OWN:
        return target_id == viewer_id
    return False
