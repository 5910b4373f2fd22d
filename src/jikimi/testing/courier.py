"""A month of access to waybill data at a courier, with attacks injected and labelled.

Normal work by role (dispatchers, customer service, drivers, analysts, admins) follows
shifts, weekends and holidays; the attacks are the ones seen in real cases: a stolen
account slowly extracting 400,000 waybills over two weeks, a burst export, one account
used from two places, and sequential enumeration of waybill numbers. Seeded, so tests
and benchmarks see the same month every time.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from jikimi.watch.events import AccessEvent, Action
from jikimi.watch.rules import RoleRules, WatchRules

TZ = ZoneInfo("Asia/Seoul")
MONTH_START = dt.date(2026, 11, 1)
HOLIDAYS = frozenset({dt.date(2026, 11, 11), dt.date(2026, 11, 25)})


@dataclass(frozen=True, slots=True)
class Role:
    name: str
    count: int
    start: int  # shift start hour (local)
    end: int
    workdays: frozenset[int]
    views: int  # mean single-record views per working day
    searches: int  # mean searches per day (10-30 records each)
    fields: frozenset[str]


ROLES = (
    Role(
        "dispatcher",
        120,
        8,
        18,
        frozenset(range(6)),
        110,
        8,
        frozenset({"name", "phone", "address", "waybill"}),
    ),
    Role(
        "customer_service",
        100,
        9,
        18,
        frozenset(range(5)),
        55,
        4,
        frozenset({"name", "phone", "address", "order", "waybill"}),
    ),
    Role(
        "driver",
        60,
        7,
        20,
        frozenset(range(6)),
        35,
        0,
        frozenset({"name", "phone", "address", "waybill"}),
    ),
    Role("analyst", 8, 9, 18, frozenset(range(5)), 5, 2, frozenset({"region", "order", "waybill"})),
    Role(
        "admin",
        4,
        9,
        18,
        frozenset(range(5)),
        10,
        1,
        frozenset({"name", "phone", "address", "order", "waybill", "account"}),
    ),
)


def courier_rules() -> WatchRules:
    """The rules a courier would configure for these roles."""
    base = RoleRules()
    fields_of = {r.name: r.fields for r in ROLES}
    return WatchRules(
        default=base,
        roles={
            "dispatcher": RoleRules(allowed_fields=fields_of["dispatcher"]),
            "customer_service": RoleRules(allowed_fields=fields_of["customer_service"]),
            "driver": RoleRules(allowed_fields=fields_of["driver"], window_max_subjects=500),
            "analyst": RoleRules(
                daily_min_records=30000,
                export_reason_records=100,
                window_max_subjects=20000,
                allowed_fields=fields_of["analyst"],
            ),
            "admin": RoleRules(allowed_fields=fields_of["admin"]),
        },
        timezone="Asia/Seoul",
        holidays=HOLIDAYS,
    )


@dataclass(frozen=True, slots=True)
class Attack:
    kind: str  # slow-extraction | burst-export | credential-sharing | enumeration
    account: str
    start: dt.datetime
    records: int


@dataclass(slots=True)
class Month:
    events: list[AccessEvent] = field(default_factory=list)
    attacks: list[Attack] = field(default_factory=list)
    accounts: dict[str, str] = field(default_factory=dict)  # account -> role
    attack_events: set[int] = field(default_factory=set)  # indexes into events

    def attacker_records_before(self, kind: str, when: dt.datetime) -> int:
        """Records the attack had taken when ``when`` came (detection latency)."""
        attack = next(a for a in self.attacks if a.kind == kind)
        total = 0
        for i in sorted(self.attack_events):
            ev = self.events[i]
            if ev.account == attack.account and ev.time <= when and ev.time >= attack.start:
                total += ev.records
        return total


def _at(day: dt.date, hour: float) -> dt.datetime:
    h = int(hour)
    m = int((hour - h) * 60)
    return dt.datetime(day.year, day.month, day.day, h, m, tzinfo=TZ).astimezone(dt.UTC)


def _waybill(rnd: random.Random) -> str:
    return str(rnd.randrange(10**11, 10**12))


def simulate(days: int = 30, seed: int = 1, scale: float = 1.0) -> Month:
    """Generate ``days`` of access; ``scale`` multiplies the number of accounts."""
    rnd = random.Random(seed)
    month = Month()
    tagged: list[tuple[AccessEvent, bool]] = []
    home: dict[str, str] = {}
    for role in ROLES:
        for i in range(max(1, round(role.count * scale))):
            name = f"{role.name[:4]}-{i:03d}"
            month.accounts[name] = role.name
            branch = rnd.randrange(1, 40)
            home[name] = (
                f"10.{branch}.{rnd.randrange(0, 4)}.{rnd.randrange(2, 250)}"
                if role.name != "driver"
                else f"172.{16 + branch % 16}.{rnd.randrange(0, 255)}.{rnd.randrange(2, 250)}"
            )
    for d in range(days):
        day = MONTH_START + dt.timedelta(days=d)
        for role in ROLES:
            if day.weekday() not in role.workdays or day in HOLIDAYS:
                continue
            for acct, r in month.accounts.items():
                if r != role.name or rnd.random() < 0.06:  # leave, sick days
                    continue
                end = role.end + (rnd.random() * 2 if rnd.random() < 0.1 else 0)  # overtime
                n_views = max(0, int(rnd.gauss(role.views, role.views * 0.25)))
                for _ in range(n_views):
                    tagged.append(
                        (
                            AccessEvent(
                                _at(day, rnd.uniform(role.start, end)),
                                acct,
                                Action.VIEW,
                                1,
                                subject_ids=(_waybill(rnd),),
                                source=home[acct],
                                fields=role.fields,
                                role=role.name,
                            ),
                            False,
                        )
                    )
                for _ in range(max(0, int(rnd.gauss(role.searches, 2)))):
                    k = rnd.randint(10, 30)
                    tagged.append(
                        (
                            AccessEvent(
                                _at(day, rnd.uniform(role.start, end)),
                                acct,
                                Action.SEARCH,
                                k,
                                source=home[acct],
                                fields=role.fields,
                                role=role.name,
                            ),
                            False,
                        )
                    )
                if role.name == "analyst" and rnd.random() < 0.3:
                    tagged.append(
                        (
                            AccessEvent(
                                _at(day, rnd.uniform(10, 17)),
                                acct,
                                Action.EXPORT,
                                rnd.randint(2000, 8000),
                                source=home[acct],
                                fields=role.fields,
                                purpose="weekly delivery-time report",
                                role=role.name,
                            ),
                            False,
                        )
                    )
    _inject(rnd, month, tagged, days)
    tagged.sort(key=lambda t: t[0].time)
    month.events = [e for e, _ in tagged]
    month.attack_events = {i for i, (_, bad) in enumerate(tagged) if bad}
    return month


def _inject(
    rnd: random.Random, month: Month, tagged: list[tuple[AccessEvent, bool]], days: int
) -> None:
    def acct(role: str, i: int) -> str:
        names = [a for a, r in month.accounts.items() if r == role]
        return names[i % len(names)]

    # 1. a stolen dispatcher account extracts 400,000 waybills over 14 working days,
    #    during office hours and from an outside address, 100 records per search.
    victim = acct("dispatcher", 17)
    start_day = MONTH_START + dt.timedelta(days=min(7, days - 1))
    per_day = 400_000 // 14
    first = None
    for d in range(14):
        day = start_day + dt.timedelta(days=d)
        if (day - MONTH_START).days >= days:
            break
        for _ in range(per_day // 100):
            ev = AccessEvent(
                _at(day, rnd.uniform(9, 18)),
                victim,
                Action.SEARCH,
                100,
                source="45.77.12.9",
                fields=frozenset({"name", "phone", "address"}),
                role="dispatcher",
            )
            first = ev.time if first is None or ev.time < first else first
            tagged.append((ev, True))
    if first is not None:
        month.attacks.append(Attack("slow-extraction", victim, first, 400_000))
    # 2. a burst export by an analyst, no reason recorded
    analyst = acct("analyst", 3)
    t0 = _at(MONTH_START + dt.timedelta(days=min(14, days - 1)), 15)
    for k in range(5):
        tagged.append(
            (
                AccessEvent(
                    t0 + dt.timedelta(minutes=6 * k),
                    analyst,
                    Action.EXPORT,
                    10_000,
                    source="10.3.1.20",
                    fields=frozenset({"region", "order"}),
                    role="analyst",
                ),
                True,
            )
        )
    month.attacks.append(Attack("burst-export", analyst, t0, 50_000))
    # 3. one customer-service account used from two places at once
    shared = acct("customer_service", 42)
    t1 = _at(MONTH_START + dt.timedelta(days=min(11, days - 1)), 10)
    for k in range(40):
        tagged.append(
            (
                AccessEvent(
                    t1 + dt.timedelta(minutes=3 * k),
                    shared,
                    Action.VIEW,
                    1,
                    subject_ids=(_waybill(rnd),),
                    source="211.36.140.7",
                    fields=frozenset({"name", "phone"}),
                    role="customer_service",
                ),
                True,
            )
        )
    month.attacks.append(Attack("credential-sharing", shared, t1, 40))
    # 4. a driver account walks waybill numbers in sequence
    walker = acct("driver", 11)
    t2 = _at(MONTH_START + dt.timedelta(days=min(19, days - 1)), 13)
    base = rnd.randrange(10**11, 10**12 - 1000)
    for k in range(600):
        tagged.append(
            (
                AccessEvent(
                    t2 + dt.timedelta(seconds=5 * k),
                    walker,
                    Action.VIEW,
                    1,
                    subject_ids=(str(base + k),),
                    source="172.20.1.9",
                    fields=frozenset({"name", "phone", "address"}),
                    role="driver",
                ),
                True,
            )
        )
    month.attacks.append(Attack("enumeration", walker, t2, 600))
