"""Parcels speed targets (`.venv/bin/python -m bench.parcels_bench`):

1. logging 300 parcels through the API (one POST /api/v1/parcels/ each, in-process: request in → response
   out) on a fresh SQLite file takes under 10 s;
2. with 500,000 parcels and 1,000,000 visitor entries in the database the parcels desk (/parcels/), the front
   desk's screen (/desk/) and parcels.selectors.desk_summary stay within p95 100 ms server time.

    .venv/bin/python -m bench.parcels_bench                    # SQLite, 500,000 parcels
    .venv/bin/python -m bench.parcels_bench --scale 50000      # quicker
    .venv/bin/python -m bench.parcels_bench --database-url postgres://postgres@127.0.0.1:5432/propdesk_pbench

The worker runs in a subprocess with its own settings (fresh SQLite file under var/bench/, removed first).
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
TARGETS = {
    "api_300_seconds": 10.0,
    "desk_p95_ms": 100.0,
    "summary_p95_ms": 100.0,
    "desk_screen_p95_ms": 100.0,
}


def pct(values, p):
    s = sorted(values)
    k = max(0, min(len(s) - 1, round(p / 100 * (len(s) - 1))))
    return s[k]


def _world():
    """A property with 600 units and one current owner each, and a front-desk login."""
    import random
    from decimal import Decimal

    from core import services as cs
    from core.choices import PropertyKind, Role, UnitStatus
    from core.models import Unit
    from residents.demo import load_scale

    prop = cs.property_create(actor=None, name="翠湖花园", code="cuihu", kind=PropertyKind.RESIDENTIAL)
    units = []
    for b in range(1, 7):
        bld = cs.building_create(actor=None, prop=prop, code=str(b), floors=25)
        for floor in range(1, 26):
            for n in range(1, 5):
                units.append(
                    Unit(
                        property=prop,
                        building=bld,
                        number=f"{floor:02d}{n:02d}",
                        floor=floor,
                        area=Decimal(89),
                        status=UnitStatus.OCCUPIED,
                        label=f"{b}-{floor:02d}{n:02d}",
                    )
                )
    Unit.objects.bulk_create(units)
    units = list(Unit.objects.filter(property=prop).order_by("id"))
    load_scale(prop=prop, units=units, n=len(units), rng=random.Random(7))
    user = cs.staff_create(
        actor=None, username="frontdesk", password="x", display_name="前台", prop=prop, role=Role.FRONT_DESK
    )
    return prop, user


def worker(scale: int, rounds: int, visitors: int) -> dict:
    import random

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from rest_framework.test import APIClient

    from parcels import demo, selectors
    from parcels.models import Parcel
    from residents.models import Occupancy

    call_command("migrate", verbosity=0)
    prop, user = _world()
    labels = list(
        Occupancy.objects.filter(unit__property=prop, end__isnull=True)
        .order_by("unit__label")
        .values_list("unit__label", flat=True)
        .distinct()[:300]
    )
    api = APIClient(HTTP_HOST="127.0.0.1")
    api.force_authenticate(user)
    t0 = time.perf_counter()
    for i in range(300):
        r = api.post(
            "/api/v1/parcels/",
            {
                "property": prop.pk,
                "unit": labels[i % len(labels)],
                "courier": "顺丰",
                "tracking_no": f"SF{i:08d}",
                "consent_by": "业主电话同意",
                "shelf": f"A{i % 9}",
            },
            format="json",
        )
        assert r.status_code == 201, r.content
    api_seconds = time.perf_counter() - t0

    t0 = time.monotonic()
    demo.load_scale(prop=prop, n=scale, rng=random.Random(11))
    if connection.vendor == "sqlite":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    from visitors.demo import load_scale as load_visitors
    from visitors.models import VisitorEntry

    units = list(prop.units.all())
    load_visitors(prop=prop, staff={"frontdesk": user}, rng=random.Random(13), units=units, n=visitors)
    if connection.vendor == "sqlite":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    load_s = time.monotonic() - t0
    n_parcels = Parcel.objects.count()
    n_visitors = VisitorEntry.objects.count()

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    desk, summary, screen = [], [], []
    client.get("/parcels/")
    client.get("/desk/")
    for _ in range(rounds):
        t = time.perf_counter()
        r = client.get("/desk/")
        screen.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 200
        t = time.perf_counter()
        r = client.get("/parcels/")
        desk.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 200
        t = time.perf_counter()
        selectors.desk_summary(user=user, prop=prop)
        summary.append((time.perf_counter() - t) * 1000)
    return {
        "vendor": connection.vendor,
        "api_300_seconds": round(api_seconds, 2),
        "parcels": n_parcels,
        "visitor_entries": n_visitors,
        "scale_load_seconds": round(load_s, 1),
        "desk_p50_ms": round(pct(desk, 50), 1),
        "desk_p95_ms": round(pct(desk, 95), 1),
        "summary_p50_ms": round(pct(summary, 50), 1),
        "summary_p95_ms": round(pct(summary, 95), 1),
        "desk_screen_p50_ms": round(pct(screen, 50), 1),
        "desk_screen_p95_ms": round(pct(screen, 95), 1),
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=int, default=500_000)
    ap.add_argument("--rounds", type=int, default=60)
    ap.add_argument("--visitors", type=int, default=1_000_000)
    ap.add_argument("--database-url", default="")
    ap.add_argument("--worker", action="store_true")
    args = ap.parse_args()
    if args.worker:
        print("RESULT " + json.dumps(worker(args.scale, args.rounds, args.visitors)))
        return
    VAR.mkdir(parents=True, exist_ok=True)
    db = VAR / "parcels-bench.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "propdesk.settings.base",
        "PROPDESK_VAR_DIR": str(VAR),
        "PROPDESK_SQLITE": str(db),
        "DATABASE_URL": args.database_url,
        "PROPDESK_DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-secret-key"),
        "PROPDESK_LOG_LEVEL": "WARNING",
    }
    cmd = [
        sys.executable,
        "-m",
        "bench.parcels_bench",
        "--worker",
        "--scale",
        str(args.scale),
        "--rounds",
        str(args.rounds),
        "--visitors",
        str(args.visitors),
    ]
    out = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("RESULT ")), None)
    if not line:
        print(out.stdout[-3000:], out.stderr[-3000:])
        sys.exit(1)
    res = json.loads(line[7:])
    print(json.dumps(res, ensure_ascii=False, indent=2))
    failed = False
    for key, target in TARGETS.items():
        ok = res[key] <= target
        failed |= not ok
        print(f"   {key} {res[key]} (target ≤ {target}) {'OK' if ok else 'MISSED'}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
