"""Drill: a canary in every confidential dossier field, every route and export as every role.

Each text field of a dossier (the notes, every text of a competitor record, the contact's
notes) of four clients carries its own marker. Every GET route of the access table, every
export those routes offer (CSV and XLSX, read inside the XLSX archive), the API and the
searches are fetched as every persona. The pair (the client's manager and that manager's
direct supervisor) must find each marker of their client; everyone else must find none; every
response that carries a marker must forbid caching. The figures are printed.
"""

from __future__ import annotations

import io
import sys
import zipfile
from collections import Counter
from dataclasses import dataclass, field

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from kam.clients.models import Client, Competitor, Contact, Dossier
from kam.clients.services import client_create
from kam.core.composition import card_panels
from kam.testing import Org
from tests.access.routes import ROUTES, Kind
from tests.access.test_matrix import PERSONAS, _urls

FIELDS = ("dossier_notes", "contact_notes", "competitor_name", "strengths", "weaknesses", "offer")
# Who reads which client's dossier, written out by hand (SPEC §2 and the supervisor-owner rule).
PAIRS = {
    "client_a1": {"manager_a1", "supervisor_a"},
    "client_a2": {"manager_a2", "supervisor_a"},
    "client_b1": {"manager_b1", "supervisor_b"},
    "client_sa": {"supervisor_a", "director"},  # owned by a supervisor: their boss reads it
}


def marker(client: Client, name: str) -> str:
    return f"CANARY{client.pk:04d}X{name.upper()}"


def _plant(client: Client) -> None:
    Dossier.objects.update_or_create(
        client=client, defaults={"notes": f"Тайна {marker(client, 'dossier_notes')}"}
    )
    contact = Contact.objects.filter(client=client).first() or Contact.objects.create(
        client=client, full_name="Контакт"
    )
    contact.notes = f"Мнение {marker(client, 'contact_notes')}"
    contact.save(update_fields=["notes"])
    Competitor.objects.filter(client=client).delete()
    Competitor.objects.create(
        client=client,
        name=f"Конкурент {marker(client, 'competitor_name')}",
        strengths=marker(client, "strengths"),
        weaknesses=marker(client, "weaknesses"),
        offer=marker(client, "offer"),
    )


def _text(content: bytes) -> str:
    if content[:2] == b"PK":  # XLSX: the text sits compressed inside the archive
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    return content.decode("utf-8", "replace")


def persona_username(org: Org, persona: str) -> str:
    user = org.persona(persona)
    assert user is not None
    return user.username


def _http(org: Org, persona: str) -> HttpClient:
    # A server error is counted and reported, not raised, so one broken page does not hide
    # what the others show.
    http = HttpClient(raise_request_exception=False)
    user = org.persona(persona)
    if user is not None:
        http.force_login(user)
    return http


def _client_urls(clients: dict[str, Client]) -> list[str]:
    urls: list[str] = []
    for name, route in sorted(ROUTES.items()):
        if "GET" not in route.methods:
            continue
        for client in clients.values():
            contact = client.contacts.first()
            competitor = client.competitors.first()
            if name == "clients:card-panel":
                lazy = [p.key for p in card_panels() if p.lazy]
                urls.extend(reverse(name, args=[client.pk, key]) for key in lazy)
            elif route.kind in (Kind.CLIENT, Kind.DOSSIER):
                urls.append(reverse(name, args=[client.pk]))
            elif route.kind is Kind.CONTACT and contact is not None:
                urls.append(reverse(name, args=[client.pk, contact.pk]))
            elif route.kind is Kind.COMPETITOR and competitor is not None:
                urls.append(reverse(name, args=[client.pk, competitor.pk]))
    return urls


@dataclass
class Figures:
    responses: int = 0
    by_format: Counter[str] = field(default_factory=Counter)
    pair_hits: int = 0
    leaks: list[str] = field(default_factory=list)
    uncached: list[str] = field(default_factory=list)
    errors: set[str] = field(default_factory=set)


