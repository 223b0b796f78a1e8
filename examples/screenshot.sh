#!/bin/sh
# screenshot.sh [PAGE [PNG]]: the report page as the README shows it,
# rendered by headless Chromium (Debian's chromium; "make deps" installs
# it) the way the tests render it.  By default demo/report.html, which
# "make demo" writes, into docs/report.png.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
page=${1:-$top/demo/report.html}
png=${2:-$top/docs/report.png}
[ -s "$page" ] || { echo "screenshot.sh: no $page: run make demo" >&2; exit 1; }
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
# As root Chromium needs --no-sandbox; the other flags keep it off the
# network, which a page of sp never needs.
chromium --headless --no-sandbox --disable-gpu --disable-quic \
    --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --hide-scrollbars \
    --user-data-dir="$profile" --window-size=1000,1400 \
    --screenshot="$png" "file://$page" 2>/dev/null
echo "screenshot.sh: $png"
