from contextlib import contextmanager

from django.db import connection
from django.test.utils import CaptureQueriesContext


@contextmanager
def assert_max_queries(n: int):
    """A page costs the same with 10 rows of history or 10,000 (CONVENTIONS habit 10)."""
    with CaptureQueriesContext(connection) as ctx:
        yield ctx
    count = len(ctx.captured_queries)
    if count > n:
        listing = "\n".join(q["sql"][:200] for q in ctx.captured_queries)
        raise AssertionError(f"{count} queries > {n}:\n{listing}")
