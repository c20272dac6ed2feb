"""Reads of account health: per-client facts in one SQL statement, scored by the domain or
by the same arithmetic in SQL.

`client_facts` runs one statement: windowed CTEs over revenue (purchase dates, median gap,
period sums) joined with one GROUP BY per other source (contacts, bank, answers, cases,
roles, reviews) and the company totals; no Python loop ever walks revenue rows. Everything a
viewer gets is cut to `visible_clients`, pushed into each aggregate as a subquery (a
manager's list never aggregates the whole company, except the company totals that shares are
of). "Biggest drops" read the stored daily snapshot of 30 days ago (`HealthSnapshot`)
instead of recomputing the past.

Where every client is scored (`health_scores`, the daily snapshot, the contrast candidates)
the score is computed in the same statement (`_score_sql`: `domain.health_score`'s float
operations in the same order, weights and thresholds as parameters; tests hold it to the
domain functions on both engines), and the statement cuts the rows to the clients that may
have a candidacy or an alert, on which the domain's rules then decide.

The big lists (the health page, Today's and the portfolio's health sections, an analysis of
today's candidates) read today's stored snapshot (`health_overview`, `stored_candidates`),
written in one set-based pass by the hourly task or on first need, with the viewer's scope
in SQL; the client card, the API and the CLI score live.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import (
    Count,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from kam.accounts.access import scope_of, visible_clients
from kam.accounts.domain import Scope
from kam.clients.domain import ESSENTIAL_ROLES, review_overdue
from kam.clients.models import Client, ContactRole, Dossier
from kam.core.models import company_settings
from kam.health import domain
from kam.health.domain import Alert, Candidate, ClientFacts, Component
from kam.health.models import (
    AlertSnooze,
    HealthSettings,
    HealthSnapshot,
    HealthSnapshotDay,
    health_settings,
)
from kam.playbooks.models import ComplaintCase
from kam.portfolio.models import RevenueRecord
from kam.portfolio.selectors import is_key_client, key_client_ids
from kam.relations.models import BankEntry, Interaction
from kam.surveys.models import Answer

YEAR = timedelta(days=365)
RECENT_NEGATIVE = timedelta(days=30)
DROP_COMPARED_DAYS = 30  # "biggest drops": health now against health this many days ago

# The revenue facts as common table expressions ending in `rev` (client id, purchase days,
# first and last purchase, the two 12-month sums, median gap), of the clients with revenue in
# the 24 months up to the date. SQLite: gaps by LAG, the median by row numbers.
_REVENUE_CTES = """
d AS (
    SELECT client_id, date, SUM(amount) AS amt
    FROM {table} WHERE date <= %s {only}
    GROUP BY client_id, date
),
p AS (
    SELECT client_id, date,
           LAG(date) OVER (PARTITION BY client_id ORDER BY date) AS prev_date
    FROM d WHERE amt > 0
),
g AS (
    SELECT client_id, {gap} AS gap FROM p WHERE prev_date IS NOT NULL
),
r AS (
    SELECT client_id, gap,
           ROW_NUMBER() OVER (PARTITION BY client_id ORDER BY gap) AS rn,
           COUNT(*) OVER (PARTITION BY client_id) AS n
    FROM g
),
m AS (
    SELECT client_id, AVG(gap) AS median_gap
    FROM r WHERE rn IN ((n + 1) / 2, (n + 2) / 2)
    GROUP BY client_id
),
a AS (
    SELECT client_id,
           SUM(CASE WHEN amt > 0 THEN 1 ELSE 0 END) AS purchases,
           MIN(CASE WHEN amt > 0 THEN date END) AS first_purchase,
           MAX(CASE WHEN amt > 0 THEN date END) AS last_purchase,
           SUM(CASE WHEN date > %s THEN amt ELSE 0 END) AS cur,
           SUM(CASE WHEN date > %s AND date <= %s THEN amt ELSE 0 END) AS prev
    FROM d GROUP BY client_id
    HAVING MAX(date) > %s
),
rev AS (
    SELECT a.client_id, a.purchases, a.first_purchase, a.last_purchase, a.cur, a.prev,
           m.median_gap
    FROM a LEFT JOIN m ON m.client_id = a.client_id
)"""

# PostgreSQL: one pass over the (client, day) sums in index order — the gap to the previous
# purchase day is a running MAX with FILTER over the preceding rows (no re-sort), the median an
# ordered-set aggregate, the period sums conditional aggregates. Same figures as the SQLite form.
_REVENUE_CTES_PG = """
d AS (
    SELECT client_id, date, SUM(amount) AS amt
    FROM {table} WHERE date <= %s {only}
    GROUP BY client_id, date
),
w AS (
    SELECT client_id, date, amt,
           date - MAX(date) FILTER (WHERE amt > 0) OVER (
               PARTITION BY client_id ORDER BY date
               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
           ) AS gap
    FROM d
),
rev AS (
    SELECT client_id,
           COUNT(*) FILTER (WHERE amt > 0) AS purchases,
           MIN(date) FILTER (WHERE amt > 0) AS first_purchase,
           MAX(date) FILTER (WHERE amt > 0) AS last_purchase,
           SUM(amt) FILTER (WHERE date > %s) AS cur,
           SUM(amt) FILTER (WHERE date > %s AND date <= %s) AS prev,
           PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY gap) FILTER (WHERE amt > 0) AS median_gap
    FROM w GROUP BY client_id
    HAVING MAX(date) > %s
)"""

_REVENUE_SELECT = """
SELECT rev.client_id, rev.purchases, rev.first_purchase, rev.last_purchase, rev.cur, rev.prev,
       rev.median_gap, c.segment, c.name
