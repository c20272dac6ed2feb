"""Test personas: one fixed org chart used by the access suite and the view tests.

director ─┬─ supervisor_a ─┬─ manager_a1   (client_a1)
          │                └─ manager_a2   (client_a2)
          └─ supervisor_b ─── manager_b1   (client_b1)
admin (role), superuser (Django), inactive (former manager_a1 colleague, blocked).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from kam.accounts.models import User
from kam.clients.domain import normalize_company_name
from kam.clients.models import Client, Competitor, Contact, ContactDate, ContactRole, Dossier
from kam.playbooks.models import ComplaintCase
from kam.portfolio.models import AccountPlan, PlanAction, PlanGoal, RevenueRecord
from kam.relations.models import ChecklistTask, Interaction
from kam.surveys.models import Campaign, Respondent

PASSWORD = "persona-pass-1"  # noqa: S105 - test personas only


@dataclass
class Org:
    """The persona org chart and one client (with a contact and revenue) per manager."""

    director: User
    admin: User
    superuser: User
    supervisor_a: User
    supervisor_b: User
    manager_a1: User
    manager_a2: User
    manager_b1: User
    inactive: User
    client_a1: Client
    client_a2: Client
    client_b1: Client

    def persona(self, name: str) -> User | None:
        """A persona by name; "anonymous" is None."""
        return None if name == "anonymous" else getattr(self, name)

    @property
    def clients(self) -> list[Client]:
        return [self.client_a1, self.client_a2, self.client_b1]


def _user(username: str, **kwargs: object) -> User:
    user = User(username=username, first_name=username.title(), last_name="Тестов", **kwargs)
    user.set_password(PASSWORD)
    user.save()
    return user


def canary(client: Client) -> str:
    """A marker placed in every piece of the client's dossier; it must never leak."""
    return f"CANARY-DOSSIER-{client.inn}"


def _client(name: str, inn: str, manager: User) -> Client:
    client = Client.objects.create(
        name=name, normalized_name=normalize_company_name(name), inn=inn, manager=manager
    )
    # The persona clients came to KAM 20 days ago: never contacted, a key account (cadence
    # 10 days) is 10 days overdue, as the cadence counts from the day a client arrives.
    Client.objects.filter(pk=client.pk).update(created_at=timezone.now() - timedelta(days=20))
    client.refresh_from_db(fields=["created_at"])
    contact = Contact.objects.create(
        client=client,
        full_name=f"Контакт {name}",
        attitude="negative",
        influence="high",
        notes=f"Тайное мнение {canary(client)}",
    )
    ContactRole.objects.create(contact=contact, role="decision_maker")
    ContactDate.objects.create(contact=contact, what="День компании", date=date(2020, 5, 20))
    Dossier.objects.create(client=client, notes=f"Досье {canary(client)}")
    Competitor.objects.create(
        client=client, name="Конкурент", strengths=f"Цена {canary(client)}", offer="Скидка"
    )
    ChecklistTask.objects.create(
        client=client, title="Поздравить с юбилеем", owner=manager, created_by=manager
    )
    campaign = Campaign.objects.create(
        name=f"NPS {name}",
        kind="client",
        start=date(2026, 1, 1),
        end=date(2036, 12, 31),
        by_phone=True,
        by_link=True,
        created_by=manager,
    )
    Respondent.objects.create(campaign=campaign, client=client)
    ComplaintCase.objects.create(client=client, owner=manager, summary="Жалоба на сроки")
    Interaction.objects.create(
        client=client,
        author=manager,
        date=date(2026, 2, 1),
        channel="call",
        planned=True,
        summary="Звонок по плану",
    )
    RevenueRecord.objects.create(
        client=client, date=date(2026, 1, 15), amount=Decimal("1000.00"), source="test"
    )
    plan = AccountPlan.objects.create(client=client, created_by=manager)
    goal = PlanGoal.objects.create(
        plan=plan, title=f"Цель {name}", target_value=Decimal(10), due=date(2026, 6, 30)
    )
    PlanAction.objects.create(goal=goal, title="Встреча", owner=manager, due=date(2026, 6, 1))
    return client


def build_org() -> Org:
    """Create the personas and their clients in the current test database."""
    director = _user("director", is_director=True)
    supervisor_a = _user("supervisor_a", is_supervisor=True, is_manager=True, supervisor=director)
    supervisor_b = _user("supervisor_b", is_supervisor=True, is_manager=True, supervisor=director)
    manager_a1 = _user("manager_a1", is_manager=True, supervisor=supervisor_a)
    manager_a2 = _user("manager_a2", is_manager=True, supervisor=supervisor_a)
    manager_b1 = _user("manager_b1", is_manager=True, supervisor=supervisor_b)
    return Org(
        director=director,
        admin=_user("admin", is_admin=True),
        superuser=_user("root", is_superuser=True, is_staff=True),
        supervisor_a=supervisor_a,
        supervisor_b=supervisor_b,
        manager_a1=manager_a1,
        manager_a2=manager_a2,
        manager_b1=manager_b1,
        inactive=_user("inactive", is_manager=True, is_active=False, supervisor=supervisor_a),
        client_a1=_client("Альфа-Один Маркер-A1", "7707083893", manager_a1),
        client_a2=_client("Альфа-Два Маркер-A2", "7736207543", manager_a2),
        client_b1=_client("Бета-Один Маркер-B1", "7702070139", manager_b1),
    )
