"""The org-chart rule: nobody makes themselves part of a dossier pair, on any path; every
change of the org chart or of a client's manager is logged and shown to the people it touches.
"""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client as HttpClient
from django.urls import reverse

from kam.accounts.models import OrgChange, User
from kam.accounts.services import user_create, user_update
from kam.clients.services import client_update, clients_reassign
from kam.testing import Org, canary

MUST_BE_ANOTHER = "Another administrator|другой администратор"


def _login(user: User) -> HttpClient:
    http = HttpClient()
    http.force_login(user)
    return http


def _dossier_status(user: User, org: Org) -> int:
    return _login(user).get(reverse("clients:dossier", args=[org.client_a1.pk])).status_code


def test_admin_cannot_make_himself_a_supervisor_of_a_manager(org: Org) -> None:
    """The attack from the probe: two edits (role, then supervisor link) opened the dossier."""
    user_update(actor=org.admin, user=org.admin, is_supervisor=True)  # harmless on its own
    with pytest.raises(ValidationError, match=MUST_BE_ANOTHER):
        user_update(actor=org.admin, user=org.manager_a1, supervisor=org.admin)
    org.manager_a1.refresh_from_db()
    assert org.manager_a1.supervisor == org.supervisor_a
    assert _dossier_status(org.admin, org) == 404


def test_another_admin_may_make_the_same_change_and_it_is_logged(org: Org) -> None:
    second = User.objects.create(username="admin2", is_admin=True)
    org.admin.is_supervisor = True
    org.admin.save(update_fields=["is_supervisor"])
    user_update(actor=second, user=org.manager_a1, supervisor=org.admin)
    assert _dossier_status(org.admin, org) == 200
    change = OrgChange.objects.get(kind=OrgChange.Kind.SUPERVISOR, subject=org.manager_a1)
    assert change.actor == second
    assert set(change.affected.all()) == {org.manager_a1, org.supervisor_a, org.admin}
    # The affected people see it on their profile page; an outsider does not.
    profile = reverse("accounts:profile")
    for person in (org.manager_a1, org.supervisor_a):
        assert "admin2" in _login(person).get(profile).content.decode()
    assert "admin2" not in _login(org.manager_b1).get(profile).content.decode()
    # Administrators see every change on the org chart page.
    chart = _login(org.admin).get(reverse("accounts:org-chart")).content.decode()
    assert "admin2" in chart


def test_director_cannot_hand_a_client_to_his_own_report(org: Org) -> None:
    """Director reassigns a client to a supervisor reporting to him: the pair would be his."""
    with pytest.raises(ValidationError, match=MUST_BE_ANOTHER):
        client_update(actor=org.director, client=org.client_b1, manager=org.supervisor_a)
    org.client_b1.refresh_from_db()
    assert org.client_b1.manager == org.manager_b1
    # Handing it to a manager under supervisor_a gains him nothing: allowed and logged.
    client_update(actor=org.director, client=org.client_b1, manager=org.manager_a2)
    change = OrgChange.objects.get(kind=OrgChange.Kind.CLIENT_MANAGER, client=org.client_b1)
    assert set(change.affected.all()) == {
        org.manager_b1,
        org.supervisor_b,
        org.manager_a2,
        org.supervisor_a,
    }


def test_admin_cannot_take_a_client_himself_through_the_web_form(org: Org) -> None:
    http = _login(org.admin)
    url = reverse("clients:client-edit", args=[org.client_a1.pk])
    data = {
        "name": org.client_a1.name,
        "inn": org.client_a1.inn,
        "segment": org.client_a1.segment,
        "channel": org.client_a1.channel,
        "manager": org.admin.pk,
    }
    org.admin.is_manager = True
    org.admin.save(update_fields=["is_manager"])
    response = http.post(url, data)
    assert response.status_code == 200
    assert re.search(MUST_BE_ANOTHER, response.content.decode())
    org.client_a1.refresh_from_db()
    assert org.client_a1.manager == org.manager_a1


def test_the_rule_holds_in_the_kam_user_pages(org: Org) -> None:
    org.admin.is_supervisor = True
    org.admin.save(update_fields=["is_supervisor"])
    http = _login(org.admin)
    url = reverse("accounts:user-edit", args=[org.manager_a1.pk])
    form = http.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k != "password"}
    data["supervisor"] = org.admin.pk
    data = {k: (v.pk if isinstance(v, User) else v) for k, v in data.items()}
    response = http.post(url, data)
    assert response.status_code == 200
    org.manager_a1.refresh_from_db()
    assert org.manager_a1.supervisor == org.supervisor_a
    assert (
        canary(org.client_a1)
        not in _login(org.admin)
        .get(reverse("clients:dossier", args=[org.client_a1.pk]))
        .content.decode()
    )


