"""Writes of complaint cases: opened by surveys (a critic's answer) or by hand, then worked
through the steps of SPEC §7 in order."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kam.accounts.models import User
from kam.clients.models import Client
from kam.playbooks.choices import CaseStep
from kam.playbooks.models import CaseStepRecord, ComplaintCase

STEPS = list(CaseStep)


def case_open(
    *, client: Client, owner: User, summary: str = "", answer: Any = None
) -> ComplaintCase:
    """Open a complaint case for `client`, owned by `owner`; `answer` is the NPS answer that
    raised it, if any (surveys calls this for every critic)."""
    return ComplaintCase.objects.create(client=client, owner=owner, summary=summary, answer=answer)


@transaction.atomic
def case_step(
    *,
    actor: User,
    case: ComplaintCase,
    step: str,
    note: str = "",
    root_cause: str = "",
    change_made: str = "",
) -> CaseStepRecord:
    """Record the next step of a case, in order; the diagnosis closes it and needs both the
    root cause and what changed so that it does not repeat (SPEC §7)."""
    if case.closed_at is not None:
        raise ValidationError({"step": _("The case is closed.")})
    done = set(case.steps.values_list("step", flat=True))
    expected = next((s for s in STEPS if s.value not in done), None)
    if expected is None or step != expected.value:
        raise ValidationError(
            {
                "step": _("Take the steps in order: next is “%(step)s”.")
                % {"step": expected.label if expected else "—"}
            }
        )
    if step == CaseStep.DIAGNOSE:
        errors = {}
        if not root_cause.strip():
            errors["root_cause"] = _("Name the root cause.")
        if not change_made.strip():
            errors["change_made"] = _("Say what changed so that it does not repeat.")
        if errors:
            raise ValidationError(errors)
        case.root_cause = root_cause.strip()
        case.change_made = change_made.strip()
        case.closed_at = timezone.now()
        case.save(update_fields=["root_cause", "change_made", "closed_at"])
    return CaseStepRecord.objects.create(case=case, step=step, note=note.strip(), done_by=actor)
