#!/usr/bin/env bash
# The end-to-end tests drive Debian's Chromium (Playwright cannot download its
# own browser here). Installs it when missing and we may use apt.
set -euo pipefail
if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the end-to-end tests…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "Chromium is missing: install it (sudo apt-get install -y chromium) or set PLAYWRIGHT_CHROMIUM to a Chromium binary." >&2
[ -n "${PLAYWRIGHT_CHROMIUM:-}" ] || exit 1
