"""Role × route × method matrix: every route, every persona, own and foreign objects.

The expected visibility is written out here by hand (not computed with access.py), so a bug in
the access rules fails these tests.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from kam.core.composition import card_panels, today_sections
from kam.surveys.models import Campaign
from kam.testing import Org
from tests.access.routes import ROUTES, Kind, Route, resolver_route_names

PERSONAS = [
    "anonymous",
    "inactive",
    "manager_a1",
    "manager_a2",
    "manager_b1",
    "supervisor_a",
    "supervisor_b",
    "director",
    "admin",
    "superuser",
]

# Which persona sees which client, by hand (SPEC "Users and roles").
VISIBLE = {
    "anonymous": set(),
    "inactive": set(),
    "manager_a1": {"client_a1"},
    "manager_a2": {"client_a2"},
    "manager_b1": {"client_b1"},
    "supervisor_a": {"client_a1", "client_a2"},
    "supervisor_b": {"client_b1"},
    "director": {"client_a1", "client_a2", "client_b1"},
    "admin": {"client_a1", "client_a2", "client_b1"},
    "superuser": {"client_a1", "client_a2", "client_b1"},
}
# Who may open which dossier, by hand: the manager and that manager's direct supervisor only.
DOSSIER_VISIBLE = {
    "anonymous": set(),
    "inactive": set(),
    "manager_a1": {"client_a1"},
    "manager_a2": {"client_a2"},
    "manager_b1": {"client_b1"},
    "supervisor_a": {"client_a1", "client_a2"},
    "supervisor_b": {"client_b1"},
    "director": set(),
    "admin": set(),
    "superuser": set(),
}
# A contrast analysis by supervisor_a: its author, the author's supervisor (the director) and
# everyone who sees all clients; a task of it also its owner, manager_a1.
ANALYSIS_VISIBLE = {"supervisor_a", "director", "admin", "superuser"}
REVIEW_TASK_VISIBLE = ANALYSIS_VISIBLE | {"manager_a1"}
ADMINS = {"admin", "superuser"}
RUNNERS = {"supervisor_a", "supervisor_b", "director", "admin", "superuser"}
LOGGED_OUT = {"anonymous", "inactive"}
OK_WRITE = {200, 204, 302, 400}
# Who may correct the org's contact-log entries (each written just now by the client's
# manager), by hand: the author and the author's direct supervisor.
CORRECTORS = {
    "manager_a1": {"client_a1"},
    "manager_a2": {"client_a2"},
    "manager_b1": {"client_b1"},
    "supervisor_a": {"client_a1", "client_a2"},
    "supervisor_b": {"client_b1"},
}


def test_every_route_is_in_the_table() -> None:
    served = resolver_route_names()
    missing = served - set(ROUTES)
    stale = set(ROUTES) - served
    assert not missing, f"routes without an access rule: {sorted(missing)}"
    assert not stale, f"table rows for routes that no longer exist: {sorted(stale)}"


def _http(org: Org, persona: str) -> HttpClient:
    http = HttpClient()
    user = org.persona(persona)
    if user is not None:
        http.force_login(user)
    return http


def _analysis(org: Org) -> tuple[Any, dict[str, Any], Any]:
    """supervisor_a's analysis with every persona client picked (client_b1 as if it had been
    moved to another team after the pick) and a task owned by manager_a1."""
    from kam.reviews.models import Analysis, Entry, ReviewTask

    analysis = Analysis.objects.create(
        name="Матрица", as_of=date(2026, 3, 1), author=org.supervisor_a
    )
    entries = {
        key: Entry.objects.create(
            analysis=analysis,
            client=getattr(org, key),
            side=side,
            evidence_note="факт",
            added_by=org.supervisor_a,
        )
        for key, side in (
            ("client_a1", "satisfied"),
            ("client_a2", "dissatisfied"),
            ("client_b1", "dissatisfied"),
        )
    }
    task = ReviewTask.objects.create(
        analysis=analysis,
        title="Исправить передачу задач",
        owner=org.manager_a1,
        due=date(2026, 4, 1),
        created_by=org.supervisor_a,
    )
    return analysis, entries, task


def _urls(org: Org, name: str, route: Route) -> list[tuple[str, str | None]]:
    """(url, client persona key or None) for every target object of the route."""
    keys = ["client_a1", "client_a2", "client_b1"]
    if route.kind in (Kind.ANALYSIS, Kind.ANALYSIS_ENTRY, Kind.REVIEW_TASK):
        analysis, entries, task = _analysis(org)
        if route.kind is Kind.ANALYSIS:
            return [(reverse(name, args=[analysis.pk]), None)]
        if route.kind is Kind.REVIEW_TASK:
            return [(reverse(name, args=[task.pk]), None)]
        return [(reverse(name, args=[analysis.pk, entries[k].pk]), k) for k in keys]
    if name == "clients:card-panel":
        # Every lazily loaded panel of the card, for every client: each is its own fragment.
        lazy = [p.key for p in card_panels() if p.lazy]
        assert lazy, "no lazy card panel registered: the fragment route would go untested"
        return [(reverse(name, args=[getattr(org, k).pk, key]), k) for k in keys for key in lazy]
    if name == "today-section":
        # Every lazily loaded Today section, as the viewer's own day and as the team's.
        lazy_sections = [s.key for s in today_sections() if s.lazy]
        assert lazy_sections, "no lazy Today section registered: the route would go untested"
        return [
            (reverse(name, args=[key]) + query, None)
            for key in lazy_sections
            for query in ("", "?view=team")
        ]
    if route.kind in (Kind.CLIENT, Kind.DOSSIER):
        return [(reverse(name, args=[getattr(org, k).pk]), k) for k in keys]
    if route.kind is Kind.COMPETITOR:
        return [
            (reverse(name, args=[getattr(org, k).pk, getattr(org, k).competitors.get().pk]), k)
            for k in keys
        ]
    if route.kind is Kind.CAMPAIGN:
        out_c: list[tuple[str, str | None]] = []
        for k in keys:
            client = getattr(org, k)
            campaign = Campaign.objects.get(respondents__client=client)
            args = [campaign.pk, client.pk] if name == "surveys:phone" else [campaign.pk]
            out_c.append((reverse(name, args=args), k))
        return out_c
    if route.kind is Kind.CASE:
        return [(reverse(name, args=[getattr(org, k).complaint_cases.get().pk]), k) for k in keys]
    if name == "brand-logo":  # no logo uploaded: any digest is unknown
        return [(reverse(name, args=["0" * 64]), None)]
    if route.kind is Kind.TOKEN:
        first = Campaign.objects.order_by("id").first()
        assert first is not None
        return [(reverse(name, args=[first.pk, "not-a-real-token"]), None)]
    if route.kind is Kind.TASK:
        return [
            (reverse(name, args=[getattr(org, k).pk, getattr(org, k).checklist.get().pk]), k)
            for k in keys
        ]
    if route.kind in (Kind.INTERACTION, Kind.CORRECTION):
        return [
            (reverse(name, args=[getattr(org, k).pk, getattr(org, k).interactions.get().pk]), k)
            for k in keys
        ]
    if route.kind is Kind.CONTACT_DATE:
        out_dates: list[tuple[str, str | None]] = []
        for k in keys:
            contact = getattr(org, k).contacts.get()
            args = [contact.client_id, contact.pk, contact.dates.get().pk]
            out_dates.append((reverse(name, args=args), k))
        return out_dates
    if route.kind is Kind.CONTACT:
        out: list[tuple[str, str | None]] = []
        for k in keys:
            client = getattr(org, k)
            out.append((reverse(name, args=[client.pk, client.contacts.get().pk]), k))
        return out
    if route.kind is Kind.REVENUE:
        return [
            (reverse(name, args=[getattr(org, k).pk, getattr(org, k).revenue.get().pk]), k)
            for k in keys
        ]
    if route.kind in (Kind.GOAL, Kind.ACTION):
        out = []
        for k in keys:
            client = getattr(org, k)
            goal = client.account_plan.goals.get()
            args = [client.pk, goal.pk]
            if route.kind is Kind.ACTION:
                args.append(goal.actions.get().pk)
            out.append((reverse(name, args=args), k))
        return out
    if route.kind in (Kind.WORKSHOP, Kind.WORKSHOP_RUNNER):
        from kam.profiles.models import Workshop

        workshop = Workshop.objects.create(title="W", created_by=org.supervisor_a)
        return [(reverse(name, args=[workshop.pk]), None)]
    if route.kind is Kind.DEAL:
        from datetime import date as day

        from kam.deals.models import Deal

        out_d: list[tuple[str, str | None]] = []
        for k in keys:
            client = getattr(org, k)
            deal = Deal.objects.create(
                client=client,
                manager=client.manager,
                created=day(2026, 1, 10),
                step="meeting",
                title="Сделка",
            )
            out_d.append((reverse(name, args=[deal.pk]), k))
        return out_d
    if route.kind is Kind.FIT_ACTION:
        from kam.profiles.services import scores_set, version_create

        version = version_create(actor=org.director, traits=[("Открыт", 1)])
        trait = version.traits.get()
        out_a: list[tuple[str, str | None]] = []
        for k in keys:
            client = getattr(org, k)
            scores_set(actor=org.director, client=client, scores={trait: -3})
            item = client.fit_actions.order_by("-id").first()
            assert item is not None
            out_a.append((reverse(name, args=[client.pk, item.pk]), k))
        return out_a
    if route.kind is Kind.USER:
        return [(reverse(name, args=[org.manager_a1.pk]), None)]
    if route.kind in (Kind.CALL, Kind.PERSON):
        # A call of each client's manager: visible exactly when that client is.
        from kam.calls.models import Call

        out = []
        for k in keys:
            manager = getattr(org, k).manager
            if route.kind is Kind.PERSON:
                out.append((reverse(name, args=[manager.pk]), k))
                continue
            call, _ = Call.objects.get_or_create(
                external_id=f"matrix-{k}", defaults={"day": date(2026, 2, 2), "manager": manager}
            )
            out.append((reverse(name, args=[call.pk]), k))
        return out
    if route.kind is Kind.DEPARTMENT:
        from kam.accounts.models import Department

        department, _new = Department.objects.get_or_create(name="Отдел продаж")
        return [(reverse(name, args=[department.pk]), None)]
    if name == "playbooks:type-edit":
        return [(reverse(name, args=["scrooge"]), None)]
    if route.kind is Kind.IMPORT_JOB:
        from kam.imports.models import ImportJob

        job = ImportJob.objects.create(
            kind="clients", preset="auto", status="invalid", actor=org.admin, file_name="a.csv"
        )
        return [(reverse(name, args=[job.pk]), None)]
    return [(reverse(name), None)]


def _expected(
    persona: str, route: Route, url: str, client_key: str | None, method: str
) -> set[int]:
    is_api = url.startswith("/api/")
    if route.kind is Kind.TOKEN:
        return {404}
    if route.kind is Kind.PUBLIC:
        if route.redirects:
            return {302}
        if method == "POST":
            return {200, 302, 400, 403}
        # The login page sends a logged-in user on to the start page.
        return {200} if persona in LOGGED_OUT else {302}
    if persona in LOGGED_OUT:
        return {401} if is_api else {302}
    if method == "GET" and "GET" not in route.methods:
        return {405}
    admin_only = (Kind.ADMIN, Kind.USER, Kind.IMPORT_JOB, Kind.DEPARTMENT)
    if route.kind in admin_only and persona not in ADMINS:
        return {403}
    if route.kind in (Kind.RUNNER, Kind.WORKSHOP_RUNNER) and persona not in RUNNERS:
        return {403}
    if route.kind in (Kind.ANALYSIS, Kind.ANALYSIS_ENTRY) and persona not in ANALYSIS_VISIBLE:
        return {404}
    if route.kind is Kind.REVIEW_TASK and persona not in REVIEW_TASK_VISIBLE:
        return {404}
    visible = DOSSIER_VISIBLE if route.kind in (Kind.DOSSIER, Kind.COMPETITOR) else VISIBLE
    if client_key is not None and client_key not in visible[persona]:
        return {404}
    narrower = route.kind is Kind.CORRECTION and not (method == "GET" and route.open_get)
    if narrower and client_key not in CORRECTORS.get(persona, set()):
        return {403}
    if method in ("POST", "PUT", "PATCH", "DELETE"):
        return OK_WRITE
    return {302} if route.redirects else {200}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(ROUTES))
def test_route_access(org: Org, name: str, persona: str) -> None:
    route = ROUTES[name]
    # DELETE last: it removes the object the other methods are tried on.
    methods = ["GET", *(m for m in ("POST", "PUT", "PATCH", "DELETE") if m in route.methods)]
    for url, client_key in _urls(org, name, route):
        for method in methods:
            http = _http(org, persona)
            if method == "GET":
                response = http.get(url)
            elif method == "POST":
                response = http.post(url, {})
            elif method == "PATCH":
                response = http.patch(url, "{}", content_type="application/json")
            elif method == "DELETE":
                response = http.delete(url)
            else:
                response = http.put(url, "{}", content_type="application/json")
            expected = _expected(persona, route, url, client_key, method)
            assert response.status_code in expected, (
                f"{persona} {method} {url}: got {response.status_code}, expected {expected}"
            )
            if (
                persona in LOGGED_OUT
                and response.status_code == 302
                and route.kind is not Kind.PUBLIC
            ):
                assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("persona", PERSONAS)
def test_lists_show_only_visible_clients(org: Org, persona: str) -> None:
    http = _http(org, persona)
    html = http.get(reverse("clients:client-list"), {"status": "all"}).content.decode()
    api = http.get(reverse("api:client-list"), {"status": "all"}).content.decode()
    for key in ("client_a1", "client_a2", "client_b1"):
        name = getattr(org, key).name
        should_show = key in VISIBLE[persona]
        assert (name in html) is should_show, f"{persona}: {name} in HTML list"
        assert (name in api) is should_show, f"{persona}: {name} in API list"


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p not in LOGGED_OUT])
def test_portfolio_shows_only_visible_clients(org: Org, persona: str) -> None:
    http = _http(org, persona)
    window = {"preset": "custom", "date_from": "2026-01-01", "date_to": "2026-12-31"}
    html = http.get(reverse("portfolio:portfolio"), window).content.decode()
    api = http.get(reverse("api:portfolio"), {"from": "2026-01-01", "to": "2026-12-31"})
    names = {c["name"] for c in api.json()["clients"]}
    for key in ("client_a1", "client_a2", "client_b1"):
        name = getattr(org, key).name
        should_show = key in VISIBLE[persona]
        assert (name in html) is should_show, f"{persona}: {name} in portfolio page"
        assert (name in names) is should_show, f"{persona}: {name} in portfolio API"


@pytest.mark.parametrize("persona", PERSONAS)
def test_token_auth_follows_the_same_rules(org: Org, persona: str) -> None:
    from kam.accounts.services import token_for

    user = org.persona(persona)
    headers = {"Authorization": f"Token {token_for(user=user)}"} if user is not None else {}
    http = HttpClient(headers=headers)
    for key in ("client_a1", "client_a2", "client_b1"):
        url = reverse("api:client-detail", args=[getattr(org, key).pk])
        status = http.get(url).status_code
        if persona in LOGGED_OUT:
            assert status == 401
        else:
            assert status == (200 if key in VISIBLE[persona] else 404), (persona, key)


@pytest.mark.parametrize("persona", PERSONAS)
def test_django_admin_is_for_superusers_only(org: Org, persona: str) -> None:
    response = _http(org, persona).get("/admin/")
    assert response.status_code == (200 if persona == "superuser" else 302)


def test_reassignment_takes_effect_on_the_next_request(org: Org) -> None:
    http = _http(org, "manager_a1")
    url = reverse("clients:client-detail", args=[org.client_a1.pk])
    assert http.get(url).status_code == 200
    org.client_a1.manager = org.manager_b1
    org.client_a1.save(update_fields=["manager"])
    assert http.get(url).status_code == 404
    assert _http(org, "supervisor_b").get(url).status_code == 200
