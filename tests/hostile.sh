#!/usr/bin/env bash
# hostile.sh [small|full]: every hostile input of tests/hostile.py (binary
# garbage, NUL bytes, invalid UTF-8, huge and negative numbers, dates
# before 1970 and after 9999, duplicate keys, an array for an object, a
# line over the limit (100 MB when full), 100,000 keys in one object,
# 100,000 artists on a track, 100,000-deep nesting; 1/10 of those when
# small) between two good records, through every reader: sp-load,
# sp-normalize, sp-history (as a JSON array) and sp-fetch (against
# sp-emulator).  Each run must end in time (60 s small, 600 s full)
# with exit 0 or 1 (sp-fetch: 0, 1 or 75, its good ids being in no
# catalog), no sanitizer report, a message "PROG: FILE:LINE: ..." when
# it rejects something, and both good records through.  SP_BIN names
# the programs (make hostile uses the ASan+UBSan build).  One line per
# run, then "hostile: N passed, N failed".
set -u
here=$(cd "$(dirname "$0")" && pwd)
PATH="${SP_BIN:-$here/../bin}:$PATH"
scale=${1:-small}
limit=60
[ "$scale" = small ] || limit=600
W=$(mktemp -d) || exit 3
emu=
trap '[ -z "$emu" ] || kill "$emu" 2>/dev/null; rm -rf "$W"' EXIT
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export SOURCE_DATE_EPOCH=1795514400 HOME="$W/home" XDG_CACHE_HOME="$W/cache"
export SPOTIFY_CLIENT_ID=hostile SPOTIFY_CLIENT_SECRET=hostile-secret
unset http_proxy https_proxy all_proxy SP_DB
passed=0 failed=0
G0=5zr3QA7YeEEBY3ABp3e2zS G1=0123456789ABCDEFGHIJab

cases=$(python3 "$here/hostile.py" "$W" "$here/fixtures" "$scale") || exit 3
sp-gen -s 1 -t 5 -n 5 "$W/gen" >/dev/null || exit 3
sp-emulator --port-file "$W/port" "$W/gen/catalog" 2>"$W/emu.err" &
emu=$!
for _ in $(seq 100); do [ -s "$W/port" ] && break; sleep 0.05; done
[ -s "$W/port" ] || { cat "$W/emu.err" >&2; exit 3; }
export SP_API_URL="http://127.0.0.1:$(cat "$W/port")/v1" \
    SP_TOKEN_URL="http://127.0.0.1:$(cat "$W/port")/api/token"

# landed READER CASE: whether both good records got through.
landed() {
	case $1 in
	load)	[ "$(sqlite3 "$W/db" "SELECT count(*) FROM tracks WHERE
		    id IN ('$G0', '$G1') AND name = 'Paper Lanterns'")" = 2 ] ;;
	normalize|fetch)
		[ "$(jq -r '.id' "$W/out" 2>/dev/null |
		    grep -c -x -e "$G0" -e "$G1")" -ge 2 ] ;;
	history)
		# Binary garbage holds ']' and ',': it ends the array, and
		# what follows cannot be read as its entries; the entries
		# before it must land.
		jq -r '.ts' "$W/out" 2>/dev/null | grep -q -x 2024-06-02T18:40:00Z &&
		    { [ "$2" = garbage ] || jq -r '.ts' "$W/out" |
		    grep -q -x 2024-06-02T18:41:00Z; } ;;
	esac
}

for c in $cases; do
	for r in load normalize history fetch; do
		f=$W/$c.$r
		rm -f "$W/db"* "$W/out"
		s=$(date +%s.%N)
		case $r in
		load)	timeout "$limit" sp-load -d "$W/db" "$f" ;;
		normalize) timeout "$limit" sp-normalize "$f" ;;
		history) timeout "$limit" sp-history "$f" ;;
		fetch)	timeout "$limit" sp-fetch --retries 0 "$f" ;;
		esac >"$W/out" 2>"$W/err"
		st=$?
		t=$(awk -v a="$s" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
		why=
		prog=sp-$r
		if grep -q -E 'Sanitizer|runtime error' "$W/err"; then
			why="sanitizer report: $(grep -m1 -E 'Sanitizer|runtime error' "$W/err")"
		elif [ "$st" -eq 124 ]; then
			why="no end within $limit s"
		elif [ "$st" -gt 1 ] && ! { [ "$r" = fetch ] && [ "$st" -eq 75 ]; }; then
			why="exit $st"
		elif [ "$st" -eq 1 ] && ! grep -q -E "^$prog: $f:[0-9]+: " "$W/err"; then
			why="exit 1 and no message naming $f and a line"
		elif ! landed "$r" "$c"; then
			why="the good records did not both get through"
		fi
		msg=$(grep -m1 -E "^$prog: $f:[0-9]+: " "$W/err" |
		    sed "s|$W/||" | cut -c1-100)
		if [ -z "$why" ]; then
			passed=$((passed + 1))
			echo "hostile: $c $prog: ok, exit $st, $t s${msg:+: $msg}"
		else
			failed=$((failed + 1))
			echo "hostile: $c $prog: FAILED: $why (exit $st, $t s)"
			sed 's/^/#   /' "$W/err" | head -5 | cut -c1-200
		fi
	done
done
# An export that is an object, not an array.
timeout "$limit" sp-history "$W/object.history" >"$W/out" 2>"$W/err"
st=$?
if [ "$st" -eq 1 ] && grep -q -x "sp-history: $W/object.history:1: not a JSON array" "$W/err"; then
	passed=$((passed + 1))
	echo "hostile: object-for-array sp-history: ok, exit 1: not a JSON array"
else
	failed=$((failed + 1))
	echo "hostile: object-for-array sp-history: FAILED (exit $st)"
fi
echo "hostile: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
