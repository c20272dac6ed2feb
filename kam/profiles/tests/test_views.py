"""The profile through the doors a user uses: the workshop, scoring, ranking, check, time."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from kam.clients.models import Client
from kam.profiles import services as svc
from kam.profiles.models import (
    ActionItem,
    ProfileVersion,
    TraitScore,
    Workshop,
    WorkshopStep,
    WorkshopTrait,
)
from kam.profiles.selectors import fit_ranking, profile_check
from kam.testing import Org


def _login(user) -> HttpClient:
    http = HttpClient()
    http.force_login(user)
    return http


def _run_workshop(org: Org) -> ProfileVersion:
    head = _login(org.supervisor_a)
    head.post(reverse("profiles:workshop-create"), {"title": "Весна"})
    workshop = Workshop.objects.get()
    manager = _login(org.manager_a1)
    url = reverse("profiles:workshop", args=[workshop.pk])
    manager.post(
        reverse("profiles:pick", args=[workshop.pk]), {"client": org.client_a1.pk, "kind": "best"}
    )
    for kind, text in [
        ("best", "Доверяет нашей компании"),
        ("best", "Готов платить за ценность"),
        ("worst", "Медленно принимает решения"),
        ("worst", "Секретничает и не желает сотрудничать"),
    ]:
        manager.post(reverse("profiles:trait", args=[workshop.pk]), {"kind": kind, "text": text})
    head.post(
        reverse("profiles:trait", args=[workshop.pk]),
        {"kind": "best", "text": "Доверяет нам"},
    )
    head.post(reverse("profiles:trait", args=[workshop.pk]), {"kind": "worst", "text": "Жадный"})
    head.post(
        reverse("profiles:trait", args=[workshop.pk]),
        {"kind": "best", "text": "Выполняет договорённости"},
    )
    assert manager.get(url).status_code == 200
    head.post(reverse("profiles:advance", args=[workshop.pk]))  # → invert
    workshop.refresh_from_db()
    assert workshop.step == WorkshopStep.INVERT
    slow = WorkshopTrait.objects.get(text="Медленно принимает решения")
    assert slow.opposite == "Быстро принимает решения"  # suggested
    greedy = WorkshopTrait.objects.get(text="Жадный")
    assert greedy.opposite == "Щедрый"
    head.post(
        reverse("profiles:opposite", args=[workshop.pk]),
        {"trait": greedy.pk, "opposite": "Ценит качество выше цены"},
    )
    head.post(reverse("profiles:advance", args=[workshop.pk]))  # → merge
    trust = WorkshopTrait.objects.get(text="Доверяет нашей компании")
    dup = WorkshopTrait.objects.get(text="Доверяет нам")
    head.post(reverse("profiles:merge", args=[workshop.pk]), {"item": dup.pk, "into": trust.pk})
    head.post(reverse("profiles:advance", args=[workshop.pk]))  # → choose
    items = WorkshopTrait.objects.filter(workshop=workshop, merged_into__isnull=True)
    assert items.count() == 6
    chosen = list(items.order_by("id"))[:5]
    data: dict[str, object] = {"chosen": [str(i.pk) for i in chosen]}
    data[f"weight-{chosen[0].pk}"] = "2"
    head.post(reverse("profiles:choose", args=[workshop.pk]), data)
    head.post(reverse("profiles:advance", args=[workshop.pk]))  # → done
    workshop.refresh_from_db()
    assert workshop.step == WorkshopStep.DONE
    return ProfileVersion.objects.get()


def test_workshop_from_picks_to_a_profile_version(org: Org) -> None:
    version = _run_workshop(org)
    names = list(version.traits.values_list("name", "weight"))
    assert names[0] == ("Доверяет нашей компании", Decimal(2))
    assert ("Быстро принимает решения", Decimal(1)) in names
    assert len(names) == 5
    html = _login(org.manager_a1).get(reverse("profiles:profile")).content.decode()
    assert "Доверяет нашей компании" in html


def test_merge_counts_participants_once(org: Org) -> None:
    _run_workshop(org)
    html = _login(org.supervisor_a).get(
        reverse("profiles:workshop", args=[Workshop.objects.get().pk])
    )
    assert "2 участника" in html.content.decode()


def test_managers_cannot_run_the_workshop(org: Org) -> None:
    manager = _login(org.manager_a1)
    assert manager.post(reverse("profiles:workshop-create"), {"title": "x"}).status_code == 403
    workshop = svc.workshop_create(actor=org.supervisor_a, title="W")
    assert manager.post(reverse("profiles:advance", args=[workshop.pk])).status_code == 403
    assert manager.post(reverse("profiles:weights")).status_code == 403


def test_a_pick_of_someone_elses_client_is_not_found(org: Org) -> None:
    workshop = svc.workshop_create(actor=org.supervisor_a, title="W")
    response = _login(org.manager_a1).post(
        reverse("profiles:pick", args=[workshop.pk]), {"client": org.client_b1.pk, "kind": "best"}
    )
    assert response.status_code == 404


def test_the_step_cannot_be_skipped(org: Org) -> None:
    workshop = svc.workshop_create(actor=org.supervisor_a, title="W")
    head = _login(org.supervisor_a)
    response = head.post(reverse("profiles:advance", args=[workshop.pk]), follow=True)
    assert "хотя бы одну черту" in response.content.decode()
    workshop.refresh_from_db()
    assert workshop.step == WorkshopStep.PICK


def _row(org: Org):
    rows = fit_ranking(viewer=org.manager_a1).rows
    return next(r for r in rows if r.client_id == org.client_a1.pk)


def _score(http: HttpClient, client: Client, version: ProfileVersion, values: list[str]) -> None:
    data = {f"t{t.pk}": v for t, v in zip(version.traits.all(), values, strict=True)}
    response = http.post(reverse("profiles:client", args=[client.pk]), data)
    assert response.status_code == 302


def test_scores_make_fit_action_items_and_history(org: Org) -> None:
    version = _run_workshop(org)
    manager = _login(org.manager_a1)
    _score(manager, org.client_a1, version, ["5", "3", "-2", "", "4"])
    traits = list(version.traits.all())
    # Independent: weights 2,1,1,1,1 over the scored traits 0,1,2,4.
    expected = (2 * 5 + 3 - 2 + 4) / (5 * (2 + 1 + 1 + 1))
    row = _row(org)
    assert row.fit.value == pytest.approx(expected)
    assert row.fit.scored == 4
    action = ActionItem.objects.get(client=org.client_a1)
    assert action.trait == traits[2]
    assert action.owner == org.manager_a1
    assert action.due == timezone.localdate() + timedelta(days=14)
    # Re-saving the same scores adds no history; a change adds one row.
    _score(manager, org.client_a1, version, ["5", "3", "-2", "", "4"])
    assert TraitScore.objects.filter(client=org.client_a1).count() == 4
    _score(manager, org.client_a1, version, ["5", "3", "1", "", "4"])
    assert TraitScore.objects.filter(client=org.client_a1).count() == 5
    assert ActionItem.objects.filter(client=org.client_a1).count() == 1
    html = manager.get(reverse("profiles:client", args=[org.client_a1.pk])).content.decode()
    assert "+72%" in html  # (2·5 + 3 + 1 + 4) / (5·5) = 0.72 after the change
    assert traits[2].name in html


def test_fit_page_rejects_a_score_out_of_range(org: Org) -> None:
    version = _run_workshop(org)
    trait = version.traits.first()
    assert trait is not None
    response = _login(org.manager_a1).post(
        reverse("profiles:client", args=[org.client_a1.pk]), {f"t{trait.pk}": "7"}
    )
    assert response.status_code == 400
    assert not TraitScore.objects.exists()


def test_ranking_is_scoped_and_ordered(org: Org) -> None:
    version = _run_workshop(org)
    _score(_login(org.manager_a1), org.client_a1, version, ["1", "1", "1", "1", "1"])
    _score(_login(org.manager_a2), org.client_a2, version, ["5", "5", "5", "5", "-5"])
    _score(_login(org.manager_b1), org.client_b1, version, ["-5", "-5", "-5", "-5", "-5"])
    head_rows = fit_ranking(viewer=org.supervisor_a).scored
    assert [r.client_id for r in head_rows] == [org.client_a2.pk, org.client_a1.pk]
    director_rows = fit_ranking(viewer=org.director).scored
    assert [r.client_id for r in director_rows][-1] == org.client_b1.pk
    html = _login(org.manager_a1).get(reverse("profiles:profile")).content.decode()
    assert org.client_a2.name not in html


def test_action_item_edit(org: Org) -> None:
    version = _run_workshop(org)
    manager = _login(org.manager_a1)
    _score(manager, org.client_a1, version, ["-1", "", "", "", ""])
    item = ActionItem.objects.get()
    url = reverse("profiles:action", args=[org.client_a1.pk, item.pk])
    due = date(2030, 1, 15)
    response = manager.post(
        url,
        {
            "text": "Показать кейсы",
            "owner": org.manager_a1.pk,
            "due": due.isoformat(),
            "done": "on",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.text, item.due, item.done) == ("Показать кейсы", due, True)
    other = _login(org.manager_b1).get(url)
    assert other.status_code == 404


def test_a_new_version_keeps_old_scores(org: Org) -> None:
    version = _run_workshop(org)
    _score(_login(org.manager_a1), org.client_a1, version, ["5", "5", "5", "5", "5"])
    newer = svc.version_create(actor=org.director, traits=[("Новая черта", 1)])
    assert newer.number == 2
    assert TraitScore.objects.filter(trait__version=version).count() == 5
    row = _row(org)
    assert row.fit.value is None  # nothing scored against the new version yet


def test_check_finds_no_evidence_on_few_clients(org: Org) -> None:
    version = _run_workshop(org)
    _score(_login(org.manager_a1), org.client_a1, version, ["3", "3", "3", "3", "3"])
    outcomes = profile_check(viewer=org.director)
    assert {o.key for o in outcomes} == {"revenue_growth", "nps", "complaints", "deals_won"}
    assert all(not o.correlation.evidence for o in outcomes)
    html = _login(org.director).get(reverse("profiles:check")).content.decode()
    assert "слишком мало клиентов" in html


def test_time_page_lists_minutes_per_client(org: Org) -> None:
    from kam.relations.services import interaction_log

    interaction_log(
        actor=org.manager_a1,
        client=org.client_a1,
        date=timezone.localdate(),
        channel="call",
        personal=True,
        tone="neutral",
        duration_minutes=45,
    )
    html = _login(org.manager_a1).get(reverse("profiles:time")).content.decode()
    assert "45" in html
    assert org.client_a1.name in html


def test_card_panel_and_today_show_fit_and_due_actions(org: Org) -> None:
    version = _run_workshop(org)
    manager = _login(org.manager_a1)
    _score(manager, org.client_a1, version, ["4", "-3", "", "", ""])
    card = manager.get(org.client_a1.get_absolute_url()).content.decode()
    assert 'id="fit-panel"' in card
    # (2·4 − 3) / (5·3) = 0.333… → +33%
    assert "+33%" in card
    item = ActionItem.objects.get()
    assert item.text in card
    item.due = timezone.localdate()
    item.save()
    today = manager.get(reverse("today")).content.decode()
    assert 'id="fit-actions"' in today
    assert org.client_a1.name in today
    # Nobody else's Today lists it.
    other = _login(org.manager_b1).get(reverse("today")).content.decode()
    assert 'id="fit-actions"' not in other


def test_demo_has_a_finished_workshop_scores_and_actions(db: None) -> None:
    from kam.accounts.models import User
    from kam.demo import load_demo

    load_demo(clients=60, seed=3)
    workshop = Workshop.objects.get()
    assert workshop.step == WorkshopStep.DONE
    version = ProfileVersion.objects.get()
    assert version.traits.count() == 5
    director = User.objects.get(username="director")
    scored = fit_ranking(viewer=director).scored
    assert len(scored) >= 40
    assert ActionItem.objects.filter(done=False).exists()
    # Every action item comes from a score below zero recorded for that client and trait.
    for item in ActionItem.objects.all()[:20]:
        scores = TraitScore.objects.filter(client=item.client, trait=item.trait)
        assert scores.filter(score__lt=0).exists()


def _deal(client: Client, **kwargs: object):
    from kam.deals.models import Deal

    return Deal.objects.create(
        client=client,
        manager=client.manager,
        created=timezone.localdate() - timedelta(days=5),
        step="meeting",
        title=str(kwargs.pop("title", "Сделка")),
        **kwargs,
    )


def test_quadrant_per_manager_share_flags_and_refusals(org: Org) -> None:
    a1 = [_deal(org.client_a1, title=f"A1-{i}") for i in range(4)]
    a2 = _deal(org.client_a2, title="A2")
    manager = _login(org.manager_a1)
    answers = [
        ("yes", "yes", False),
        ("yes", "yes", False),
        ("yes", "no", False),
        ("no", "no", True),
    ]
    for deal, (we, they, refused) in zip(a1, answers, strict=True):
        data = {"we_win": we, "client_wins": they, "client_goal": "Снизить простои"}
        if refused:
            data["refused"] = "on"
        assert manager.post(reverse("profiles:assessment", args=[deal.pk]), data).status_code == 302
    _login(org.manager_a2).post(
        reverse("profiles:assessment", args=[a2.pk]), {"we_win": "yes", "client_wins": "yes"}
    )
    from kam.profiles.selectors import quadrant_report

    report = quadrant_report(viewer=org.supervisor_a)
    shares = {m.manager_id: (m.win_win, m.assessed, m.refused) for m in report.managers}
    assert shares[org.manager_a1.pk] == (2, 4, 1)
    assert shares[org.manager_a2.pk] == (1, 1, 0)
    assert (report.team.win_win, report.team.assessed) == (3, 5)
    assert {a.deal_id for a in report.flagged} == {a1[2].pk, a1[3].pk}
    assert [a.deal_id for a in report.refused] == [a1[3].pk]
    # The flagged deals show on the client's card; others' deals are not reachable.
    card = manager.get(org.client_a1.get_absolute_url()).content.decode()
    assert "A1-2" in card
    assert manager.get(reverse("profiles:assessment", args=[a2.pk])).status_code == 404
    page = _login(org.supervisor_a).get(reverse("profiles:quadrant")).content.decode()
    assert "50%" in page  # manager_a1: 2 of 4 win–win


def test_refusing_a_win_win_deal_is_an_error(org: Org) -> None:
    deal = _deal(org.client_a1)
    response = _login(org.manager_a1).post(
        reverse("profiles:assessment", args=[deal.pk]),
        {"we_win": "yes", "client_wins": "yes", "refused": "on"},
    )
    assert response.status_code == 400
    assert not hasattr(deal, "assessment") or deal.assessment is None


def test_demo_places_deals_in_every_quadrant(db: None) -> None:
    from kam.accounts.models import User
    from kam.demo import load_demo
    from kam.profiles.selectors import quadrant_report

    load_demo(clients=60, seed=5)
    report = quadrant_report(viewer=User.objects.get(username="director"))
    assert report.team.assessed > 10
    assert report.team.win_win < report.team.assessed
    assert report.flagged