FROM rev JOIN {clients} c ON c.id = rev.client_id
"""


@dataclass(frozen=True, slots=True)
class RevenueFacts:
    purchases: int
    first_purchase: date | None
    last_purchase: date | None
    revenue_cur: Decimal
    revenue_prev: Decimal
    median_gap_days: float | None
    segment: str = ""


def _decimal(value: Any) -> Decimal:
    if isinstance(value, Decimal):
        return value
    return Decimal(str(value or 0))


def _param(day: date) -> Any:
    return day.isoformat() if connection.vendor == "sqlite" else day


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _revenue_ctes(
    as_of: date, client_ids: Iterable[int] | None, clients: QuerySet[Client] | None
) -> tuple[str, list[Any]] | None:
    """The revenue CTEs (ending in `rev`) and their parameters; None when `client_ids` is empty."""
    only, only_params = "", []
    if client_ids is not None:
        ids = [int(i) for i in client_ids]
        if not ids:
            return None
        only = "AND client_id IN (" + ",".join(str(i) for i in ids) + ")"
    elif clients is not None:
        sub, sub_params = clients.values("pk").query.sql_with_params()
        only, only_params = f"AND client_id IN ({sub})", list(sub_params)
    cur_start, prev_start = _param(as_of - YEAR), _param(as_of - 2 * YEAR)
    params = [_param(as_of), *only_params, cur_start, prev_start, cur_start, prev_start]
    table = RevenueRecord._meta.db_table
    if connection.vendor == "postgresql":
        return _REVENUE_CTES_PG.format(only=only, table=table), params
    gap = "CAST(julianday(date) - julianday(prev_date) AS INTEGER)"
    return _REVENUE_CTES.format(gap=gap, only=only, table=table), params


def _revenue_rows(
    as_of: date, client_ids: Iterable[int] | None, clients: QuerySet[Client] | None
) -> list[tuple[Any, ...]]:
    """(client id, purchases, first and last purchase, the two period sums, median gap,
    segment, name) rows of the revenue query; values as the database driver gives them."""
    ctes = _revenue_ctes(as_of, client_ids, clients)
    if ctes is None:
        return []
    sql = "WITH" + ctes[0] + _REVENUE_SELECT.format(clients=Client._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(sql, ctes[1])
        rows: list[tuple[Any, ...]] = cursor.fetchall()
    return rows


def revenue_facts(
    *,
    as_of: date,
    client_ids: Iterable[int] | None = None,
    clients: QuerySet[Client] | None = None,
) -> dict[int, RevenueFacts]:
    """Purchase dates, median gap and the two 12-month sums of every client with revenue in
    the 24 months up to `as_of` (or of `client_ids` only, or of the `clients` queryset only,
    as a subquery), in one SQL query."""
    return {
        row[0]: RevenueFacts(
            purchases=int(row[1] or 0),
            first_purchase=_as_date(row[2]),
            last_purchase=_as_date(row[3]),
            revenue_cur=_decimal(row[4]),
            revenue_prev=_decimal(row[5]),
            median_gap_days=None if row[6] is None else float(row[6]),
            segment=row[7] or "",
        )
        for row in _revenue_rows(as_of, client_ids, clients)
    }


def client_facts(
    *,
    as_of: date,
    client_ids: Iterable[int] | None = None,
    clients: QuerySet[Client] | None = None,
) -> dict[int, ClientFacts]:
    """`ClientFacts` of every client with revenue in the 24 months up to `as_of`; of
    `client_ids` only, or of the `clients` queryset only (the viewer's scope, pushed into every
    query as a subquery). Shares are always of the whole company's revenue."""
    return _facts_and_names(as_of, client_ids, clients)[0]


# The company's revenue of both 12-month periods (shares are never of a viewer's scope).
_TOTALS_SQL = """tot AS (
    SELECT COALESCE(SUM(CASE WHEN date > %s THEN amount END), 0) AS total_cur,
           COALESCE(SUM(CASE WHEN date <= %s THEN amount END), 0) AS total_prev
    FROM {table} WHERE date <= %s AND date > %s
)"""

_FACT_COLUMNS = (
    "client_id, purchases, first_purchase, last_purchase, cur, prev, median_gap, segment, name,"
    " last_positive, negative_recent, negative_year, bank_entries, bank_balance, bank_trend,"
    " last_score, promoters, critics, open_complaints, complaints, roles, last_reviewed_on,"
    " total_cur, total_prev"
)


def _sql(qs: Any) -> tuple[str, list[Any]]:
    sql, params = qs.query.sql_with_params()
    return sql, list(params)


