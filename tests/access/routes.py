"""The route table of the access suite: every URL name and what kind of access it needs.

A route that the resolver knows but this table does not fails the suite, so a new page or API
endpoint cannot escape the access checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from django.urls import URLPattern, URLResolver, get_resolver


class Kind(Enum):
    PUBLIC = "public"  # anyone, no login
    AUTH = "auth"  # any active logged-in user
    ADMIN = "admin"  # admin role or superuser; others 403
    CLIENT = "client"  # object of a client: visible → OK, invisible → 404
    CONTACT = "contact"
    REVENUE = "revenue"
    USER = "user"  # admin-only, needs a user_id
    GOAL = "goal"  # a goal of a client's account plan
    ACTION = "action"  # an action of such a goal
    DOSSIER = "dossier"  # a client's dossier: ONLY its manager and that manager's supervisor
    COMPETITOR = "competitor"  # a competitor record inside a dossier (same rule)
    CONTACT_DATE = "contact_date"  # an important date of a contact (client visibility)
    INTERACTION = "interaction"  # a contact-log entry (client visibility)
    # Correcting a contact-log entry: its author and the author's direct supervisor (within
    # the correction window); others who see the client 403, the rest 404. With `open_get`
    # a GET follows client visibility (the API's entry read).
    CORRECTION = "correction"
    TASK = "task"  # a relationship checklist task (client visibility)
    CAMPAIGN = "campaign"  # a client NPS campaign: visible with one of its clients
    CASE = "case"  # a complaint case (client visibility)
    RUNNER = "runner"  # supervisors, directors and admins; managers 403
    TOKEN = "token"  # a public survey link: no login; a bogus token answers 404 to all
    IMPORT_JOB = "import_job"  # an import run: admin role or superuser; others 403
    CALL = "call"  # a call: visible with its manager (own; a supervisor's reports'; all)
    PERSON = "person"  # a manager's page: the viewer, a supervisor's reports; all for ALL
    DEPARTMENT = "department"  # a department: admin role or superuser; others 403
    WORKSHOP = "workshop"  # an ideal-profile workshop: any logged-in participant
    WORKSHOP_RUNNER = "workshop_runner"  # a workshop step only its runners take; managers 403
    FIT_ACTION = "fit_action"  # an action item of a client's fit (client visibility)
    DEAL = "deal"  # a deal of a client (client visibility)
    ANALYSIS = "analysis"  # a contrast analysis: its author, their supervisor, ALL scope
    ANALYSIS_ENTRY = "analysis_entry"  # a picked client: the analysis and the client visible
    REVIEW_TASK = "review_task"  # an analysis task: its owner or whoever sees the analysis


@dataclass(frozen=True)
class Route:
    kind: Kind
    methods: tuple[str, ...] = ("GET",)
    # GET answers with a redirect (home → client list) rather than a page.
    redirects: bool = False
    # GET follows client visibility even where writes are narrower (Kind.CORRECTION).
    open_get: bool = False


ROUTES: dict[str, Route] = {
    "home": Route(Kind.AUTH, redirects=True),
    "favicon": Route(Kind.PUBLIC, redirects=True),
    "accounts:login": Route(Kind.PUBLIC, ("GET", "POST")),
    "accounts:logout": Route(Kind.AUTH, ("POST",)),
    "accounts:language": Route(Kind.AUTH, ("POST",)),
    "accounts:user-list": Route(Kind.ADMIN),
    "accounts:user-create": Route(Kind.ADMIN, ("GET", "POST")),
    "accounts:user-edit": Route(Kind.USER, ("GET", "POST")),
    "accounts:profile": Route(Kind.AUTH),
    "accounts:token-rotate": Route(Kind.AUTH, ("POST",)),
    "accounts:password-change": Route(Kind.AUTH, ("GET", "POST")),
    "accounts:org-chart": Route(Kind.ADMIN),
    "accounts:department-list": Route(Kind.ADMIN),
    "accounts:department-create": Route(Kind.ADMIN, ("GET", "POST")),
    "accounts:department-edit": Route(Kind.DEPARTMENT, ("GET", "POST")),
    "clients:client-list": Route(Kind.AUTH),
    "clients:client-create": Route(Kind.AUTH, ("GET", "POST")),
    "clients:clients-reassign": Route(Kind.USER, ("POST",)),
    "clients:client-detail": Route(Kind.CLIENT),
    "clients:client-edit": Route(Kind.CLIENT, ("GET", "POST")),
    "clients:client-archive": Route(Kind.CLIENT, ("POST",)),
    "clients:client-restore": Route(Kind.CLIENT, ("POST",)),
    "clients:contact-create": Route(Kind.CLIENT, ("POST",)),
    "clients:contact-edit": Route(Kind.CONTACT, ("GET", "POST")),
    "clients:contact-archive": Route(Kind.CONTACT, ("POST",)),
    "clients:card-panel": Route(Kind.CLIENT),
    "clients:dossier": Route(Kind.DOSSIER),
    "clients:dossier-notes": Route(Kind.DOSSIER, ("POST",)),
    "clients:dossier-review": Route(Kind.DOSSIER, ("POST",)),
    "clients:competitor-create": Route(Kind.DOSSIER, ("POST",)),
    "clients:competitor-edit": Route(Kind.COMPETITOR, ("GET", "POST")),
    "clients:competitor-archive": Route(Kind.COMPETITOR, ("POST",)),
    "clients:contact-date-create": Route(Kind.CONTACT, ("POST",)),
    "clients:contact-date-delete": Route(Kind.CONTACT_DATE, ("POST",)),
    "today": Route(Kind.AUTH),
    "today-section": Route(Kind.AUTH),
    "health:health-list": Route(Kind.AUTH),
    "health:portfolio-section": Route(Kind.AUTH),
    "health:snooze": Route(Kind.CLIENT, ("POST",)),
    "health:settings": Route(Kind.ADMIN, ("GET", "POST")),
    "relations:interaction-list": Route(Kind.CLIENT),
    "relations:overview": Route(Kind.AUTH),
    "relations:stages-setup": Route(Kind.ADMIN, ("GET", "POST")),
    "relations:catalogue-setup": Route(Kind.ADMIN, ("GET", "POST")),
    "relations:stage-set": Route(Kind.CLIENT, ("POST",)),
    "relations:bank": Route(Kind.CLIENT),
    "relations:bank-add": Route(Kind.CLIENT, ("POST",)),
    "relations:task-add": Route(Kind.CLIENT, ("POST",)),
    "relations:checklist-template": Route(Kind.CLIENT, ("POST",)),
    "relations:task-done": Route(Kind.TASK, ("POST",)),
    "relations:interaction-create": Route(Kind.CLIENT, ("POST",)),
    "relations:interaction-complete": Route(Kind.INTERACTION, ("POST",)),
    "relations:interaction-edit": Route(Kind.CORRECTION, ("GET", "POST")),
    "relations:interaction-delete": Route(Kind.CORRECTION, ("GET", "POST")),
    "surveys:campaign-list": Route(Kind.AUTH),
    "surveys:campaign-create": Route(Kind.RUNNER, ("GET", "POST"), redirects=True),
    "surveys:results": Route(Kind.AUTH),
    "playbooks:case-list": Route(Kind.AUTH),
    "playbooks:case-detail": Route(Kind.CASE, ("GET", "POST")),
    "playbooks:type-list": Route(Kind.AUTH),
    "playbooks:type-edit": Route(Kind.ADMIN, ("GET", "POST")),
    "playbooks:setup": Route(Kind.ADMIN, ("GET", "POST")),
    "playbooks:tag-add": Route(Kind.CLIENT, ("POST",)),
    "playbooks:tag-remove": Route(Kind.CLIENT, ("POST",)),
    "playbooks:tick": Route(Kind.CLIENT, ("POST",)),
    "playbooks:case-open": Route(Kind.CLIENT, ("POST",)),
    "playbooks:report": Route(Kind.AUTH),
    "surveys:campaign-detail": Route(Kind.CAMPAIGN),
    "surveys:send-links": Route(Kind.CAMPAIGN, ("POST",)),
    "surveys:phone": Route(Kind.CAMPAIGN, ("GET", "POST")),
    "surveys:link": Route(Kind.TOKEN, ("GET", "POST")),
    "surveys:enps-link": Route(Kind.TOKEN, ("GET", "POST")),
    "settings": Route(Kind.ADMIN, ("GET", "POST")),
    "settings-branding": Route(Kind.ADMIN, ("POST",)),
    "brand-logo": Route(Kind.TOKEN),
    "imports:start": Route(Kind.ADMIN, ("GET", "POST")),
    "imports:job": Route(Kind.IMPORT_JOB),
    "imports:job-confirm": Route(Kind.IMPORT_JOB, ("POST",)),
    "imports:job-discard": Route(Kind.IMPORT_JOB, ("POST",)),
    "imports:job-errors": Route(Kind.IMPORT_JOB),
    "imports:job-undo": Route(Kind.IMPORT_JOB, ("POST",)),
    "portfolio:revenue-create": Route(Kind.CLIENT, ("POST",)),
    "portfolio:revenue-edit": Route(Kind.REVENUE, ("GET", "POST")),
    "portfolio:revenue-delete": Route(Kind.REVENUE, ("POST",)),
    "portfolio:portfolio": Route(Kind.AUTH),
    "portfolio:trend": Route(Kind.AUTH),
    "portfolio:key-profile": Route(Kind.CLIENT, ("GET", "POST")),
    "portfolio:plan": Route(Kind.CLIENT),
    "portfolio:goal-create": Route(Kind.CLIENT, ("POST",)),
    "portfolio:goal-result": Route(Kind.GOAL, ("POST",)),
    "portfolio:action-create": Route(Kind.GOAL, ("POST",)),
    "portfolio:action-done": Route(Kind.ACTION, ("POST",)),
    "portfolio:review-create": Route(Kind.CLIENT, ("POST",)),
    "api:root": Route(Kind.AUTH),
    "api:portfolio": Route(Kind.AUTH),
    "api:funnel": Route(Kind.AUTH),
    "deals:deal-list": Route(Kind.AUTH),
    "deals:deal-detail": Route(Kind.DEAL),
    "deals:funnel": Route(Kind.AUTH),
    "deals:stages-setup": Route(Kind.ADMIN, ("GET", "POST")),
    "deals:references-setup": Route(Kind.ADMIN, ("GET", "POST")),
    "imports:job-stages": Route(Kind.IMPORT_JOB, ("POST",)),
    "api:schema": Route(Kind.AUTH),
    "api:docs": Route(Kind.AUTH),
    "api:client-list": Route(Kind.AUTH),
    "api:client-detail": Route(Kind.CLIENT),
    "api:contact-list": Route(Kind.CLIENT),
    "api:interaction-list": Route(Kind.CLIENT, ("GET", "POST")),
    "api:interaction-detail": Route(Kind.CORRECTION, ("GET", "PATCH", "DELETE"), open_get=True),
    "api:dossier": Route(Kind.DOSSIER, ("GET", "PUT")),
    "api:today": Route(Kind.AUTH),
    "api:campaign-list": Route(Kind.AUTH),
    "api:campaign-answers": Route(Kind.CAMPAIGN, ("GET", "POST")),
    "api:nps-results": Route(Kind.AUTH),
    "api:bank": Route(Kind.CLIENT, ("GET", "POST")),
    "api:stage": Route(Kind.CLIENT, ("GET", "POST")),
    "api:checklist": Route(Kind.CLIENT, ("GET", "POST")),
    "profiles:profile": Route(Kind.AUTH),
    "profiles:weights": Route(Kind.RUNNER, ("POST",)),
    "profiles:workshops": Route(Kind.AUTH),
    "profiles:workshop-create": Route(Kind.RUNNER, ("POST",)),
    "profiles:workshop": Route(Kind.WORKSHOP),
    "profiles:pick": Route(Kind.WORKSHOP, ("POST",)),
    "profiles:pick-remove": Route(Kind.WORKSHOP, ("POST",)),
    "profiles:trait": Route(Kind.WORKSHOP, ("POST",)),
    "profiles:opposite": Route(Kind.WORKSHOP, ("POST",)),
    "profiles:merge": Route(Kind.WORKSHOP_RUNNER, ("POST",)),
    "profiles:choose": Route(Kind.WORKSHOP_RUNNER, ("POST",)),
    "profiles:advance": Route(Kind.WORKSHOP_RUNNER, ("POST",)),
    "profiles:client": Route(Kind.CLIENT, ("GET", "POST")),
    "profiles:action": Route(Kind.FIT_ACTION, ("GET", "POST")),
    "profiles:check": Route(Kind.AUTH),
    "profiles:time": Route(Kind.AUTH),
    "api:icp-profile": Route(Kind.AUTH),
    "api:icp-ranking": Route(Kind.AUTH),
    "api:icp-scores": Route(Kind.CLIENT, ("GET", "POST")),
    "api:icp-quadrant": Route(Kind.AUTH),
    "profiles:quadrant": Route(Kind.AUTH),
    "profiles:assessment": Route(Kind.DEAL, ("GET", "POST")),
    "api:health": Route(Kind.AUTH),
    "api:contrast": Route(Kind.AUTH),
    "api:calls-report": Route(Kind.AUTH),
    "calls:call-list": Route(Kind.AUTH),
    "calls:team": Route(Kind.AUTH),
    "calls:upload": Route(Kind.ADMIN, ("GET", "POST")),
    "calls:setup": Route(Kind.ADMIN, ("GET", "POST")),
    "calls:manager": Route(Kind.PERSON),
    "calls:call-detail": Route(Kind.CALL),
    "api:playbook-types": Route(Kind.AUTH),
    "api:client-types": Route(Kind.CLIENT, ("POST",)),
    "api:complaint-list": Route(Kind.AUTH, ("POST",)),
    "api:complaint-steps": Route(Kind.CASE, ("POST",)),
    "api:complaint-close": Route(Kind.CASE, ("POST",)),
    "reviews:analysis-list": Route(Kind.AUTH),
    "reviews:analysis-create": Route(Kind.RUNNER, ("POST",)),
    "reviews:tags": Route(Kind.ADMIN, ("GET", "POST")),
    "reviews:analysis": Route(Kind.ANALYSIS),
    "reviews:pick": Route(Kind.ANALYSIS, ("POST",)),
    "reviews:synthesis": Route(Kind.ANALYSIS),
    "reviews:task-create": Route(Kind.ANALYSIS, ("POST",)),
    "reviews:export": Route(Kind.ANALYSIS),
    "reviews:entry": Route(Kind.ANALYSIS_ENTRY, ("GET", "POST")),
    "reviews:unpick": Route(Kind.ANALYSIS_ENTRY, ("POST",)),
    "reviews:task-done": Route(Kind.REVIEW_TASK, ("POST",)),
    "api:review-list": Route(Kind.AUTH),
    "api:review-detail": Route(Kind.ANALYSIS),
}

# Namespaces checked as a whole elsewhere (Django admin: superuser maintenance only).
WHOLE_NAMESPACES = {"admin"}


def resolver_route_names() -> set[str]:
    """Every named URL pattern the project serves, with its namespace."""
    names: set[str] = set()

    def walk(patterns: list[URLPattern | URLResolver], namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = pattern.namespace or ""
                if ns in WHOLE_NAMESPACES:
                    continue
                walk(pattern.url_patterns, f"{namespace}{ns}:" if ns else namespace)
            elif pattern.name:
                names.add(f"{namespace}{pattern.name}")
            else:
                names.add(f"{namespace}<unnamed {pattern.pattern}>")

    walk(get_resolver().url_patterns, "")
    return names
