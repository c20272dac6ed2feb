"""Demo org chart: an admin, a director, two supervisors with three managers each."""

from __future__ import annotations

from dataclasses import dataclass

from faker import Faker

from kam.accounts.models import Department, User
from kam.core.demo import DemoContext

DEMO_PASSWORD = "kam-demo"  # noqa: S105 - the documented password of the demo users


@dataclass(frozen=True, slots=True)
class DemoLogin:
    """One demo login for the start-up banner."""

    username: str
    role: str


DEMO_LOGINS = (
    DemoLogin("admin", "admin"),
    DemoLogin("director", "director; reads the dossiers of head1's and head2's own clients"),
    DemoLogin("head1", "supervisor of manager1-3, has clients of their own"),
    DemoLogin("head2", "supervisor of manager4-6, has clients of their own"),
    *(
        DemoLogin(f"manager{i}", f"manager, reports to head{1 if i <= 3 else 2}")
        for i in range(1, 7)
    ),
)


def _user(fake: Faker, username: str, **flags: object) -> User:
    user = User(
        username=username,
        first_name=fake.first_name_male() if username != "admin" else "Админ",
        last_name=fake.last_name_male() if username != "admin" else "Системный",
        email=f"{username}@example.ru",
        **flags,
    )
    user.set_password(DEMO_PASSWORD)
    user.save()
    return user


def _org_chart(fake: Faker) -> list[User]:
    top = Department.objects.create(name="Дирекция")
    sales1 = Department.objects.create(name="Отдел продаж 1", parent=top)
    sales2 = Department.objects.create(name="Отдел продаж 2", parent=top)
    for name in ("Логистика", "Бухгалтерия", "Служба поддержки"):
        Department.objects.create(name=name, parent=top)
    _user(fake, "admin", is_admin=True, department=top)
    director = _user(fake, "director", is_director=True, department=top)
    head1 = _user(
        fake, "head1", is_supervisor=True, is_manager=True, supervisor=director, department=sales1
    )
    head2 = _user(
        fake, "head2", is_supervisor=True, is_manager=True, supervisor=director, department=sales2
    )
    managers = [
        _user(
            fake,
            f"manager{i}",
            is_manager=True,
            supervisor=head1 if i <= 3 else head2,
            department=sales1 if i <= 3 else sales2,
        )
        for i in range(1, 7)
    ]
    return [*managers, head1, head2]


def seed(ctx: DemoContext) -> None:
    ctx.people = _org_chart(ctx.fake)
    ctx.counts["users"] = len(ctx.people) + 2