def _facts_ctes(
    as_of: date,
    client_ids: Iterable[int] | None,
    clients: QuerySet[Client] | None,
    *,
    totals: bool = True,
) -> tuple[str, list[Any]] | None:
    """Common table expressions ending in `facts`: one row per client with revenue in the 24
    months up to `as_of` (of `client_ids` only, or of the `clients` queryset, a subquery),
    with every per-client aggregate health needs (`_FACT_COLUMNS`, counts 0 when none) and
    the company's revenue of both periods (`total_cur`, `total_prev`, never scoped). One
    statement: the revenue CTEs, a GROUP BY per other source, joined by client id."""
    ids = None if client_ids is None else [int(i) for i in client_ids]
    revenue = _revenue_ctes(as_of, ids, clients)
    if revenue is None:
        return None
    scope = None if ids is not None or clients is None else clients.values("pk")

    def scoped(qs: Any, field: str = "client_id") -> Any:
        if ids is not None:
            return qs.filter(**{f"{field}__in": ids})
        if scope is not None:
            return qs.filter(**{f"{field}__in": scope})
        return qs

    contacts = (
        scoped(Interaction.objects.filter(date__lte=as_of, planned=False))
        .values("client_id")
        .annotate(
            last_positive=Max("date", filter=Q(tone="positive")),
            negative_recent=Count(
                "id", filter=Q(tone="negative", date__gt=as_of - RECENT_NEGATIVE)
            ),
            negative_year=Count("id", filter=Q(tone="negative", date__gt=as_of - YEAR)),
        )
    )
    trend_start = as_of - timedelta(days=domain.BANK_TREND_DAYS)
    deposit, withdrawal = Q(kind="deposit"), Q(kind="withdrawal")
    bank = (
        scoped(BankEntry.objects.filter(date__lte=as_of))
        .values("client_id")
        .annotate(
            n=Count("id"),
            balance=Coalesce(Sum("weight", filter=deposit), Value(0))
            - Coalesce(Sum("weight", filter=withdrawal), Value(0)),
            trend=Coalesce(Sum("weight", filter=deposit & Q(date__gt=trend_start)), Value(0))
            - Coalesce(Sum("weight", filter=withdrawal & Q(date__gt=trend_start)), Value(0)),
        )
    )
    answers_qs = scoped(Answer.objects.filter(answered_on__lte=as_of))
    answers = answers_qs.values("client_id").annotate(
        promoters=Count(
            "id", filter=Q(score__gte=domain.PROMOTER_MIN, answered_on__gt=as_of - 2 * YEAR)
        ),
        critics=Count("id", filter=Q(score__lte=domain.CRITIC_MAX, answered_on__gt=as_of - YEAR)),
    )
    latest = Answer.objects.filter(client=OuterRef("pk"), answered_on__lte=as_of).order_by(
        "-answered_on", "-id"
    )
    last_scores = (
        scoped(Client.objects.filter(pk__in=answers_qs.values("client_id")), "pk")
        .annotate(cid=F("pk"), s=Subquery(latest.values("score")[:1], output_field=IntegerField()))
        .values("cid", "s")
        .order_by()
    )
    cases = (
        scoped(ComplaintCase.objects.filter(opened_at__date__lte=as_of))
        .values("client_id")
        .annotate(
            open=Count("id", filter=Q(closed_at__isnull=True)),
            recent=Count("id", filter=Q(opened_at__date__gt=as_of - 2 * YEAR)),
        )
    )
    roles = (
        scoped(
            ContactRole.objects.filter(role__in=ESSENTIAL_ROLES, contact__is_active=True),
            "contact__client_id",
        )
        .annotate(cid=F("contact__client_id"))
        .values("cid")
        .annotate(n=Count("role", distinct=True))
    )
    dossiers = scoped(Dossier.objects.all()).values("client_id", "last_reviewed_on").order_by()
    params = list(revenue[1])
    parts = [revenue[0]]
    for name, qs in (
        ("ct", contacts),
        ("bk", bank),
        ("an", answers),
        ("ls", last_scores),
        ("cs", cases),
        ("rl", roles),
        ("dz", dossiers),
    ):
        sql, sub_params = _sql(qs)
        parts.append(f"{name} AS ({sql})")
        params += sub_params
    if ids is None and clients is None and not totals:
        # Every client's row is read: the caller adds up the totals (no second pass over rev).
        parts.append("tot AS (SELECT NULL AS total_cur, NULL AS total_prev)")
    elif ids is None and clients is None:
        # Every client with revenue in the 24 months is here: their sums are the company's.
        parts.append(
            "tot AS (SELECT COALESCE(SUM(cur), 0) AS total_cur,"
            " COALESCE(SUM(prev), 0) AS total_prev FROM rev)"
        )
    else:
        parts.append(_TOTALS_SQL.format(table=RevenueRecord._meta.db_table))
        params += [_param(as_of - YEAR), _param(as_of - YEAR), _param(as_of)]
        params.append(_param(as_of - 2 * YEAR))
    # Every revenue row's client exists: LEFT JOIN lets PostgreSQL drop the join to clients
    # when no column of it is read (a score without segment cadences).
    parts.append(
        f"""facts AS (
    SELECT rev.client_id, rev.purchases, rev.first_purchase, rev.last_purchase,
           COALESCE(rev.cur, 0) AS cur, COALESCE(rev.prev, 0) AS prev, rev.median_gap,
           c.segment, c.name, ct.last_positive,
           COALESCE(ct.negative_recent, 0) AS negative_recent,
           COALESCE(ct.negative_year, 0) AS negative_year,
           COALESCE(bk.n, 0) AS bank_entries, COALESCE(bk.balance, 0) AS bank_balance,
           COALESCE(bk.trend, 0) AS bank_trend, ls.s AS last_score,
           COALESCE(an.promoters, 0) AS promoters, COALESCE(an.critics, 0) AS critics,
           COALESCE(cs.open, 0) AS open_complaints, COALESCE(cs.recent, 0) AS complaints,
           COALESCE(rl.n, 0) AS roles, dz.last_reviewed_on, tot.total_cur, tot.total_prev
    FROM rev
    LEFT JOIN {Client._meta.db_table} c ON c.id = rev.client_id
    CROSS JOIN tot
    LEFT JOIN ct ON ct.client_id = rev.client_id
    LEFT JOIN bk ON bk.client_id = rev.client_id
    LEFT JOIN an ON an.client_id = rev.client_id
    LEFT JOIN ls ON ls.cid = rev.client_id
    LEFT JOIN cs ON cs.client_id = rev.client_id
    LEFT JOIN rl ON rl.cid = rev.client_id
    LEFT JOIN dz ON dz.client_id = rev.client_id
)"""  # noqa: S608 (table names and placeholders only)
    )
    return "WITH" + ",\n".join(parts), params