def test_the_rule_holds_in_the_django_admin(org: Org) -> None:
    org.superuser.is_supervisor = True
    org.superuser.save(update_fields=["is_supervisor"])
    http = _login(org.superuser)
    url = reverse("admin:accounts_user_change", args=[org.manager_a1.pk])
    page = http.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data: dict[str, object] = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None or name == "password":
            continue
        if isinstance(value, list):
            data[name] = [getattr(v, "pk", v) for v in value]
        else:
            data[name] = getattr(value, "pk", value)
    for name in [n for n, v in data.items() if v is False]:
        del data[name]
    data["supervisor"] = org.superuser.pk
    data["date_joined_0"], data["date_joined_1"] = "2026-01-01", "10:00:00"
    response = http.post(url, data)
    assert response.status_code == 200  # the form again, with the error
    assert re.search(MUST_BE_ANOTHER, response.content.decode())
    org.manager_a1.refresh_from_db()
    assert org.manager_a1.supervisor == org.supervisor_a


def test_bulk_reassignment_of_a_leaver_is_logged_per_client(org: Org) -> None:
    org.manager_a2.is_active = False
    org.manager_a2.save(update_fields=["is_active"])
    moved = clients_reassign(actor=org.admin, source=org.manager_a2, target=org.manager_a1)
    assert moved == 1
    org.client_a2.refresh_from_db()
    assert org.client_a2.manager == org.manager_a1
    assert OrgChange.objects.filter(client=org.client_a2).count() == 1
    # An admin who would become the pair is refused as a whole.
    org.admin.is_manager = True
    org.admin.save(update_fields=["is_manager"])
    with pytest.raises(ValidationError):
        clients_reassign(actor=org.admin, source=org.manager_a1, target=org.admin)
    assert org.client_a1.__class__.objects.filter(manager=org.manager_a1).count() == 2


def test_admin_cannot_make_a_puppet_account_a_dossier_reader(org: Org) -> None:
    """An admin who set someone's password can log in as them: that person counts as his."""
    puppet = user_create(
        actor=org.admin, username="puppet", password="Тайный-пароль-31", is_supervisor=True
    )
    with pytest.raises(ValidationError, match=MUST_BE_ANOTHER):
        user_update(actor=org.admin, user=org.manager_a1, supervisor=puppet)
    # Once the person has chosen their own password, the admin no longer controls the account.
    http = _login(puppet)
    page = http.post(
        reverse("accounts:password-change"),
        {
            "old_password": "Тайный-пароль-31",
            "new_password1": "Собственный-пароль-77",
            "new_password2": "Собственный-пароль-77",
        },
    )
    assert page.status_code == 302
    user_update(actor=org.admin, user=org.manager_a1, supervisor=puppet)
    org.manager_a1.refresh_from_db()
    assert org.manager_a1.supervisor == puppet


def test_password_set_by_an_admin_is_shown_to_the_owner(org: Org) -> None:
    user_update(actor=org.admin, user=org.manager_a1, password="Новый-пароль-2026")
    change = OrgChange.objects.get(kind=OrgChange.Kind.PASSWORD)
    assert set(change.affected.all()) == {org.manager_a1, org.supervisor_a}
    page = _login(org.manager_a1).get(reverse("accounts:profile")).content.decode()
    assert "admin" in page
    # And the admin now controls that account: he may not become its pair's reader either.
    org.admin.is_supervisor = True
    org.admin.save(update_fields=["is_supervisor"])
    with pytest.raises(ValidationError, match=MUST_BE_ANOTHER):
        client_update(actor=org.admin, client=org.client_b1, manager=org.manager_a1)


def test_blocking_a_supervisor_is_shown_to_their_reports(org: Org) -> None:
    user_update(actor=org.admin, user=org.supervisor_a, is_active=False)
    change = OrgChange.objects.get(kind=OrgChange.Kind.ACTIVE)
    assert set(change.affected.all()) == {
        org.supervisor_a,
        org.director,
        org.manager_a1,
        org.manager_a2,
        org.inactive,
    }
    assert _dossier_status(org.supervisor_a, org) == 302  # blocked: sent to the login page


def test_today_tells_the_affected_people_about_a_recent_change(org: Org) -> None:
    client_update(actor=org.director, client=org.client_b1, manager=org.manager_a2)
    for person in (org.manager_b1, org.supervisor_b, org.manager_a2, org.supervisor_a):
        page = _login(person).get(reverse("today")).content.decode()
        assert 'id="org-changes-today"' in page, person.username
        assert org.client_b1.name in page
    assert (
        'id="org-changes-today"'
        not in _login(org.manager_a1).get(reverse("today")).content.decode()
    )
