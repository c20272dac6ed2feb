"""Pure rules of the contrast analysis (SPEC §8): who may be picked on which side, how we sold
from the deals' sources, and the synthesis — a Pareto table of cause tags on each side.

No Django here (STYLE §3); limits come in as arguments. The Pareto arithmetic itself is the
playbooks' (`kam.playbooks.domain.pareto`, with its 80 % "vital few"), reused, not repeated.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from kam.playbooks.domain import pareto

MAX_PER_SIDE = 10  # seed 003: ten satisfied and ten dissatisfied clients
VITAL_SHARE = 80.0  # the head of the Pareto list making up this share is "do first"
SIDES = ("satisfied", "dissatisfied")
HOW_SOLD = ("referral", "moved_contact", "tender", "new_region", "other")


class PickProblem(StrEnum):
    ALREADY_PICKED = "already_picked"  # the client is already on this side
    OTHER_SIDE = "other_side"  # the client is on the other side: never on both
    SIDE_FULL = "side_full"  # the side already has its maximum
    UNKNOWN_SIDE = "unknown_side"


def pick_problem(
    picked: Mapping[int, str], client_id: int, side: str, *, max_per_side: int
) -> PickProblem | None:
    """Why `client_id` may not be added on `side` to an analysis whose picks are `picked`
    (client id → side), or None when it may."""
    if side not in SIDES:
        return PickProblem.UNKNOWN_SIDE
    current = picked.get(client_id)
    if current == side:
        return PickProblem.ALREADY_PICKED
    if current is not None:
        return PickProblem.OTHER_SIDE
    if sum(1 for s in picked.values() if s == side) >= max_per_side:
        return PickProblem.SIDE_FULL
    return None


def how_sold(sources: Iterable[str]) -> str | None:
    """ "How we sold" from the deals' sources, oldest deal first: the first source given;
    an inbound request or an unknown code is "other"; None without any source."""
    for source in sources:
        if not source:
            continue
        return source if source in HOW_SOLD else "other"
    return None


@dataclass(frozen=True, slots=True)
class TagRow:
    """One cause tag of a side: clients carrying it, its share of the side's tag mentions,
    the running share, whether it is among the vital few, and the share of the side's
    clients that carry it."""

    tag: str
    count: int
    share: float
    cumulative: float
    vital: bool
    client_share: float


@dataclass(frozen=True, slots=True)
class SideSynthesis:
    side: str
    clients: int  # clients picked on the side
    answered: int  # of them, clients with at least one tagged answer
    rows: list[TagRow]

    @property
    def focus(self) -> list[TagRow]:
        """The vital few: strengths to reinforce (satisfied), fixes to do first (dissatisfied)."""
        return [r for r in self.rows if r.vital]

    @property
    def mentions(self) -> int:
        return sum(r.count for r in self.rows)


def side_synthesis(
    side: str,
    tag_clients: Mapping[str, int],
    *,
    clients: int,
    answered: int,
    vital_share: float = VITAL_SHARE,
) -> SideSynthesis:
    """The Pareto table of one side from the number of clients carrying each tag.

    A tag counts once per client however many of that client's answers carry it, so a count
    never exceeds the side's clients."""
    if clients < 0 or answered < 0 or answered > clients:
        raise ValueError("answered clients lie within 0…clients")
    if any(n > clients for n in tag_clients.values()):
        raise ValueError("a tag cannot be carried by more clients than the side has")
    rows = [
        TagRow(
            tag=r.cause,
            count=r.count,
            share=r.share,
            cumulative=r.cumulative,
            vital=r.vital,
            client_share=100 * r.count / clients,
        )
        for r in pareto(tag_clients, threshold=vital_share)
    ]
    return SideSynthesis(side=side, clients=clients, answered=answered, rows=rows)
