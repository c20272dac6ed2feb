"""Role rules without a database."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kam.accounts.domain import Roles, Scope, client_scope, may_assign_to, may_read_dossier


@pytest.mark.parametrize(
    ("roles", "scope"),
    [
        (Roles(manager=True), Scope.OWN),
        (Roles(), Scope.OWN),
        (Roles(supervisor=True), Scope.TEAM),
        (Roles(manager=True, supervisor=True), Scope.TEAM),
        (Roles(director=True), Scope.ALL),
        (Roles(admin=True), Scope.ALL),
        (Roles(superuser=True), Scope.ALL),
        (Roles(supervisor=True, director=True), Scope.ALL),
        (Roles(director=True, active=False), Scope.NONE),
        (Roles(manager=True, active=False), Scope.NONE),
    ],
)
def test_client_scope_follows_the_strongest_role(roles: Roles, scope: Scope) -> None:
    assert client_scope(roles) is scope


@pytest.mark.parametrize(
    ("viewer", "active", "manager", "supervisor", "allowed"),
    [
        (1, True, 1, 2, True),  # the client's manager
        (2, True, 1, 2, True),  # that manager's direct supervisor
        (3, True, 1, 2, False),  # anyone else: a director, an admin, a superuser, a peer
        (1, False, 1, 2, False),  # blocked user
        (2, True, 1, None, False),  # manager without a supervisor: only the manager
        (1, True, 1, None, True),
        (1, True, None, None, False),
    ],
)
def test_dossier_rule(
    viewer: int, active: bool, manager: int | None, supervisor: int | None, allowed: bool
) -> None:
    assert (
        may_read_dossier(
            viewer_id=viewer,
            viewer_active=active,
            manager_id=manager,
            manager_supervisor_id=supervisor,
        )
        is allowed
    )


@given(
    viewer=st.integers(1, 50),
    manager=st.integers(1, 50),
    supervisor=st.none() | st.integers(1, 50),
    roles=st.builds(
        Roles, st.booleans(), st.booleans(), st.booleans(), st.booleans(), st.booleans()
    ),
)
def test_no_role_opens_someone_elses_dossier(
    viewer: int, manager: int, supervisor: int | None, roles: Roles
) -> None:
    # Roles are not even an input: a director or superuser flag cannot widen dossier access.
    allowed = may_read_dossier(
        viewer_id=viewer, viewer_active=True, manager_id=manager, manager_supervisor_id=supervisor
    )
    assert allowed == (viewer in (manager, supervisor))


@pytest.mark.parametrize(
    ("scope", "target", "target_supervisor", "allowed"),
    [
        (Scope.OWN, 1, None, True),
        (Scope.OWN, 2, 1, False),
        (Scope.TEAM, 2, 1, True),
        (Scope.TEAM, 3, 9, False),
        (Scope.ALL, 3, 9, True),
        (Scope.NONE, 1, None, False),
    ],
)
def test_whom_a_viewer_may_assign(
    scope: Scope, target: int, target_supervisor: int | None, allowed: bool
) -> None:
    assert (
        may_assign_to(
            scope=scope, viewer_id=1, target_id=target, target_supervisor_id=target_supervisor
        )
        is allowed
    )