@pytest.mark.django_db
def test_canary_crawl_every_route_and_export_as_every_role(
    org: Org, capsys: pytest.CaptureFixture[str]
) -> None:
    own = client_create(
        actor=org.supervisor_a, name="Собственный Маркер-SA", manager=org.supervisor_a
    )
    clients = {
        "client_a1": org.client_a1,
        "client_a2": org.client_a2,
        "client_b1": org.client_b1,
        "client_sa": own,
    }
    for client in clients.values():
        _plant(client)
    pages = set(_client_urls(clients))
    for name, route in ROUTES.items():
        if "GET" in route.methods and route.kind not in (
            Kind.CLIENT,
            Kind.DOSSIER,
            Kind.CONTACT,
            Kind.COMPETITOR,
        ):
            pages.update(url for url, _key in _urls(org, name, route))
    # The exports each page offers: found by asking every page for CSV and XLSX as the director
    # and a supervisor (together they see every client).
    exports = set()
    probe_errors: set[str] = set()
    for persona in ("director", "supervisor_a"):
        probe = _http(org, persona)
        for url in pages:
            for fmt in ("csv", "xlsx"):
                joined = f"{url}{'&' if '?' in url else '?'}format={fmt}"
                response = probe.get(joined)
                if response.status_code >= 500:
                    probe_errors.add(joined)
                kind = response.get("Content-Type", "")
                if response.status_code == 200 and "html" not in kind and "json" not in kind:
                    exports.add(joined)
    searches = [
        (key, f"{base}?status=all&q={marker(client, name)}")
        for key, client in clients.items()
        for name in FIELDS
        for base in (reverse("clients:client-list"), reverse("api:client-list"))
    ]
    urls = sorted(pages) + sorted(exports)
    figures = Figures(errors=probe_errors)
    found: dict[tuple[str, str], set[str]] = {}
    for persona in PERSONAS:
        http: HttpClient = _http(org, persona)
        for url in urls:
            response = http.get(url)
            figures.responses += 1
            if response.status_code >= 500:
                figures.errors.add(url)
            kind = response.get("Content-Type", "")
            fmt = (
                "xlsx"
                if "sheet" in kind
                else "csv"
                if "csv" in kind
                else ("api" if "json" in kind else "html")
            )
            figures.by_format[fmt] += 1
            body = _text(response.content)
            for key, client in clients.items():
                hits = {n for n in FIELDS if marker(client, n) in body}
                if not hits:
                    continue
                if persona in PAIRS[key]:
                    figures.pair_hits += 1
                    found.setdefault((persona, key), set()).update(hits)
                    if "no-store" not in response.get("Cache-Control", ""):
                        figures.uncached.append(f"{persona} {url}")
                else:
                    figures.leaks.append(f"{persona} saw {key} {sorted(hits)} at {url}")
        # A search by a marker must not find the client for anyone outside the pair.
        # (The query is echoed back, so look for the client's name in the results.)
        for key, url in searches:
            figures.responses += 1
            body = http.get(url).content.decode()
            if clients[key].name in body and persona not in PAIRS[key]:
                figures.leaks.append(f"{persona} found {key} by searching {url}")
    # The command line's reports, as every persona where they take one and company-wide.
    from kam.cli import main

    cli_runs = 0
    for report in ("cadence", "relations", "portfolio", "nps"):
        who: list[str | None] = [None] + (
            [p for p in PERSONAS if org.persona(p) is not None]
            if report in ("cadence", "relations")
            else []
        )
        for as_persona in who:
            args = ["report", report, "--format", "json"]
            if as_persona is not None:
                args += ["--as", persona_username(org, as_persona)]
            capsys.readouterr()
            main(args)
            out = capsys.readouterr().out
            cli_runs += 1
            figures.responses += 1
            for key, client in clients.items():
                hits = {n for n in FIELDS if marker(client, n) in out}
                if hits:
                    figures.leaks.append(f"kam {' '.join(args)} shows {key} {sorted(hits)}")
    with capsys.disabled():
        sys.stdout.write(
            f"\nDRILL canary-crawl personas={len(PERSONAS)} urls={len(urls)} "
            f"exports={len(exports)} searches={len(searches)} cli_reports={cli_runs} "
            f"responses={figures.responses} "
            f"html={figures.by_format['html']} api={figures.by_format['api']} "
            f"csv={figures.by_format['csv']} xlsx={figures.by_format['xlsx']} "
            f"pair_hits={figures.pair_hits} leaks={len(figures.leaks)} "
            f"uncached={len(figures.uncached)} server_errors={len(figures.errors)}\n"
        )
    assert not figures.leaks, figures.leaks[:20]
    assert not figures.uncached, figures.uncached[:20]
    # The crawl can fail: each reader finds every marker of each dossier they may read.
    for key, readers in PAIRS.items():
        for persona in readers:
            assert found.get((persona, key)) == set(FIELDS), (
                persona,
                key,
                found.get((persona, key)),
            )
