"""The client card and Today are compositions: what each app registers is shown in order,
hidden where its access check says no, and a lazy panel is a fragment URL checked like the card."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from kam.core import composition
from kam.core.composition import CardPanel, TodaySection, card_panels, today_sections
from kam.testing import Org

pytestmark = pytest.mark.django_db


@pytest.fixture
def extra_pieces(tmp_path, settings) -> Iterator[None]:
    """A test app's panels and section, as a new app would register them in ready()."""
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "panel.html").write_text(
        '<section id="test-panel">{{ marker }} {{ client.name }}</section>'
    )
    (tmp_path / "t" / "secret.html").write_text('<section id="test-secret">secret</section>')
    (tmp_path / "t" / "section.html").write_text(
        '<section id="test-section">{{ marker }} {{ team }}</section>'
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0].get("DIRS", [])]}
    ]
    saved = dict(composition._panels), dict(composition._sections)
    composition.register_card_panel(
        CardPanel("test", 25, "t/panel.html", lambda r, c, f: {"marker": "PANEL-MARK"})
    )
    # Only the client's own manager may see this one; it loads lazily.
    composition.register_card_panel(
        CardPanel("secret", 26, "t/secret.html", allowed=lambda u, c: u == c.manager, lazy=True)
    )
    composition.register_today_section(
        TodaySection("test", 150, "t/section.html", lambda r, b: {"marker": "SECTION-MARK"})
    )
    # A slow, secondary section: loaded after the page, and only for supervisors.
    (tmp_path / "t" / "slow.html").write_text(
        '<section id="test-slow">{{ slow }} {{ team }} {{ page|default:"no page" }}</section>'
    )
    composition.register_today_section(
        TodaySection(
            "slow",
            160,
            "t/slow.html",
            lambda r, b: {"slow": "SLOW-MARK"},
            allowed=lambda u: u.is_supervisor,
            lazy=True,
        )
    )
    yield
    composition._panels.clear()
    composition._panels.update(saved[0])
    composition._sections.clear()
    composition._sections.update(saved[1])


def _as(user) -> HttpClient:
    http = HttpClient()
    http.force_login(user)
    return http


def test_every_app_registers_its_pieces_in_a_declared_order() -> None:
    assert [p.key for p in card_panels()] == [
        "key-status",
        "health",
        "playbook",
        "contacts",
        "log",
        "relationship",
        "deals",
        "revenue",
        "calls",
        "fit",
        "history",
    ]
    assert [s.key for s in today_sections()] == [
        "org-changes",
        "contacts",
        "difficult",
        "health",
        "deals",
        "cases",
        "to-call",
        "follow-up",
        "fit-actions",
        "review-tasks",
    ]


def test_card_shows_registered_panels_in_order(org: Org, extra_pieces: None) -> None:
    html = _as(org.manager_a1).get(org.client_a1.get_absolute_url()).content.decode()
    assert f"PANEL-MARK {org.client_a1.name}" in html
    ids = re.findall(r'<section class="card[^"]*" id="([a-z-]+)"|<section id="(test-panel)"', html)
    order = [a or b for a, b in ids]
    assert order.index("log") > order.index("test-panel") > order.index("contacts")
    # The lazy panel is a placeholder pointing at its fragment, not rendered inline.
    fragment = reverse("clients:card-panel", args=[org.client_a1.pk, "secret"])
    assert f'hx-get="{fragment}"' in html
    assert "test-secret" not in html


def test_lazy_panel_is_access_checked_like_a_route(org: Org, extra_pieces: None) -> None:
    fragment = reverse("clients:card-panel", args=[org.client_a1.pk, "secret"])
    assert "test-secret" in _as(org.manager_a1).get(fragment).content.decode()
    # The supervisor sees the client but the panel says no: 404, and no placeholder either.
    assert _as(org.supervisor_a).get(fragment).status_code == 404
    card = _as(org.supervisor_a).get(org.client_a1.get_absolute_url()).content.decode()
    assert fragment not in card
    # Someone else's client: 404 as for the card; an unknown panel: 404.
    assert _as(org.manager_b1).get(fragment).status_code == 404
    unknown = reverse("clients:card-panel", args=[org.client_a1.pk, "nope"])
    assert _as(org.manager_a1).get(unknown).status_code == 404


def test_today_shows_registered_sections_in_order(org: Org, extra_pieces: None) -> None:
    html = _as(org.manager_a1).get(reverse("today")).content.decode()
    assert "SECTION-MARK False" in html
    assert html.index('id="due"') < html.index("test-section") < html.index('id="paused"')
    team = _as(org.supervisor_a).get(reverse("today"), {"view": "team"}).content.decode()
    assert "SECTION-MARK True" in team


def test_lazy_today_section_is_a_fragment_checked_like_a_route(
    org: Org, extra_pieces: None
) -> None:
    fragment = reverse("today-section", args=["slow"])
    page = _as(org.supervisor_a).get(reverse("today"), {"view": "team"}).content.decode()
    # A placeholder pointing at the fragment (keeping the team view), not the section itself.
    assert f'hx-get="{fragment}?view=team"' in page
    assert "test-slow" not in page
    own = _as(org.supervisor_a).get(reverse("today")).content.decode()
    assert f'hx-get="{fragment}"' in own
    # The fragment renders with the light base context (no `page`), in the asked view.
    team = _as(org.supervisor_a).get(fragment, {"view": "team"}).content.decode()
    assert "SLOW-MARK True no page" in team
    assert "SLOW-MARK False" in _as(org.supervisor_a).get(fragment).content.decode()
    # A manager may not see it: no placeholder, and the fragment answers 404.
    assert fragment not in _as(org.manager_a1).get(reverse("today")).content.decode()
    assert _as(org.manager_a1).get(fragment).status_code == 404
    # Unknown sections and sections rendered inline have no fragment.
    for key in ("nope", "test"):
        assert _as(org.supervisor_a).get(reverse("today-section", args=[key])).status_code == 404


def test_account_health_loads_lazily_on_today(org: Org) -> None:
    """The slowest section of Today (health of every client) is a fragment of its own."""
    http = _as(org.manager_a1)
    page = http.get(reverse("today")).content.decode()
    fragment = reverse("today-section", args=["health"])
    assert f'hx-get="{fragment}"' in page
    assert 'id="health"' not in page
    assert 'id="health"' in http.get(fragment).content.decode()


def test_health_on_today_scores_the_own_clients_or_the_team(org: Org) -> None:
    """The own day scores only the viewer's clients; the team day every client they see."""
    fragment = reverse("today-section", args=["health"])
    http = _as(org.supervisor_a)
    own = http.get(fragment).content.decode()
    team = http.get(fragment, {"view": "team"}).content.decode()
    assert org.client_a1.name not in own
    assert org.client_a1.name in team
    assert org.client_b1.name not in team
    assert org.client_a1.name in _as(org.manager_a1).get(fragment).content.decode()