def _fact_rows(
    as_of: date, client_ids: Iterable[int] | None, clients: QuerySet[Client] | None
) -> list[tuple[Any, ...]]:
    """The `facts` rows (`_FACT_COLUMNS`); without the company totals when every client is
    read (`_facts_of_rows` adds them up)."""
    ctes = _facts_ctes(as_of, client_ids, clients, totals=False)
    if ctes is None:
        return []
    with connection.cursor() as cursor:
        cursor.execute(f"{ctes[0]}\nSELECT {_FACT_COLUMNS} FROM facts", ctes[1])
        rows: list[tuple[Any, ...]] = cursor.fetchall()
    return rows


def _facts_of_rows(
    rows: list[tuple[Any, ...]], as_of: date
) -> tuple[dict[int, ClientFacts], dict[int, str]]:
    """`ClientFacts` (and names) of `_fact_rows` rows; shares of the company totals."""
    company = company_settings()
    segment_cadence = company.segment_cadence()
    key_pct = company.key_share * 100
    key_cadence, review_days = company.cadence_days, company.dossier_review_days
    zero = Decimal(0)
    native = connection.vendor == "postgresql"  # dates and numerics come typed already
    # The company totals are the same on every row: read once; none when every client with
    # revenue in the 24 months is here, whose sums are the company's.
    if rows and rows[0][-1] is None:
        total_cur = sum((_decimal(row[4]) for row in rows), zero)
        total_prev = sum((_decimal(row[5]) for row in rows), zero)
    elif rows:
        total_cur, total_prev = _decimal(rows[0][-2]), _decimal(rows[0][-1])
    else:
        total_cur = total_prev = zero
    result = {}
    names = {}
    for (
        cid,
        purchases,
        first,
        last,
        cur,
        prev,
        median,
        segment,
        name,
        last_positive,
        negative_recent,
        negative_year,
        bank_entries,
        bank_balance,
        bank_trend,
        last_score,
        promoters,
        critics,
        open_complaints,
        complaints,
        roles,
        review,
        _total_cur,
        _total_prev,
    ) in rows:
        if not native:
            cur, prev, first, last = _decimal(cur), _decimal(prev), _as_date(first), _as_date(last)
            last_positive, review = _as_date(last_positive), _as_date(review)
        share_cur = cur * 100 / total_cur if total_cur > 0 else zero
        names[cid] = name
        result[cid] = ClientFacts(
            client_id=cid,
            purchases=purchases or 0,
            first_purchase=first,
            last_purchase=last,
            median_gap_days=None if median is None else float(median),
            revenue_cur=cur,
            revenue_prev=prev,
            share_cur_pct=share_cur,
            share_prev_pct=prev * 100 / total_prev if total_prev > 0 else zero,
            cadence_every_days=key_cadence
            if share_cur >= key_pct
            else segment_cadence.get(segment or ""),
            last_positive_contact=last_positive,
            bank_entries=bank_entries,
            bank_balance=bank_balance,
            bank_trend=bank_trend,
            last_score=last_score,
            promoter_answers=promoters,
            critic_answers=critics,
            negative_contacts=negative_recent,
            negative_contacts_year=negative_year,
            open_complaints=open_complaints,
            complaints=complaints,
            roles_present=min(roles, domain.ESSENTIAL_ROLE_COUNT),
            dossier_reviewed_in_time=review is not None
            and not review_overdue(review, as_of, every_days=review_days),
        )
    return result, names


def _facts_and_names(
    as_of: date, client_ids: Iterable[int] | None, clients: QuerySet[Client] | None
) -> tuple[dict[int, ClientFacts], dict[int, str]]:
    """`client_facts`, and the names of those clients (read by the same query)."""
    return _facts_of_rows(_fact_rows(as_of, client_ids, clients), as_of)


@dataclass(frozen=True, slots=True)
class ClientHealth:
    client: Client
    is_key: bool
    health: int | None
    previous: int | None  # health DROP_COMPARED_DAYS days earlier
    components: list[Component]
    alerts: list[Alert]
    snoozed: list[Alert]
    facts: ClientFacts

    @property
    def change(self) -> int | None:
        if self.health is None or self.previous is None:
            return None
        return self.health - self.previous


def _snoozed(as_of: date, ids: Iterable[int] | None, scope: Any) -> set[tuple[int, str]]:
    qs = AlertSnooze.objects.filter(until__gte=as_of)
    if ids is not None:
        qs = qs.filter(client_id__in=list(ids))
    elif scope is not None:
        qs = qs.filter(client_id__in=scope.values("pk"))
    return set(qs.values_list("client_id", "code"))


def _viewer_scope(
    viewer: Any, client_ids: Iterable[int] | None, *, own: bool = False
) -> tuple[QuerySet[Client], list[int] | None, QuerySet[Client] | None]:
    """(visible clients, the wanted ids when a few were asked for, the scope to push into the
    SQL as a subquery — None for a few ids or when the viewer sees the whole company).
    `own`: only the clients the viewer manages personally (Today's personal view)."""
    visible = visible_clients(viewer)
    if own:
        visible = visible.filter(manager=viewer)
    if client_ids is not None:
        visible = visible.filter(pk__in=list(client_ids))
        return visible, list(visible.values_list("pk", flat=True)), None
    return visible, None, None if scope_of(viewer) is Scope.ALL and not own else visible


class _Params:
    """Placeholders of values: `p(value)` marks a place, `render` turns the finished text into
    SQL with %s in the order (and as often as) the marks appear, and the values in that order."""

    _MARK = re.compile(r"\{p(\d+)\}")

    def __init__(self) -> None:
        self.values: list[Any] = []

    def __call__(self, value: Any) -> str:
        self.values.append(value)
        return f"{{p{len(self.values) - 1}}}"

    def render(self, sql: str) -> tuple[str, list[Any]]:
        ordered = [self.values[int(n)] for n in self._MARK.findall(sql)]
        return self._MARK.sub("%s", sql), ordered


