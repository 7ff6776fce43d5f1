#!/usr/bin/env bash
# make test: the whole suite (SQLite unless DATABASE_URL is set). Exit code 5 (no tests) is a failure
# here too: a suite that collects nothing has tested nothing.
set -uo pipefail
cd "$(dirname "$0")/.."
export DJANGO_SETTINGS_MODULE=propdesk.settings.test
if [ -n "${DATABASE_URL:-}" ]; then echo "== PropDesk tests on PostgreSQL (${DATABASE_URL%%@*}@…)"; else echo "== PropDesk tests on SQLite"; fi
.venv/bin/python -m pytest -q ${PYTEST_ARGS:-} "$@"
rc=$?
if [ $rc -eq 5 ]; then echo "no tests were collected"; exit 1; fi
exit $rc
