"""Pure relationship rules: contact cadence, pause, emotional bank account, dates (SPEC §3, §4).

No Django here (STYLE §3): selectors fetch the last contacts and the bank entries, these
functions apply the rules. Every threshold is an admin setting and is passed in explicitly.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from itertools import accumulate, groupby
from typing import Final

MIN_WEIGHT: Final = 1
MAX_WEIGHT: Final = 5
ALERT_NEGATIVE_BALANCE: Final = "negative_balance"
ALERT_WITHDRAWAL_STREAK: Final = "withdrawal_streak"


class Tone(StrEnum):
    """Tone of a logged contact (SPEC §3): positive / neutral / negative."""

    POSITIVE = "positive"
    NEUTRAL = "neutral"
    NEGATIVE = "negative"


@dataclass(frozen=True, slots=True)
class CadenceStatus:
    """Where a key account stands against "a positive contact at least every N days" (SPEC §3).

    due_on = last_positive + N; days_overdue = max(0, today - due_on). A client never contacted
    positively has last_positive, days_since_positive and due_on None and days_overdue = N.
    """

    last_positive: date | None
    days_since_positive: int | None
    due_on: date | None
    days_overdue: int

    @property
    def is_overdue(self) -> bool:
        """True when the cadence is broken (days_overdue > 0; SPEC §3 "overdue accounts")."""
        return self.days_overdue > 0


def cadence_shortened(every_days: int, percent: int) -> int:
    """A cadence shortened to `percent` of the usual (a disloyal client), at least one day."""
    return max(1, every_days * percent // 100)


def cadence_status(
    last_positive: date | None, today: date, *, every_days: int, since: date | None = None
) -> CadenceStatus:
    """Cadence check (SPEC §3): due_on = last_positive + every_days, overdue = today - due_on.

    With every_days = 10 and a positive contact on day 0, day 10 is within the cadence and
    day 11 is 1 day overdue. A client never contacted positively is counted as overdue by one
    full period (days_overdue = every_days): it must show up among overdue accounts, and one
    period ranks it without inventing a contact date. A last_positive after today is an error
    of the caller (only contacts up to today count).

    `since` (the day the client came to KAM) starts the count for a client never contacted:
    a client created today is due in `every_days` days, not overdue on day 0.
    """
    if every_days < 1:
        raise ValueError("every_days must be at least 1")
    if last_positive is None:
        if since is None:
            return CadenceStatus(None, None, None, every_days)
        due = min(since, today) + timedelta(days=every_days)
        return CadenceStatus(None, None, due, max(0, (today - due).days))
    if last_positive > today:
        raise ValueError("last positive contact lies after today")
    due_on = last_positive + timedelta(days=every_days)
    return CadenceStatus(
        last_positive=last_positive,
        days_since_positive=(today - last_positive).days,
        due_on=due_on,
        days_overdue=max(0, (today - due_on).days),
    )


def pause_until(last_negative: date | None, *, days: int) -> date | None:
    """Last day of the pause after a negative contact = last_negative + days (SPEC §3).

    With days = 14 and a negative contact on day 0 the pause covers days 1…14; personal contact
    is allowed again on day 15. Only the last negative contact matters: a later positive contact
    (e.g. by a colleague) does NOT end the pause, because the pause is about the manager's own
    personal contact. None when there was no negative contact.
    """
    if days < 0:
        raise ValueError("pause days must not be negative")
    if last_negative is None:
        return None
    return last_negative + timedelta(days=days)


def in_pause(last_negative: date | None, on: date, *, days: int) -> bool:
    """True when ``on`` lies in the pause: last_negative < on <= pause_until (SPEC §3)."""
    until = pause_until(last_negative, days=days)
    return last_negative is not None and until is not None and last_negative < on <= until


class EntryKind(StrEnum):
    """Emotional bank account entry kind (SPEC §4): deposit or withdrawal."""

    DEPOSIT = "deposit"
    WITHDRAWAL = "withdrawal"


@dataclass(frozen=True, slots=True)
class BankEntry:
    """One emotional bank account entry with a weight 1…5 (SPEC §4); other weights raise."""

    kind: EntryKind
    weight: int
    on: date

    def __post_init__(self) -> None:
        if not MIN_WEIGHT <= self.weight <= MAX_WEIGHT:
            raise ValueError("weight must be between 1 and 5")


def signed_weight(entry: BankEntry) -> int:
    """+weight for a deposit, -weight for a withdrawal (SPEC §4)."""
    return entry.weight if entry.kind is EntryKind.DEPOSIT else -entry.weight


def bank_balance(entries: Iterable[BankEntry]) -> int:
    """Balance = Σ signed weights of all entries (SPEC §4)."""
    return sum(signed_weight(entry) for entry in entries)


def _chronological(entries: Iterable[BankEntry]) -> list[BankEntry]:
    """Entries by date; a stable sort keeps the input order within one date (SPEC §4)."""
    return sorted(entries, key=lambda entry: entry.on)


def withdrawal_streak(entries: Iterable[BankEntry]) -> int:
    """Withdrawals in a row at the end of the date-ordered entries, no deposit between (§4)."""
    streak = 0
    for entry in reversed(_chronological(entries)):
        if entry.kind is not EntryKind.WITHDRAWAL:
            break
        streak += 1
    return streak


def balance_trend(entries: Iterable[BankEntry]) -> list[tuple[date, int]]:
    """Running balance Σ signed weights up to each date, one point per distinct date (§4)."""
    per_day = [
        (day, sum(signed_weight(entry) for entry in group))
        for day, group in groupby(_chronological(entries), key=lambda entry: entry.on)
    ]
    running = accumulate(delta for _, delta in per_day)
    return [(day, balance) for (day, _), balance in zip(per_day, running, strict=True)]


def bank_alerts(entries: Iterable[BankEntry], *, streak_limit: int) -> list[str]:
    """Alert codes (SPEC §4): "negative_balance" when balance < 0, "withdrawal_streak" when
    the final run of withdrawals is >= streak_limit."""
    if streak_limit < 1:
        raise ValueError("streak_limit must be at least 1")
    ordered = _chronological(entries)
    alerts = []
    if bank_balance(ordered) < 0:
        alerts.append(ALERT_NEGATIVE_BALANCE)
    if withdrawal_streak(ordered) >= streak_limit:
        alerts.append(ALERT_WITHDRAWAL_STREAK)
    return alerts


def _occurrence(year: int, month: int, day: int) -> date:
    """The annual date in ``year``; Feb 29 falls on Feb 28 in non-leap years (SPEC §3)."""
    try:
        return date(year, month, day)
    except ValueError:
        if (month, day) == (2, 29):
            return date(year, 2, 28)
        raise


def days_until_date(month: int, day: int, today: date) -> int:
    """Days to the next occurrence of an annual date, 0 when it is today (SPEC §3 birthdays).

    Feb 29 is celebrated on Feb 28 in non-leap years. Raises ValueError for impossible dates.
    """
    date(2000, month, day)  # validates month/day against a leap year, so Feb 29 passes
    upcoming_on = _occurrence(today.year, month, day)
    if upcoming_on < today:
        upcoming_on = _occurrence(today.year + 1, month, day)
    return (upcoming_on - today).days


def upcoming(month: int, day: int, today: date, *, ahead_days: int) -> bool:
    """True when the annual date falls within today…today + ahead_days (SPEC §3 reminders)."""
    if ahead_days < 0:
        raise ValueError("ahead_days must not be negative")
    return days_until_date(month, day, today) <= ahead_days


class Proposal(StrEnum):
    """Bank entries KAM proposes after a contact (SPEC §4); the codes of the catalogue."""

    NEGATIVE_CONTACT = "negative-contact"
    PAUSE_CONTACT = "pause-contact"
    CADENCE_GAP = "cadence-gap"
    KEPT_PROMISE = "kept-promise"
    REMEMBERED_DATE = "date"


def propose_entries(
    *,
    tone: str,
    inside_pause: bool,
    gap_days: int | None,
    cadence_days: int | None,
    kept_plan: bool,
    on_a_date: bool,
) -> list[Proposal]:
    """What to offer after a logged contact (withdrawals first), never written silently.

    - a negative tone → the "negative contact" withdrawal;
    - a personal contact of the manager inside the pause → the "contact in the pause" one;
    - the gap since the previous counted contact longer than the cadence → "gap" withdrawal;
    - a planned contact done on or before its day → "kept a promise" deposit;
    - a contact on a contact's birthday or important date (±1 day) → "remembered a date".
    """
    found: list[Proposal] = []
    if tone == Tone.NEGATIVE:
        found.append(Proposal.NEGATIVE_CONTACT)
    if inside_pause:
        found.append(Proposal.PAUSE_CONTACT)
    if gap_days is not None and cadence_days is not None and gap_days > cadence_days:
        found.append(Proposal.CADENCE_GAP)
    if kept_plan:
        found.append(Proposal.KEPT_PROMISE)
    if on_a_date:
        found.append(Proposal.REMEMBERED_DATE)
    return found


def near_annual_date(month: int, day: int, on: date, *, slack: int = 1) -> bool:
    """True when the annual date falls within on - slack … on + slack (either side)."""
    return days_until_date(month, day, on - timedelta(days=slack)) <= 2 * slack


class Correction(StrEnum):
    """May this person correct (edit or delete) a contact-log entry now?"""

    ALLOWED = "allowed"
    NOT_YOURS = "not_yours"  # neither the author nor the author's supervisor
    TOO_LATE = "too_late"  # the correction window is over


def correction_verdict(
    *, is_author: bool, is_authors_supervisor: bool, age: timedelta, window_hours: int
) -> Correction:
    """The author and the author's direct supervisor may correct an entry while its age
    (now − when it was written) is at most `window_hours`; nobody else, never later."""
    if window_hours < 0:
        raise ValueError("the correction window must not be negative")
    if not (is_author or is_authors_supervisor):
        return Correction.NOT_YOURS
    if age > timedelta(hours=window_hours):
        return Correction.TOO_LATE
    return Correction.ALLOWED
