#!/usr/bin/env bash
# Vendored front-end libraries, fetched from the npm registry by package name (offices run offline).
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
(cd "$tmp" && npm pack --silent htmx.org@2.0.11 echarts@5.6.0 >/dev/null)
mkdir -p static/vendor/htmx static/vendor/echarts
tar xzf "$tmp"/htmx.org-2.0.11.tgz -C "$tmp" && cp "$tmp"/package/dist/htmx.min.js "$tmp"/package/LICENSE static/vendor/htmx/ && rm -rf "$tmp"/package
tar xzf "$tmp"/echarts-5.6.0.tgz -C "$tmp" && cp "$tmp"/package/dist/echarts.min.js "$tmp"/package/LICENSE static/vendor/echarts/
rm -rf "$tmp"
