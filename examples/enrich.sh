#!/bin/sh
# enrich.sh EXPORT_FILE...: the whole sp run on a Spotify export.
#
# Loads the plays, enriches tracks (with their albums and artists), then
# artists (genres), and checks the result.  Against the real Web API:
#   export SPOTIFY_CLIENT_ID=... SPOTIFY_CLIENT_SECRET=...
#   examples/enrich.sh ~/Downloads/Spotify\ Extended\ Streaming\ History/*.json
# Against the emulator, set SP_API_URL and SP_TOKEN_URL first (demo.sh does).
# The store is $SP_DB (default ~/.local/share/sp/sp.db).  Safe to run again:
# it resumes where it stopped and fetches nothing twice.
set -eu
[ $# -gt 0 ] || { echo "usage: enrich.sh EXPORT_FILE..." >&2; exit 2; }

sp-history "$@" | sp-load
# A status of 75 means "come back later": keep what was fetched and stop.
run() {
	set +e
	sp-ids "$1" | sp-fetch | sp-normalize | sp-load
	s=$?
	set -e
	[ "$s" -eq 0 ] || { echo "enrich.sh: $1: stopped ($s); run again later" >&2; exit "$s"; }
}
run tracks
run artists
if command -v sp-audit >/dev/null 2>&1; then
	sp-audit
fi
