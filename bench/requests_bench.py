"""Service-request volumes: the quarterly callback analysis, the overdue list and a request page, timed on
SQLite and PostgreSQL with N requests (default 2,000,000) across 50 properties.

    .venv/bin/python -m bench.requests_bench                       # both databases, 2,000,000 requests
    .venv/bin/python -m bench.requests_bench --scale 200000 --only sqlite

The data is bulk-loaded once per database and scale (bulk_create, no history rows — benchmark data, not
business records) and kept between runs (var/bench/). Times are server time in-process (request in →
response out, no network); query counts are captured per call and must not vary with the data.
"""

import argparse
import json
import os
import random
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench"
PG_DEFAULT = "postgres://postgres@127.0.0.1:5432/propdesk_bench_requests"
N_PROPERTIES = 50
UNITS_PER_PROPERTY = 400
TARGETS = {
    "analysis_p95_ms": 2000.0,
    "overdue_p95_ms": 50.0,
    "request_page_p95_ms": 50.0,
    "panel_page_p95_ms": 50.0,
}
SLOW_MS = 5000.0
KINDS = [("complaint", 25), ("repair", 45), ("help", 15), ("consultation", 15)]
CATEGORIES = {
    "complaint": ["噪音", "卫生", "停车", "服务态度", "收费", "安全"],
    "repair": ["水管", "电路", "门窗", "电梯", "空调", "下水道", "墙面"],
    "help": ["开锁", "搬运", "代叫车"],
    "consultation": [""],
}


def pct(values, p):
    s = sorted(values)
    k = max(0, min(len(s) - 1, round(p / 100 * (len(s) - 1))))
    return s[k]


def _ensure_workflows():
    """The overdue list and the request page label every kind's states; kinds whose app is absent get a
    stand-in workflow for the benchmark only."""
    from django.db import models

    from servicedesk import engine
    from servicedesk.choices import RequestKind
    from servicedesk.engine import Workflow

    class S(models.TextChoices):
        RECEIVED = "received", "已受理"
        CLOSED = "closed", "已关闭"

    for kind in RequestKind.values:
        if kind not in engine.WORKFLOWS:
            engine.register(
                Workflow(kind=kind, states=S, initial=S.RECEIVED, transitions=[], closed={S.CLOSED})
            )


