#!/usr/bin/env bash
# enrich.sh EXPORT_FILE...: the whole sp run on a Spotify export.
#
# Loads the plays, enriches tracks (with their albums and artists), then
# artists (genres), and checks the result.  Against the real Web API:
#   export SPOTIFY_CLIENT_ID=... SPOTIFY_CLIENT_SECRET=...
#   examples/enrich.sh ~/Downloads/Spotify\ Extended\ Streaming\ History/*.json
# Against the emulator, set SP_API_URL and SP_TOKEN_URL first (demo.sh does).
# The store is $SP_DB (default ~/.local/share/sp/sp.db).  Safe to run again:
# it resumes where it stopped and fetches nothing twice.
set -eu -o pipefail
[ $# -gt 0 ] || { echo "usage: enrich.sh EXPORT_FILE..." >&2; exit 2; }

sp-history "$@" | sp-load
# Stop at the first step that did not finish: 75 means "come back later";
# what was fetched is kept either way.
run() {
	local s
	set +e
	sp-ids "$1" | sp-fetch | sp-normalize | sp-load
	s=("${PIPESTATUS[@]}")
	set -e
	for st in "${s[@]}"; do
		if [ "$st" -ne 0 ]; then
			echo "enrich.sh: $1: stopped (status $st); run again later" >&2
			exit "$st"
		fi
	done
}
run tracks
run artists
if command -v sp-audit >/dev/null 2>&1; then
	sp-audit
fi
