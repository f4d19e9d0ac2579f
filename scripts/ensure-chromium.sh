#!/usr/bin/env bash
# Make sure Debian's Chromium is at /usr/bin/chromium for the browser tests (tests/e2e).
#
# Playwright never downloads a browser here (no `playwright install`): the tests drive the
# distribution's package, which gets security updates with the rest of the system. When the
# browser is missing and we are root on Debian, install the `chromium` package; otherwise
# stop with a message saying how to install it. The browser tests fail, never skip, without it.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
    exit 0
fi

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "ensure-chromium: $CHROMIUM not found: installing Debian's chromium package" >&2
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
    [ -x "$CHROMIUM" ] || { echo "ensure-chromium: error: installed chromium but $CHROMIUM is still missing" >&2; exit 1; }
    exit 0
fi

cat >&2 <<MSG
ensure-chromium: error: the browser tests need Chromium at $CHROMIUM, and it is missing.
  Install Debian's package:   sudo apt-get install -y chromium
  (make test installs it itself when run as root). Do not run 'playwright install':
  the tests use the distribution's Chromium, not a downloaded one.
MSG
exit 1