@dataclass(frozen=True, slots=True)
class _ScoreSql:
    """SQL over `facts`: the CTEs `hb` (facts and the derived days, limit, cadence) and `hq`
    (those and every weighted component's quality, NULL for no data), and expressions over
    `hq`: the weighted sum and total weight of the score, and two conditions that hold for
    every client with a contrast candidacy (`candidates`) or also an alert (`rules`) — wider
    than the rules themselves, which the domain then applies to those clients only."""

    ctes: str
    weighted: str
    total: str
    candidates: str
    rules: str


def _score_sql(as_of: date, cfg: HealthSettings, p: _Params) -> _ScoreSql:
    """`domain.health_score` in SQL: the same float operations in the same order (the domain
    functions are the oracle, see the tests). Weights and thresholds are parameters; a
    component of weight zero is left out."""
    pg = connection.vendor == "postgresql"
    real = "DOUBLE PRECISION" if pg else "REAL"
    company = company_settings()
    th = cfg.thresholds()

    def fl(x: str) -> str:
        return f"CAST({x} AS {real})"

    def clamp(x: str) -> str:  # max(0.0, min(1.0, x)), x evaluated once
        if pg:
            return f"GREATEST(0.0, LEAST(1.0, {x}))"
        return f"MAX(0.0, MIN(1.0, {x}))"

    def days_since(column: str) -> str:
        if pg:
            return f"(CAST({p(as_of)} AS DATE) - {column})"
        return f"CAST(julianday({p(as_of.isoformat())}) - julianday({column}) AS INTEGER)"

    key_pct = company.key_share * 100
    segments = company.segment_cadence()
    by_segment = (
        "CASE segment "
        + " ".join(f"WHEN {p(seg)} THEN {p(n)}" for seg, n in segments.items())
        + " END"
        if segments
        else "NULL"
    )
    # share ≥ key share, without a rounded division (cur · 100 ≥ key · total); no company
    # revenue makes every share 0.
    key = p(key_pct) if pg else p(float(key_pct))
    key_share = f"total_cur > 0 AND {'cur' if pg else fl('cur')} * 100 >= {key} * total_cur"
    if key_pct <= 0:
        key_share = f"({key_share} OR total_cur <= 0)"
    base = f"""hb AS (
    SELECT facts.*,
           CASE WHEN roles > {domain.ESSENTIAL_ROLE_COUNT} THEN {domain.ESSENTIAL_ROLE_COUNT}
                ELSE roles END AS roles_present,
           CASE WHEN cur >= prev THEN cur ELSE prev END AS top,
           {days_since("last_purchase")} AS silent,
           {p(float(th.stop_multiple))} * median_gap AS lim,
           {days_since("last_positive")} AS since_positive,
           CASE WHEN last_reviewed_on IS NOT NULL
                 AND {days_since("last_reviewed_on")} <= {p(company.dossier_review_days)}
                THEN 1 ELSE 0 END AS reviewed,
           CASE WHEN {key_share} THEN {p(company.cadence_days)} ELSE {by_segment} END AS every
    FROM facts
)"""  # noqa: S608 (placeholders only: values are parameters)
    overdue = (
        "(CASE WHEN last_positive IS NULL THEN every"
        " WHEN since_positive - every > 0 THEN since_positive - every ELSE 0 END)"
    )
    trend = clamp(f"((1 + {fl('cur - prev')} / {fl('top')}) / 2)")
    recency = clamp("(1 - (silent - median_gap) / (lim - median_gap))")
    bank_sum = fl(f"bank_balance + {domain.BANK_SCALE}")
    bank = clamp(f"({bank_sum} / {2 * domain.BANK_SCALE})")
    trend_sum = fl(f"bank_trend + {domain.BANK_TREND_SCALE}")
    bank_trend = clamp(f"({trend_sum} / {2 * domain.BANK_TREND_SCALE})")
    qualities = {
        "revenue_trend": f"CASE WHEN top <= 0 THEN NULL ELSE {trend} END",
        "recency": "CASE WHEN silent IS NULL OR median_gap IS NULL OR median_gap <= 0 THEN NULL"
        " WHEN silent <= median_gap THEN 1.0 WHEN lim <= median_gap THEN 0.0"
        f" ELSE {recency} END",
        "cadence": "CASE WHEN every IS NULL OR every < 1 THEN NULL"
        f" ELSE {clamp(f'(1 - {fl(overdue)} / every)')} END",
        "bank": f"CASE WHEN bank_entries = 0 THEN NULL ELSE {bank} END",
        "bank_trend": f"CASE WHEN bank_entries = 0 THEN NULL ELSE {bank_trend} END",
        "nps": f"{fl('last_score')} / 10",
        "complaints": clamp(f"(1 - {fl('open_complaints')} / 2)"),
        "dossier": f"{fl('roles_present + reviewed')} / {domain.ESSENTIAL_ROLE_COUNT + 1}",
    }
    weights = cfg.weights()
    if any(w < 0 for w in weights.values()):
        raise ValueError("weights are never negative")
    counted = [name for name in domain.COMPONENTS if weights.get(name, 0) > 0]
    listed = "".join(f", {qualities[name]} AS q_{name}" for name in counted)
    zero = f"CAST(0 AS {real})"
    weighted = " + ".join(f"COALESCE(q_{n} * {p(weights[n])}, {zero})" for n in counted)
    total = " + ".join(f"CASE WHEN q_{n} IS NULL THEN 0 ELSE {p(weights[n])} END" for n in counted)
    # Wider than the rules: ≥ for >, and the share drop in floats with a margin.
    stopped = (
        f"(purchases >= {p(th.stop_min_purchases)} AND silent >= {p(th.stop_min_days)}"
        " AND silent >= lim)"
    )

    def share(amount: str, total: str) -> str:
        return f"(CASE WHEN {total} > 0 THEN {fl(amount)} * 100 / {fl(total)} ELSE 0 END)"

    margin = float(th.share_drop_pp) - 0.001
    dropped = f"({share('prev', 'total_prev')} - {share('cur', 'total_cur')} > {p(margin)})"
    dissatisfied = (
        f"complaints > 0 OR critics > 0 OR negative_year >= {p(th.negative_contacts)}"
        f" OR {stopped} OR {dropped}"
    )
    satisfied = (
        f"first_purchase >= {p(_param(_new_since(as_of, cfg)))} AND open_complaints = 0"
        " AND (purchases > 1 OR promoters > 0 OR prev > 0 AND cur > prev)"
    )
    candidates = f"({dissatisfied} OR {satisfied})"
    alerts = (
        f"{stopped} OR {dropped} OR negative_recent >= {p(th.negative_contacts)}"
        f" OR critics > 0 AND last_score <= {domain.CRITIC_MAX}"
    )
    return _ScoreSql(
        ctes=f"{base},\nhq AS (SELECT hb.*{listed} FROM hb)",  # noqa: S608
        weighted=weighted or zero,
        total=total or "0",
        candidates=candidates,
        rules=f"({candidates} OR {alerts})",
    )


