import cProfile, pstats, sys, time, os
import django
django.setup()
from django.test import Client
from django.db import connection
from django.test.utils import CaptureQueriesContext
from bench.requests_bench import _ensure_workflows
from core.models import User
from servicedesk.models import ServiceRequest
_ensure_workflows()
c = Client(HTTP_HOST="127.0.0.1")
c.force_login(User.objects.get(username="benchsup"))
url = sys.argv[1]
if url == "detail":
    pk = ServiceRequest.objects.filter(kind__in=["consultation"]).values_list("pk", flat=True).first()
    url = f"/servicedesk/{pk}/"
for _ in range(3): c.get(url)
ts=[]; cs=[]
for _ in range(20):
    t=time.perf_counter(); u=time.process_time(); c.get(url); ts.append((time.perf_counter()-t)*1000); cs.append((time.process_time()-u)*1000)
ts.sort(); cs.sort(); print(url, "wall p50", ts[10], "p95", ts[18], "cpu p50", cs[10], "p95", cs[18])
if os.environ.get("NOPROF"): sys.exit()
with CaptureQueriesContext(connection) as ctx:
    c.get(url)
qt = 0
for q in ctx.captured_queries:
    print(q["time"], q["sql"][:300])
pr = cProfile.Profile(); pr.enable()
for _ in range(10): c.get(url)
pr.disable()
pstats.Stats(pr).sort_stats("cumulative").print_stats(45)
