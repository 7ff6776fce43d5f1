#!/usr/bin/env bash
# make run: migrate, load the demo data once, start web (gunicorn) + worker (huey) together.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
PORT=${PORT:-8000}
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-propdesk.settings.base}

$PY manage.py prepare

pids=()
stop() {
  trap - INT TERM EXIT
  echo; echo "正在停止 PropDesk (stopping)…"
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT

$PY manage.py run_huey --quiet &
pids+=($!)
.venv/bin/gunicorn propdesk.wsgi:application --bind "127.0.0.1:${PORT}" --workers 2 --threads 4 \
  --access-logfile - --log-level warning &
pids+=($!)

cat <<MSG

  PropDesk 物业客服中心 is running: http://127.0.0.1:${PORT}
  API docs: http://127.0.0.1:${PORT}/api/docs/

  Demo logins (password: propdesk-demo)
    manager     管理处经理   翠湖花园
    supervisor  客服主管     翠湖花园
    admin1      客服管理员   翠湖花园
    frontdesk   前台接待     翠湖花园
    engineer    工程人员     翠湖花园
    guard       秩序维护员   翠湖花园
    frontdesk2  前台接待     国贸中心大厦 (property 2 only)

  Ctrl-C stops web and worker.
MSG
wait -n "${pids[@]}"