def _scored_rows(
    as_of: date,
    client_ids: Iterable[int] | None,
    clients: QuerySet[Client] | None,
    cfg: HealthSettings,
    select: Any,
) -> list[tuple[Any, ...]]:
    """Rows of `SELECT {select(score_sql)}` (columns, FROM hq, conditions) after the facts and
    score CTEs."""
    facts = _facts_ctes(as_of, client_ids, clients)
    if facts is None:
        return []
    p = _Params()
    score = _score_sql(as_of, cfg, p)
    sql, params = p.render(f"{score.ctes}\nSELECT {select(score)}")
    with connection.cursor() as cursor:
        cursor.execute(f"{facts[0]},\n{sql}", [*facts[1], *params])
        rows: list[tuple[Any, ...]] = cursor.fetchall()
    return rows


def _health(weighted: float, total: int) -> int | None:
    """The last step of `domain._weighted_score`, on the floats the SQL summed the same way."""
    return max(0, min(100, round(100 * weighted / total))) if total else None


def health_scores(
    *,
    as_of: date,
    client_ids: Iterable[int] | None = None,
    clients: QuerySet[Client] | None = None,
    cfg: HealthSettings | None = None,
) -> dict[int, int | None]:
    """The health score of every client with revenue in the 24 months up to `as_of` (of
    `client_ids` or the `clients` queryset only), computed in one SQL statement: the facts'
    aggregates and the weighted score (`domain.health_score`'s arithmetic, in SQL)."""
    rows = _scored_rows(
        as_of,
        client_ids,
        clients,
        cfg or health_settings(),
        lambda score: f"client_id, {score.weighted}, {score.total} FROM hq",
    )
    return {cid: _health(weighted, total) for cid, weighted, total in rows}


@dataclass(frozen=True, slots=True)
class Scored:
    """What a snapshot stores of one client."""

    health: int | None
    is_key: bool
    alerts: str  # the raised alert codes (before snoozes), comma-separated, in a fixed order
    candidate: Candidate | None


def _new_since(as_of: date, cfg: HealthSettings) -> date:
    """First purchases on or after this day make a new client (contrast analysis)."""
    return as_of - timedelta(days=round(cfg.new_client_months * 365 / 12))


def snapshot_scores(*, as_of: date, keys: set[int], cfg: HealthSettings) -> dict[int, Scored]:
    """Score, key flag (`keys`: the key clients' ids), raised alerts and candidacy of every
    client with revenue in the 24 months up to `as_of`, in one SQL statement: the score in
    SQL; the alerts and candidacy by the domain's rules, for the clients the SQL finds may
    have one (the others have neither)."""
    rows = _scored_rows(
        as_of,
        None,
        None,
        cfg,
        lambda sql: (
            f"{_FACT_COLUMNS}, {sql.weighted}, {sql.total},"
            f" CASE WHEN {sql.rules} THEN 1 ELSE 0 END FROM hq"
        ),
    )
    width = len(_FACT_COLUMNS.split(","))
    facts, _names = _facts_of_rows([row[:width] for row in rows if row[-1]], as_of)
    th = cfg.thresholds()
    new_since = _new_since(as_of, cfg)
    result = {}
    for row in rows:
        cid, weighted, total = row[0], row[width], row[width + 1]
        fact = facts.get(cid)
        result[cid] = Scored(
            health=_health(weighted, total),
            is_key=cid in keys,
            alerts=""
            if fact is None
            else ",".join(a.value for a in domain.alerts(fact, as_of, th)),
            candidate=None
            if fact is None
            else domain.candidate(fact, as_of, th, new_since=new_since),
        )
    return result


