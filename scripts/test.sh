#!/usr/bin/env bash
# The whole suite, in the order that fails fastest: lint, types, unit,
# integration (PGlite, and the PostgreSQL server when reachable), then the
# production build and the browser tests against it.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1 TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1 UPSTASH_DISABLE_TELEMETRY=1

bash scripts/ensure-chromium.sh
echo "── lint"; npm run --silent lint
echo "── typecheck"; npm run --silent typecheck
echo "── unit and integration tests"; npx vitest run
echo "── production build"; npm run --silent build
echo "── end-to-end tests"; npx playwright test
