"""`make bench`: speed targets measured on realistic volumes, on SQLite and on PostgreSQL.

For each database: load the demo with `--scale` residents once (kept between runs: var/bench/), then time
the front desk's searches in-process (server time: request in → response out, no network) and report
p50/p95 against the target. PostgreSQL is used at BENCH_PG_URL (default: the local server) when reachable.

    make bench                          # both databases, 150,000 residents
    make bench BENCH_ARGS="--scale 20000 --only sqlite"
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench"
PG_DEFAULT = "postgres://postgres@127.0.0.1:5432/propdesk_bench"

TARGETS = {"search_p95_ms": 50.0, "page_queries": 20}


def pct(values, p):
    s = sorted(values)
    k = max(0, min(len(s) - 1, round(p / 100 * (len(s) - 1))))
    return s[k]


def worker(scale: int, rounds: int) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from core.models import Property, Unit, User
    from residents.models import Resident

    call_command("migrate", verbosity=0)
    if not Property.objects.exists():
        t0 = time.monotonic()
        call_command("demo", scale=scale, verbosity=0)
        load_s = time.monotonic() - t0
    else:
        load_s = None
    n_res = Resident.objects.count()
    prop = Property.objects.get(code="cuihu")
    # Queries people type at the desk, drawn from the data: names, initials, last-4, room numbers.
    sample = list(
        Resident.objects.filter(property=prop)
        .order_by("?")
        .values_list("name", "name_initials", "phone_last4")[:60]
    )
    units = list(
        Unit.objects.filter(property=prop).order_by("?").values_list("building__code", "number")[:40]
    )
    queries = []  # (kind, text)
    for name, initials, last4 in sample:
        queries += [
            ("name", name),
            ("surname", name[:1]),
            ("initials", initials[:3]),
            ("last4", last4 or "1234"),
        ]
    for b, n in units:
        queries += [("room", f"{b}-{n}"), ("room", f"{b}栋{n}"), ("number", n)]
    queries += [("company", "科技"), ("company", "有限公司"), ("none", "zzzz"), ("none", "99-9999")]
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username="frontdesk"))
    timings, by_kind = [], {}
    for _ in range(rounds):
        for kind, q in queries:
            t0 = time.perf_counter()
            r = client.get("/residents/search/", {"q": q}, HTTP_HX_REQUEST="true")
            ms = (time.perf_counter() - t0) * 1000
            timings.append(ms)
            by_kind.setdefault(kind, []).append(ms)
            assert r.status_code == 200, (q, r.status_code)
    reset_queries()
    unit = Unit.objects.filter(property=prop, occupancies__isnull=False).first()
    resident = Resident.objects.filter(property=prop, occupancies__isnull=False).first()
    page_q = {}
    for label, url in (
        ("unit_page", f"/residents/units/{unit.pk}/"),
        ("archive_page", f"/residents/{resident.pk}/"),
    ):
        with CaptureQueriesContext(connection) as ctx:
            r = client.get(url)
        assert r.status_code == 200, (url, r.status_code)
        page_q[label] = len(ctx.captured_queries)
    return {
        "vendor": connection.vendor,
        "residents": n_res,
        "load_seconds": load_s,
        "search_requests": len(timings),
        "search_p50_ms": round(pct(timings, 50), 2),
        "search_p95_ms": round(pct(timings, 95), 2),
        "search_max_ms": round(max(timings), 2),
        "search_p95_by_kind_ms": {k: round(pct(v, 95), 1) for k, v in sorted(by_kind.items())},
        **page_q,
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
    ap.add_argument("--scale", type=int, default=150_000)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--only", choices=["sqlite", "postgres"])
    ap.add_argument("--worker", action="store_true")
    args = ap.parse_args()
    if args.worker:
        print("RESULT " + json.dumps(worker(args.scale, args.rounds)))
        return
    VAR.mkdir(parents=True, exist_ok=True)
    runs = []
    if args.only in (None, "sqlite"):
        runs.append(
            ("sqlite", {"PROPDESK_SQLITE": str(VAR / f"bench-{args.scale}.sqlite3"), "DATABASE_URL": ""})
        )
    pg = os.environ.get("BENCH_PG_URL", PG_DEFAULT)
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
        print(f"== {name}: {args.scale} residents")
        out = subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.run",
                "--worker",
                "--scale",
                str(args.scale),
                "--rounds",
                str(args.rounds),
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        line = next((ln for ln in out.stdout.splitlines() if ln.startswith("RESULT ")), None)
        if not line:
            print(out.stdout[-3000:], out.stderr[-3000:])
            failed = True
            continue
        res = json.loads(line[7:])
        ok_search = res["search_p95_ms"] <= TARGETS["search_p95_ms"]
        ok_pages = max(res["unit_page"], res["archive_page"]) <= TARGETS["page_queries"]
        failed |= not (ok_search and ok_pages)
        print(json.dumps(res, ensure_ascii=False, indent=2))
        print(
            f"   search p95 {res['search_p95_ms']} ms (target ≤ {TARGETS['search_p95_ms']}) "
            f"{'OK' if ok_search else 'MISSED'}; page queries unit={res['unit_page']} "
            f"archive={res['archive_page']} (≤ {TARGETS['page_queries']}) {'OK' if ok_pages else 'MISSED'}"
        )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