def settings_key(cfg: HealthSettings | None = None) -> str:
    """A digest of every setting a stored score depends on (weights, thresholds, the key share,
    the cadences, the dossier review period)."""
    cfg = cfg or health_settings()
    company = company_settings()
    parts = (
        sorted(cfg.weights().items()),
        cfg.thresholds(),
        cfg.new_client_months,
        company.key_share,
        company.window_months,
        company.cadence_days,
        sorted(company.segment_cadence().items()),
        company.dossier_review_days,
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def snapshot_day(as_of: date) -> date:
    """The day whose stored scores "biggest drops" compare with."""
    return as_of - timedelta(days=DROP_COMPARED_DAYS)


def _previous_scores(
    as_of: date, wanted: list[int] | None, scope: QuerySet[Client] | None, cfg: HealthSettings
) -> dict[int, int | None]:
    """Scores DROP_COMPARED_DAYS ago from the stored snapshot of that day. A whole list stores
    the day first when it is missing (once, company-wide); a few clients (the card) without a
    stored day are scored for that day on the fly instead."""
    day = snapshot_day(as_of)
    stored = HealthSnapshotDay.objects.filter(day=day).exists()
    if not stored and wanted is not None:
        return health_scores(as_of=day, client_ids=wanted, cfg=cfg)
    if not stored:
        from kam.health.services import health_snapshot_write  # writes live in services

        health_snapshot_write(day=day)
    qs = HealthSnapshot.objects.filter(day=day)
    if wanted is not None:
        qs = qs.filter(client_id__in=wanted)
    elif scope is not None:
        qs = qs.filter(client_id__in=scope.values("pk"))
    return dict(qs.values_list("client_id", "health"))


def key_ids(as_of: date, clients: dict[int, Client] | None = None) -> set[int]:
    """Key clients by the portfolio's definition (`key_client_ids`: a share above the key
    threshold over the default window, or marked strategic/reference or prospective); for a
    single client of `clients`, asked about that one only (no company ranking)."""
    if clients is not None and len(clients) == 1:
        (client,) = clients.values()
        return {client.pk} if is_key_client(client, as_of) else set()
    return key_client_ids(as_of)


def health_list(
    *,
    viewer: Any,
    as_of: date,
    client_ids: Iterable[int] | None = None,
    compare: bool = True,
    own: bool = False,
    key_flags: bool = True,
) -> list[ClientHealth]:
    """Health of every visible client with revenue in the last 24 months: key clients (the
    portfolio's definition) first, then the lowest score first. The viewer's scope is a
    subquery of every aggregate; with `compare`, each row's `previous` is its stored score of
    DROP_COMPARED_DAYS ago; with `own`, only the clients the viewer manages personally;
    without `key_flags`, no row is flagged key (a caller that only needs the scores)."""
    cfg: HealthSettings = health_settings()
    weights, th = cfg.weights(), cfg.thresholds()
    visible, wanted, scope = _viewer_scope(viewer, client_ids, own=own)
    if wanted is not None and not wanted:
        return []
    facts = client_facts(as_of=as_of, client_ids=wanted, clients=scope)
    if not facts:
        return []
    clients = {c.pk: c for c in visible}
    before = _previous_scores(as_of, wanted, scope, cfg) if compare else {}
    snoozed = _snoozed(as_of, wanted, scope)
    keys = key_ids(as_of, clients if wanted is not None else None) if key_flags else set()
    rows = []
    for cid, fact in facts.items():
        client = clients.get(cid)
        if client is None:
            continue
        health, components = domain.score(domain.components_of(fact, as_of, th), weights)
        previous = before.get(cid)
        raised = domain.alerts(fact, as_of, th)
        rows.append(
            ClientHealth(
                client=client,
                is_key=cid in keys,
                health=health,
                previous=previous,
                components=components,
                alerts=[a for a in raised if (cid, a.value) not in snoozed],
                snoozed=[a for a in raised if (cid, a.value) in snoozed],
                facts=fact,
            )
        )
    rows.sort(
        key=lambda r: (not r.is_key, r.health if r.health is not None else 101, r.client.name)
    )
    return rows


def client_health(*, viewer: Any, client: Client, as_of: date) -> ClientHealth | None:
    """Health of one (already visible) client, or None without revenue in 24 months."""
    rows = health_list(viewer=viewer, as_of=as_of, client_ids=[client.pk])
    return rows[0] if rows else None


def lowest_and_drops(
    rows: list[ClientHealth], *, limit: int = 5
) -> tuple[list[ClientHealth], list[ClientHealth]]:
    """The lowest scores and the biggest falls; key clients come first where the lists are cut."""
    scored = [r for r in rows if r.health is not None]
    lowest = sorted(scored, key=lambda r: (not r.is_key, r.health, r.client.name))[:limit]
    falling = [r for r in scored if r.change is not None and r.change < 0]
    drops = sorted(falling, key=lambda r: (not r.is_key, r.change, r.client.name))[:limit]
    return lowest, drops


def stored_day(day: date, *, current: bool = True) -> HealthSnapshotDay:
    """The stored snapshot of `day`, written first (company-wide, once) when it is missing —
    or, with `current`, when it was scored under other settings than today's."""
    cfg = health_settings()
    found = HealthSnapshotDay.objects.filter(day=day).first()
    if found is None or (current and found.settings_key != settings_key(cfg)):
        from kam.health.services import health_snapshot_write  # writes live in services

        health_snapshot_write(day=day)
        found = HealthSnapshotDay.objects.get(day=day)
    return found


@dataclass(frozen=True, slots=True)
class StoredHealth:
    """A client's row of a list served from the stored snapshot (no components: the client
    card shows those live)."""

    client: Client
    is_key: bool
    health: int | None
    previous: int | None
    alerts: list[Alert]
    snoozed: list[Alert]

    @property
    def change(self) -> int | None:
        if self.health is None or self.previous is None:
            return None
        return self.health - self.previous

    @property
    def components(self) -> list[Component]:
        return []


@dataclass(frozen=True, slots=True)
class HealthOverview:
    """The lists of the health page, Today and the portfolio: read from the snapshot stored
    `written_at` (today's, refreshed by the hourly task), cut to the viewer's scope in SQL."""

    written_at: Any  # datetime of the stored scores
    total: int
    rows: list[StoredHealth]
    lowest: list[StoredHealth]
    drops: list[StoredHealth]
    alerted: list[StoredHealth]


_STORED_FIELDS = ("client_id", "client__name", "is_key", "health", "previous", "alerts")


def health_overview(
    *,
    viewer: Any,
    as_of: date,
    own: bool = False,
    rows: int = 0,
    limit: int = 5,
    alerted: int = 0,
) -> HealthOverview:
    """Key clients first, then the lowest: the first `rows` of the viewer's clients, the
    `limit` lowest and biggest drops (against the snapshot of DROP_COMPARED_DAYS ago) and the
    first `alerted` clients with an alert not snoozed. A bounded number of queries whatever
    the number of clients; the viewer's scope (with `own`, the viewer's own clients) is a
    subquery of each."""
    day = stored_day(as_of)
    stored_day(snapshot_day(as_of), current=False)
    _visible, _wanted, scope = _viewer_scope(viewer, None, own=own)
    previous = HealthSnapshot.objects.filter(
        day=snapshot_day(as_of), client_id=OuterRef("client_id")
    ).values("health")[:1]
    base = HealthSnapshot.objects.filter(day=as_of)
    if scope is not None:
        base = base.filter(client_id__in=scope.values("pk"))
    qs = base.annotate(previous=Subquery(previous))
    order = ("-is_key", F("health").asc(nulls_last=True), "client__name", "client_id")
    snoozed = _snoozed(as_of, None, scope) if alerted or rows else set()

    def row(values: tuple[Any, ...]) -> StoredHealth:
        cid, name, is_key, health, before, codes = values
        raised = [Alert(c) for c in codes.split(",") if c]
        return StoredHealth(
            client=Client(pk=cid, name=name),
            is_key=is_key,
            health=health,
            previous=before,
            alerts=[a for a in raised if (cid, a.value) not in snoozed],
            snoozed=[a for a in raised if (cid, a.value) in snoozed],
        )

    ordered = qs.order_by(*order).values_list(*_STORED_FIELDS)
    listed = [row(v) for v in ordered[:rows]] if rows else []
    scored = qs.filter(health__isnull=False)
    lowest = [row(v) for v in scored.order_by(*order).values_list(*_STORED_FIELDS)[:limit]]
    falling = scored.annotate(change=F("health") - F("previous")).filter(change__lt=0)
    drops = [
        row(v)
        for v in falling.order_by("-is_key", "change", "client__name", "client_id").values_list(
            *_STORED_FIELDS
        )[:limit]
    ]
    warned: list[StoredHealth] = []
    if alerted:
        # Snoozed alerts are few: read on in chunks until enough rows keep one not snoozed.
        with_alerts = ordered.exclude(alerts="")
        start = 0
        while len(warned) < alerted:
            chunk = [row(v) for v in with_alerts[start : start + 4 * alerted]]
            warned += [r for r in chunk if r.alerts]
            if len(chunk) < 4 * alerted:
                break
            start += 4 * alerted
    return HealthOverview(
        written_at=day.written_at,
        total=base.count(),
        rows=listed,
        lowest=lowest,
        drops=drops,
        alerted=warned[:alerted],
    )


def health_as_dict(rows: list[ClientHealth], as_of: date) -> dict[str, Any]:
    """The report / API shape of the issue."""
    return {
        "as_of": as_of.isoformat(),
        "clients": [
            {
                "id": r.client.pk,
                "name": r.client.name,
                "health": r.health,
                "components": {
                    c.name: {"value": c.value, "points": c.points} for c in r.components
                },
                "alerts": [a.value for a in r.alerts],
            }
            for r in rows
        ],
    }


def contrast_candidates(*, viewer: Any, as_of: date) -> dict[str, Any]:
    """Contrast-analysis candidates in the report / API shape, strongest evidence first."""
    cfg = health_settings()
    th = cfg.thresholds()
    new_since = _new_since(as_of, cfg)
    _visible, _wanted, scope = _viewer_scope(viewer, None)
    # The scope is inside the SQL (None: the viewer sees every client), and so is a first cut
    # to the clients that may be candidates; the domain's rules decide on those.
    rows = _scored_rows(
        as_of, None, scope, cfg, lambda sql: f"{_FACT_COLUMNS} FROM hq WHERE {sql.candidates}"
    )
    facts, names = _facts_of_rows(rows, as_of)
    found: list[tuple[Candidate, str]] = []
    for cid, fact in facts.items():
        cand = domain.candidate(fact, as_of, th, new_since=new_since)
        if cand is not None:
            found.append((cand, names[cid]))
    found.sort(key=lambda pair: (-pair[0].strength, pair[1], pair[0].client_id))
    out: dict[str, Any] = {"as_of": as_of.isoformat(), "satisfied": [], "dissatisfied": []}
    for cand, name in found:
        out[cand.side.value].append(
            {"client": {"id": cand.client_id, "name": name}, "evidence": cand.evidence}
        )
    return out


def stored_candidates(
    *, viewer: Any, as_of: date, exclude: Iterable[int] = (), limit: int | None = None
) -> tuple[dict[str, list[dict[str, Any]]], Any]:
    """`contrast_candidates` of `as_of` read from that day's stored snapshot (written first
    when missing or scored under other settings), cut to the viewer's scope in SQL, without
    the `exclude`d clients, at most `limit` per side; and the time the scores were stored."""
    day = stored_day(as_of)
    _visible, _wanted, scope = _viewer_scope(viewer, None)
    qs = HealthSnapshot.objects.filter(day=as_of).exclude(side="")
    if scope is not None:
        qs = qs.filter(client_id__in=scope.values("pk"))
    if exclude:
        qs = qs.exclude(client_id__in=list(exclude))
    out: dict[str, list[dict[str, Any]]] = {}
    for side in domain.Side:
        rows = (
            qs.filter(side=side.value)
            .order_by("-strength", "client__name", "client_id")
            .values_list("client_id", "client__name", "evidence")
        )
        out[side.value] = [
            {"client": {"id": cid, "name": name}, "evidence": evidence}
            for cid, name, evidence in (rows if limit is None else rows[:limit])
        ]
    return out, day.written_at