def load(scale: int, rng: random.Random) -> float:
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction
    from django.utils import timezone

    from core import services as cs
    from core.choices import PropertyKind, Role
    from core.models import Building, Deadline, Membership, Unit
    from servicedesk.models import ServiceRequest

    t0 = time.monotonic()
    with transaction.atomic():
        props = []
        for i in range(N_PROPERTIES):
            props.append(
                cs.property_create(
                    actor=None, name=f"基准项目{i:02d}", code=f"rb-{i:03d}", kind=PropertyKind.RESIDENTIAL
                )
            )
        user = cs.staff_create(
            actor=None,
            username="benchsup",
            password="bench",
            display_name="基准主管",
            prop=props[0],
            role=Role.CS_SUPERVISOR,
        )
        Membership.objects.bulk_create(
            [Membership(user=user, property=p, role=Role.CS_SUPERVISOR) for p in props[1:]]
        )
        units_by_prop = {}
        for p in props:
            b = Building.objects.create(property=p, code="1", name="1栋", floors=40)
            Unit.objects.bulk_create(
                [
                    Unit(
                        property=p,
                        building=b,
                        number=f"{n:04d}",
                        floor=n // 10 + 1,
                        area=89,
                        label=f"1-{n:04d}",
                    )
                    for n in range(UNITS_PER_PROPERTY)
                ]
            )
            units_by_prop[p.pk] = list(Unit.objects.filter(property=p).values_list("pk", flat=True))
    now = timezone.now()
    span = timedelta(days=730).total_seconds()
    kinds = [k for k, _ in KINDS]
    weights = [w for _, w in KINDS]
    batch, made = [], 0
    prop_ids = [p.pk for p in props]
    while made < scale:
        pid = prop_ids[made % N_PROPERTIES]
        kind = rng.choices(kinds, weights)[0]
        batch.append(
            ServiceRequest(
                property_id=pid,
                kind=kind,
                number=f"RB{made:09d}",
                channel="phone",
                status=rng.choice(["received", "closed", "closed", "closed"]),
                unit_id=rng.choice(units_by_prop[pid]),
                reporter_name="业户",
                title=f"{kind} {made}",
                description="基准数据",
                category=rng.choice(CATEGORIES[kind]),
                created_by=user,
                received_at=now - timedelta(seconds=rng.random() * span),
            )
        )
        made += 1
        if len(batch) >= 10000:
            ServiceRequest.objects.bulk_create(batch, batch_size=5000)
            batch = []
    if batch:
        ServiceRequest.objects.bulk_create(batch, batch_size=5000)
    # Running clocks on 1% of the requests, half of them past due: what the overdue list reads.
    ct = ContentType.objects.get_for_model(ServiceRequest)
    ids = list(ServiceRequest.objects.order_by("?").values_list("pk", "property_id")[: max(scale // 100, 10)])
    clocks = []
    for i, (rid, pid) in enumerate(ids):
        due = now + timedelta(hours=(-1 if i % 2 else 1) * rng.randint(1, 72))
        clocks.append(
            Deadline(
                content_type=ct,
                object_id=rid,
                property_id=pid,
                kind="reply",
                label="答复",
                started_at=due - timedelta(days=1),
                due_at=due,
                warn_at=due - timedelta(hours=6),
            )
        )
    Deadline.objects.bulk_create(clocks, batch_size=5000)
    return time.monotonic() - t0


def real_requests(props, user) -> list[int]:
    """A few complaints and repairs made through the services (their own rows, clocks, timeline, history) in
    the loaded database: the request page is timed on these too, with their kind's panel."""
    from complaints import services as complaints
    from core.models import Unit
    from repairs import services as repairs
    from servicedesk.models import ServiceRequest

    made = list(ServiceRequest.objects.filter(title__startswith="基准真实").values_list("pk", flat=True))
    if made:
        return made
    for p in props[:5]:
        unit = Unit.objects.filter(property=p).order_by("id").first()
        for i in range(2):
            c = complaints.complaint_create(
                actor=user,
                prop=p,
                channel="phone",
                apologised=True,
                title=f"基准真实投诉 {i}",
                description="楼上夜间噪音",
                reporter_name="业户",
                contact_phone="13800001234",
                unit=unit,
                basic_type="quality",
                analysis_category="service",
                emotion="anxious",
                steps=["hear", "ask"],
            )
            made.append(c.request_id)
            r = repairs.repair_create(
                actor=user,
                prop=p,
                scope="unit",
                unit=unit,
                title=f"基准真实报修 {i}",
                description="厨房水龙头漏水",
                reporter_name="业户",
                contact_phone="13800001234",
            )
            made.append(r.pk)
    return made


def worker(scale: int, rounds: int) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from callbacks import selectors
    from core.models import Property, User
    from servicedesk.models import ServiceRequest

    _ensure_workflows()
    call_command("migrate", verbosity=0)
    rng = random.Random(20261127)
    load_s = None
    if not Property.objects.filter(code="rb-000").exists():
        load_s = load(scale, rng)
    if connection.vendor == "postgresql":
        # Fresh bulk-loaded tables have no statistics and no visibility map until autovacuum gets to them (a
        # running office's database has both): without, PostgreSQL guesses one open clock and sorts all
        # 10,000 overdue ones, and reads the table where the analysis' index alone would do.
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE")
    n_req = ServiceRequest.objects.count()
    props = list(Property.objects.filter(code__startswith="rb-").order_by("id"))
    from django.utils import timezone

    today = timezone.localdate()
    quarters = []
    y, q = today.year, (today.month - 1) // 3 + 1
    for _ in range(4):
        y, q = (y - 1, 4) if q == 1 else (y, q - 1)
        quarters.append((y, q))
    timings, counts = [], set()
    sample = props[:: max(1, len(props) // 10)]
    for _ in range(rounds):
        for p in sample:
            for y, q in quarters:
                with CaptureQueriesContext(connection) as ctx:
                    t0 = time.perf_counter()
                    a = selectors.quarterly_analysis(prop=p, year=y, quarter=q)
                    timings.append((time.perf_counter() - t0) * 1000)
                counts.add(len(ctx.captured_queries))
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username="benchsup"))
    page_t, page_counts = [], set()
    for p in sample[:5]:
        y, q = quarters[0]
        client.get(f"/callbacks/analysis/?property={p.pk}&year={y}&quarter={q}")  # warm
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            r = client.get(f"/callbacks/analysis/?property={p.pk}&year={y}&quarter={q}")
            page_t.append((time.perf_counter() - t0) * 1000)
        assert r.status_code == 200, r.status_code
        page_counts.add(len(ctx.captured_queries))
    over_t, over_counts = [], set()
    client.get("/servicedesk/overdue/")  # warms the caches (and the session's first save): not counted
    for _ in range(10 * rounds):
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            r = client.get("/servicedesk/overdue/")
            over_t.append((time.perf_counter() - t0) * 1000)
        assert r.status_code == 200, r.status_code
        over_counts.add(len(ctx.captured_queries))
        if over_t[-1] > SLOW_MS:  # far off target: one measurement says enough
            break
    from servicedesk.engine import PANELS

    # Kinds whose app shows a panel need that app's detail row, which bulk rows don't have: time the page
    # on the kinds without one (the shared page: timeline, clocks, photos, history).
    plain = [k for k, _ in KINDS if k not in PANELS]
    req_ids = list(
        ServiceRequest.objects.filter(property__in=props, kind__in=plain)
        .order_by("?")
        .values_list("pk", flat=True)[:20]
    )
    det_t, det_counts = [], set()
    for pk in req_ids:  # each page once first, as for the panel pages below: steady state, not a cold disk
        client.get(f"/servicedesk/{pk}/")
    for _ in range(max(rounds, 1)):
        for pk in req_ids:
            with CaptureQueriesContext(connection) as ctx:
                t0 = time.perf_counter()
                r = client.get(f"/servicedesk/{pk}/")
                det_t.append((time.perf_counter() - t0) * 1000)
            assert r.status_code == 200, (pk, r.status_code)
            det_counts.add(len(ctx.captured_queries))
    # Complaints and repairs made through the services: the page with the kind's panel. Their query count
    # is the kind's own (fixed per kind, reported apart).
    real = real_requests(props, User.objects.get(username="benchsup"))
    kinds = dict(ServiceRequest.objects.filter(pk__in=real).values_list("pk", "kind"))
    panel_t, panel_counts = [], {}
    for pk in real:
        client.get(f"/servicedesk/{pk}/")
    for _ in range(max(rounds, 1)):
        for pk in real:
            with CaptureQueriesContext(connection) as ctx:
                t0 = time.perf_counter()
                r = client.get(f"/servicedesk/{pk}/")
                panel_t.append((time.perf_counter() - t0) * 1000)
            assert r.status_code == 200, (pk, r.status_code)
            panel_counts.setdefault(kinds[pk], set()).add(len(ctx.captured_queries))
    return {
        "vendor": connection.vendor,
        "requests": n_req,
        "properties": len(props),
        "load_seconds": round(load_s, 1) if load_s else None,
        "analysis_calls": len(timings),
        "analysis_p50_ms": round(pct(timings, 50), 1),
        "analysis_p95_ms": round(pct(timings, 95), 1),
        "analysis_queries": sorted(counts),
        "analysis_page_p95_ms": round(pct(page_t, 95), 1),
        "analysis_page_queries": sorted(page_counts),
        "sample_repeats": {
            "complaints": len(a["repeated_complaints"]),
            "repairs": len(a["repeated_repairs"]),
        },
        "overdue_p95_ms": round(pct(over_t, 95), 1),
        "overdue_queries": sorted(over_counts),
        "request_page_p95_ms": round(pct(det_t, 95), 1),
        "request_page_queries": sorted(det_counts),
        "panel_page_p95_ms": round(pct(panel_t, 95), 1),
        "panel_page_queries": {k: sorted(v) for k, v in panel_counts.items()},
    }


def pg_reachable(url: str) -> bool:
    try:
        import psycopg

        base = url.rsplit("/", 1)[0] + "/postgres"
        dbname = url.rsplit("/", 1)[1]
        with psycopg.connect(base, autocommit=True, connect_timeout=3) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname=%s", (dbname,)).fetchone():
                conn.execute(f'CREATE DATABASE "{dbname}"')
        return True
    except Exception as exc:  # no server: report, don't fail the other database
        print(f"PostgreSQL not reachable at {url}: {exc}")
        return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=int, default=2_000_000)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--only", choices=["sqlite", "postgres"])
    ap.add_argument("--worker", action="store_true")
    args = ap.parse_args()
    if args.worker:
        print("RESULT " + json.dumps(worker(args.scale, args.rounds), ensure_ascii=False))
        return
    VAR.mkdir(parents=True, exist_ok=True)
    runs = []
    if args.only in (None, "sqlite"):
        runs.append(
            ("sqlite", {"PROPDESK_SQLITE": str(VAR / f"requests-{args.scale}.sqlite3"), "DATABASE_URL": ""})
        )
    pg = os.environ.get("BENCH_PG_URL", PG_DEFAULT)
    if args.scale != 2_000_000 and "BENCH_PG_URL" not in os.environ:
        pg = f"{pg}_{args.scale}"  # one database per scale: the data is kept between runs
    if args.only in (None, "postgres") and pg_reachable(pg):
        runs.append(("postgres", {"DATABASE_URL": pg}))
    failed = False
    for name, extra in runs:
        env = {
            **os.environ,
            **extra,
            "DJANGO_SETTINGS_MODULE": "propdesk.settings.base",
            "PROPDESK_VAR_DIR": str(VAR),
        }
        print(f"== {name}: {args.scale} requests across {N_PROPERTIES} properties")
        cmd = [sys.executable, "-m", "bench.requests_bench", "--worker", "--scale", str(args.scale)]
        out = subprocess.run(
            cmd + ["--rounds", str(args.rounds)], cwd=ROOT, env=env, capture_output=True, text=True
        )
        line = next((ln for ln in out.stdout.splitlines() if ln.startswith("RESULT ")), None)
        if not line:
            print(out.stdout[-3000:], out.stderr[-3000:])
            failed = True
            continue
        res = json.loads(line[7:])
        print(json.dumps(res, ensure_ascii=False, indent=2))
        for key, target in TARGETS.items():
            ok = res[key] <= target
            failed |= not ok
            print(f"   {key} {res[key]} (target ≤ {target}) {'OK' if ok else 'MISSED'}")
        fixed = all(len(res[k]) == 1 for k in ("analysis_queries", "overdue_queries", "request_page_queries"))
        fixed &= all(len(v) == 1 for v in res["panel_page_queries"].values())
        failed |= not fixed
        print(f"   query counts fixed: {'OK' if fixed else 'MISSED'}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
