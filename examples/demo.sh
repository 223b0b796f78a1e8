#!/bin/sh
# demo.sh: the whole pipeline on the bundled example, against sp's own
# emulator of the Spotify Web API (nothing leaves this machine).
# Run by "make demo"; the store is left in demo/sp.db to explore
# (sp-report, or sqlite3 demo/sp.db < examples/queries.sql), and the
# report page in demo/report.html.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
dir=$top/demo
rm -rf "$dir"
mkdir -p "$dir"
PATH=$top/bin:$PATH
export SP_DB="$dir/sp.db" XDG_CACHE_HOME="$dir/cache"
# The emulator checks these; they are demo values, not real credentials.
export SPOTIFY_CLIENT_ID=sp-demo SPOTIFY_CLIENT_SECRET=sp-demo-secret

sp-emulator --port-file "$dir/port" --log "$dir/requests.log" \
    --latency 20 "$top/examples" 2>"$dir/emulator.err" &
emu=$!
trap 'kill $emu 2>/dev/null; wait $emu 2>/dev/null' EXIT INT TERM
i=0
while [ ! -s "$dir/port" ]; do
	i=$((i + 1))
	[ $i -le 100 ] || { cat "$dir/emulator.err" >&2; exit 1; }
	sleep 0.05
done
port=$(cat "$dir/port")
export SP_API_URL="http://127.0.0.1:$port/v1"
export SP_TOKEN_URL="http://127.0.0.1:$port/api/token"

echo "== sp demo: the bundled example against the emulator on port $port"
# The whole job: load, enrich, and the audit's verdict (sp-audit -q).
sp-enrich "$top/examples/export"
echo
echo "== the store: $SP_DB (SQL examples: examples/queries.sql)"
sp-report families
echo
sp-report decades
sp-report html > "$dir/report.html"
echo
echo "== the page: $dir/report.html"
