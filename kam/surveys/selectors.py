"""Reads of the surveys app: answers and cases scoped to a viewer, NPS figures from aggregates."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import timezone

from kam.accounts.access import AnyUser, visible_clients
from kam.accounts.models import Department, User
from kam.clients.models import Client, Contact
from kam.core.exporting import write_workbook
from kam.portfolio.models import RevenueRecord
from kam.relations.models import StageChange
from kam.surveys.choices import AnswerChannel, CampaignKind
from kam.surveys.domain import (
    Interval,
    NpsCounts,
    enps_visible,
    enps_visible_groups,
    is_indicative,
    is_significant_change,
    nps,
    nps_interval,
    rank_groups,
    repeat_purchase_rate,
    standard_error,
)
from kam.surveys.models import Answer, Campaign, EmployeeAnswer, Respondent

MIN_N = 30  # below this a figure is "indicative" (SPEC §5)
ENPS_MIN_N = 5  # eNPS anonymity minimum (SPEC §5)
BY = ("manager", "segment", "month", "stage", "campaign")

COUNTS = {
    "promoters": Count("id", filter=Q(score__gte=9)),
    "neutrals": Count("id", filter=Q(score__gte=7, score__lte=8)),
    "critics": Count("id", filter=Q(score__lte=6)),
}


@dataclass(frozen=True, slots=True)
class Figure:
    """One NPS figure with its honest statistics."""

    counts: NpsCounts
    value: float | None
    interval: Interval | None
    indicative: bool

    @property
    def n(self) -> int:
        return self.counts.n


def figure_of(counts: NpsCounts, *, population: int | None = None) -> Figure:
    if counts.n == 0:
        return Figure(counts, None, None, True)
    base = population if population is not None and population >= counts.n else None
    return Figure(
        counts,
        nps(counts),
        nps_interval(counts, population=base),
        is_indicative(counts.n, min_n=MIN_N),
    )


def _counts(row: Any) -> NpsCounts:
    return NpsCounts(promoters=row["promoters"], neutrals=row["neutrals"], critics=row["critics"])


def visible_answers(viewer: AnyUser, start: date, end: date) -> QuerySet[Answer]:
    """Client answers in the window for the clients the viewer sees."""
    return Answer.objects.filter(
        client__in=visible_clients(viewer).values("pk"),
        answered_on__gte=start,
        answered_on__lte=end,
    )


def _population(answers: QuerySet[Answer], viewer: AnyUser) -> int | None:
    """The surveyed base behind the answers, when every answer has one (no imports)."""
    if answers.filter(channel=AnswerChannel.IMPORT).exists():
        return None
    campaigns = answers.values("campaign_id").distinct()
    return Respondent.objects.filter(
        campaign_id__in=campaigns, client__in=visible_clients(viewer).values("pk")
    ).count()


def _group_bases(answers: QuerySet[Answer], viewer: AnyUser, by: str) -> dict[Any, int]:
    """The surveyed base of each group (for its finite-population correction), when known:
    not for months (a base has no month) nor when imported answers are in the window."""
    if by == "month" or answers.filter(channel=AnswerChannel.IMPORT).exists():
        return {}
    rows = (
        Respondent.objects.filter(
            campaign_id__in=answers.values("campaign_id"),
            client__in=visible_clients(viewer).values("pk"),
        )
        .annotate(group=_group_key(by))
        .values("group")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["group"]: row["n"] for row in rows}


def _group_key(by: str) -> Any:
    if by == "manager":
        return F("client__manager_id")
    if by == "segment":
        return F("client__segment")
    if by == "month":
        return TruncMonth("answered_on")
    if by == "campaign":
        return F("campaign__name")
    latest = StageChange.objects.filter(client=OuterRef("client_id")).order_by("-date", "-id")
    return Subquery(latest.values("stage__name")[:1])


def _label(by: str, key: Any, names: dict[int, str]) -> str:
    if key is None:
        return "—"
    if by == "manager":
        return names.get(key, "—")
    if by == "month":
        return f"{key:%Y-%m}"
    return str(key)


@dataclass
class NpsReport:
    start: date
    end: date
    by: str
    total: Figure
    histogram: list[int]
    groups: list[tuple[str, Figure, int | None]]  # label, figure, rank (managers only)
    previous: Figure | None
    significant: bool | None
    repeat: dict[str, tuple[int, int, float | None]] = field(default_factory=dict)


def nps_report(*, viewer: AnyUser, start: date, end: date, by: str = "manager") -> NpsReport:
    """NPS over the window for the viewer's clients: total, histogram, groups (with ranks for
    managers where intervals allow), the previous window of equal length and whether the change
    is significant, and the repeat-purchase rate per class. All counts are SQL aggregates."""
    if by not in BY:
        by = "manager"
    if start > end:
        start, end = end, start
    answers = visible_answers(viewer, start, end)
    total = figure_of(_counts(answers.aggregate(**COUNTS)), population=_population(answers, viewer))
    histogram_rows = dict(answers.values_list("score").annotate(n=Count("id")).order_by())
    histogram = [histogram_rows.get(score, 0) for score in range(11)]
    grouped = (
        answers.annotate(group=_group_key(by)).values("group").annotate(**COUNTS).order_by("group")
    )
    names = {}
    if by == "manager":
        names = {u.pk: u.display_name for u in User.objects.all()}
    bases = _group_bases(answers, viewer, by)
    groups: list[tuple[str, Figure, int | None]] = [
        (
            _label(by, row["group"], names),
            figure_of(_counts(row), population=bases.get(row["group"])),
            None,
        )
        for row in grouped
    ]
    if by == "manager":
        shown = [(label, fig.interval, fig.value) for label, fig, _r in groups if fig.interval]
        ranks = dict(
            rank_groups([(lbl, iv, val) for lbl, iv, val in shown if iv and val is not None])
        )
        groups = sorted(
            [(label, fig, ranks.get(label)) for label, fig, _r in groups],
            key=lambda g: -(g[1].value or -1000),
        )
    prev_answers = visible_answers(viewer, start, end).none()
    if start > date.min:
        # The period of the same length just before; cut at the calendar's first day (a far-past
        # "from" must not overflow the date type).
        prev_end = start - timedelta(days=1)
        back = min((end - start).days, (prev_end - date.min).days)
        prev_answers = visible_answers(viewer, prev_end - timedelta(days=back), prev_end)
    previous = figure_of(_counts(prev_answers.aggregate(**COUNTS)))
    significant = None
    if previous.n and total.n:
        significant = is_significant_change(previous.counts, total.counts)
    return NpsReport(
        start=start,
        end=end,
        by=by,
        total=total,
        histogram=histogram,
        groups=groups,
        previous=previous if previous.n else None,
        significant=significant,
        repeat=repeat_purchase(answers),
    )


def repeat_purchase(answers: QuerySet[Answer]) -> dict[str, tuple[int, int, float | None]]:
    """Per class: (answers, of them clients who bought again after answering, rate)."""
    later = RevenueRecord.objects.filter(
        client_id=OuterRef("client_id"), date__gt=OuterRef("answered_on"), amount__gt=0
    )
    marked = answers.alias(again=Exists(later))
    row = marked.aggregate(
        p=Count("id", filter=Q(score__gte=9)),
        pa=Count("id", filter=Q(score__gte=9, again=True)),
        n=Count("id", filter=Q(score__gte=7, score__lte=8)),
        na=Count("id", filter=Q(score__gte=7, score__lte=8, again=True)),
        c=Count("id", filter=Q(score__lte=6)),
        ca=Count("id", filter=Q(score__lte=6, again=True)),
    )
    return {
        "promoters": (row["p"], row["pa"], repeat_purchase_rate(row["pa"], row["p"])),
        "neutrals": (row["n"], row["na"], repeat_purchase_rate(row["na"], row["n"])),
        "critics": (row["c"], row["ca"], repeat_purchase_rate(row["ca"], row["c"])),
    }


def report_as_dict(report: NpsReport) -> dict[str, Any]:
    """The JSON shape of `kam report nps` and the results API (issue 7)."""

    def interval(fig: Figure, *, method: bool = False) -> dict[str, Any] | None:
        if fig.interval is None:
            return None
        out: dict[str, Any] = {
            "low": round(fig.interval.low, 1),
            "high": round(fig.interval.high, 1),
        }
        if method:
            out["method"] = "adjusted-wald"
        return out

    total = report.total
    return {
        "window": {"from": report.start.isoformat(), "to": report.end.isoformat()},
        "by": report.by,
        "n": total.n,
        "promoters": total.counts.promoters,
        "neutrals": total.counts.neutrals,
        "critics": total.counts.critics,
        "nps": round(total.value, 1) if total.value is not None else None,
        "interval": interval(total, method=True),
        "indicative": total.indicative,
        "histogram": report.histogram,
        "previous": {
            "n": report.previous.n,
            "nps": round(report.previous.value or 0, 1),
            "significant": report.significant,
        }
        if report.previous
        else None,
        "groups": [
            {
                "key": label,
                "n": fig.n,
                "nps": round(fig.value, 1) if fig.value is not None else None,
                "interval": interval(fig),
                "indicative": fig.indicative,
                **({"rank": rank} if report.by == "manager" else {}),
            }
            for label, fig, rank in report.groups
        ],
        "repeat_purchase": {
            name: {"answers": n, "bought_again": again, "rate": rate}
            for name, (n, again, rate) in report.repeat.items()
        },
    }


# --- Campaigns, respondents, cases (scoped) ---------------------------------------------------


def employee_campaign(campaign_id: int) -> Campaign | None:
    """An eNPS campaign by id, for its public answer page (no viewer: the link is the key)."""
    return Campaign.objects.filter(pk=campaign_id, kind=CampaignKind.EMPLOYEE).first()


def departments_by_name() -> QuerySet[Department]:
    return Department.objects.order_by("name")


def campaigns_for(viewer: AnyUser) -> QuerySet[Campaign]:
    """Client campaigns with at least one visible respondent, and all eNPS campaigns."""
    if not isinstance(viewer, User) or not viewer.is_authenticated:
        return Campaign.objects.none()
    mine = Respondent.objects.filter(
        campaign=OuterRef("pk"), client__in=visible_clients(viewer).values("pk")
    )
    return Campaign.objects.filter(Q(kind=CampaignKind.EMPLOYEE) | Exists(mine)).order_by(
        "-start", "-id"
    )


def campaign_get(*, viewer: AnyUser, campaign_id: int) -> Campaign:
    campaign = campaigns_for(viewer).filter(pk=campaign_id).first()
    if campaign is None:
        raise Http404
    return campaign


def respondents_for(*, viewer: AnyUser, campaign: Campaign) -> QuerySet[Respondent]:
    return (
        Respondent.objects.filter(
            campaign=campaign, client__in=visible_clients(viewer).values("pk")
        )
        .select_related("client", "client__manager", "answer")
        .order_by("client__normalized_name")
    )


def respondent_get(*, viewer: AnyUser, campaign: Campaign, client_id: int) -> Respondent:
    found = respondents_for(viewer=viewer, campaign=campaign).filter(client_id=client_id).first()
    if found is None:
        raise Http404
    return found


def whom_to_call(respondent: Respondent) -> list[Contact]:
    """Whom the phone script calls: the respondent's own contact, else the client's active
    contacts with a phone (decision makers first), at most three."""
    if respondent.contact is not None and respondent.contact.is_active:
        return [respondent.contact]
    contacts = (
        Contact.objects.filter(client_id=respondent.client_id, is_active=True)
        .exclude(phone="", mobile_phone="")
        .annotate(is_dm=Count("role_set", filter=Q(role_set__role="decision_maker")))
        .order_by("-is_dm", "full_name")
    )
    return list(contacts[:3])


def to_call_for(viewer: AnyUser, *, team: bool = False) -> list[Respondent]:
    """Phone respondents still to call in running campaigns (own clients, or the team's)."""
    today = timezone.localdate()
    clients = visible_clients(viewer, include_archived=False)
    if not team and isinstance(viewer, User):
        clients = clients.filter(manager=viewer)
    return list(
        Respondent.objects.filter(
            campaign__kind=CampaignKind.CLIENT,
            campaign__by_phone=True,
            campaign__start__lte=today,
            campaign__end__gte=today,
            answer__isnull=True,
            client__in=clients.values("pk"),
        )
        .select_related("campaign", "client", "client__manager")
        .order_by("campaign__end", "client__normalized_name")[:200]
    )


# --- eNPS --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EnpsGroup:
    label: str
    n: int
    figure: Figure | None  # None: hidden for anonymity


def enps_released(campaign: Campaign, *, today: date | None = None) -> bool:
    """eNPS results are released once, when the campaign has closed (the day after its end):
    a live figure would move with each answer and give that one answer away. Links stop
    working at the end, so the released figures never change."""
    return (today or timezone.localdate()) > campaign.end


def enps_results(campaign: Campaign, *, today: date | None = None) -> dict[str, Any]:
    """Company eNPS, its breakdown by the respondents' departments and each department's
    service, with the anonymity rules applied (≥ 5 answers, no hidden group or union of
    hidden groups derivable). Before the campaign closes only the number of answers."""
    answers = EmployeeAnswer.objects.filter(campaign=campaign)
    company = answers.filter(about__isnull=True)
    if not enps_released(campaign, today=today):
        return {"released": False, "n": company.count(), "total": None}
    total = _counts(company.aggregate(**COUNTS))
    departments = {d.pk: d for d in Department.objects.all()}
    by_department = {
        row["from_department"]: _counts(row)
        for row in company.values("from_department").annotate(**COUNTS).order_by()
    }
    children = {key: c.n for key, c in by_department.items()}
    shown = enps_visible_groups(total.n, children, min_n=ENPS_MIN_N)
    breakdown = [
        EnpsGroup(
            departments[key].name if key in departments else "—",
            counts.n,
            figure_of(counts) if key in shown else None,
        )
        for key, counts in sorted(by_department.items(), key=lambda kv: str(kv[0]))
    ]
    service = [
        EnpsGroup(
            departments[row["about"]].name,
            _counts(row).n,
            figure_of(_counts(row)) if enps_visible(_counts(row).n, min_n=ENPS_MIN_N) else None,
        )
        for row in answers.filter(about__isnull=False)
        .values("about")
        .annotate(**COUNTS)
        .order_by("about")
        if row["about"] in departments
    ]
    return {
        "released": True,
        "total": figure_of(total) if enps_visible(total.n, min_n=ENPS_MIN_N) else None,
        "n": total.n,
        "breakdown": breakdown,
        "service": service,
    }


def standard_error_of(fig: Figure) -> float | None:
    return standard_error(fig.counts) if fig.n else None


def clients_in(viewer: AnyUser) -> QuerySet[Client]:
    return visible_clients(viewer, include_archived=False)


def write_xlsx(data: dict[str, Any], path: str) -> None:
    """The NPS report as a workbook: the summary and the groups."""
    interval = data["interval"] or {}
    summary: list[list[Any]] = [
        [key, data[key]] for key in ("n", "promoters", "neutrals", "critics", "nps", "indicative")
    ]
    summary += [["interval_low", interval.get("low")], ["interval_high", interval.get("high")]]
    groups = [
        {**g, "low": (g["interval"] or {}).get("low"), "high": (g["interval"] or {}).get("high")}
        for g in data["groups"]
    ]
    columns = ["key", "n", "nps", "low", "high", "indicative"]
    write_workbook(path, summary, {"groups": (columns, groups)})


def print_table(data: dict[str, Any]) -> None:
    """The report as tables: boxed on a terminal, tab-separated in a file or a pipe."""
    from kam.core.console import ReportConsole

    out = ReportConsole()
    iv = data["interval"] or {}
    out.line(
        f"NPS {data['window']['from']} – {data['window']['to']}: {data['nps']} "
        f"(n={data['n']}, 95% {iv.get('low')}…{iv.get('high')}"
        f"{', indicative' if data['indicative'] else ''})"
    )
    out.table(
        (data["by"], "n", "NPS", "95% low", "95% high", "indicative"),
        (
            (
                g["key"],
                str(g["n"]),
                str(g["nps"]),
                str((g["interval"] or {}).get("low", "")),
                str((g["interval"] or {}).get("high", "")),
                "yes" if g["indicative"] else "",
            )
            for g in data["groups"]
        ),
    )
