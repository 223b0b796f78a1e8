#!/usr/bin/env bash
# crash-trials.sh [N] [M]: N times, sp-load on a large stream (plays,
# tracks, albums, artists) killed with SIGKILL at a random moment; each
# time PRAGMA integrity_check must say ok, and loading the same stream
# again must give exactly what one uninterrupted load gives.  Then M
# times (default N / 4), the whole pipeline sp-ids | sp-fetch (against
# sp-emulator) | sp-normalize | sp-load killed part-way: the store must
# be intact, the re-run must request from the emulator exactly the ids
# still pending (nothing fetched twice that had landed), and end with
# the store of an uninterrupted run.  SP_BIN names the programs (default
# ../bin).  Prints one line per failure and a last line "crash-trials:
# N passed, N failed (K killed mid-run)" (the others ended before their
# kill came: they still check that loading twice changes nothing); exits
# 1 on any failure.
# SIZE (default 20000 plays) sets the stream's size.
set -u
here=$(cd "$(dirname "$0")" && pwd)
PATH="${SP_BIN:-$here/../bin}:$PATH"
N=${1:-200}
M=${2:-$(( (N + 3) / 4 ))}
SIZE=${SIZE:-20000}
W=$(mktemp -d) || exit 3
emu=
trap '[ -z "$emu" ] || kill "$emu" 2>/dev/null; rm -rf "$W"' EXIT
export SOURCE_DATE_EPOCH=1795514400 HOME="$W/home" XDG_CACHE_HOME="$W/cache"
export SPOTIFY_CLIENT_ID=trials SPOTIFY_CLIENT_SECRET=trials-secret
unset http_proxy https_proxy all_proxy HTTPS_PROXY ALL_PROXY SP_DB
passed=0 failed=0 killed=0

fail() { echo "crash-trials: $*" >&2; failed=$((failed + 1)); }

# content DB: every row of every table, sorted: the same for two stores
# that hold the same data, whatever order it came in.
content() {
	local t
	for t in $(sqlite3 "$1" "SELECT name FROM sqlite_master WHERE
	    type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"); do
		echo "== $t"
		sqlite3 -nullvalue NULL "$1" "SELECT * FROM \"$t\"" | LC_ALL=C sort
	done
}

# at_random SECONDS: a random time in [0.02, 0.9) * SECONDS, for sleep:
# the kill comes while the run still has work.
at_random() { awk -v s="$1" -v r="$RANDOM$RANDOM" 'BEGIN { srand(r); printf "%.3f", (0.02 + rand() * 0.88) * s }'; }

# intact WHAT DB: PRAGMA integrity_check says ok, else a failure.
intact() {
	local ic
	ic=$(sqlite3 "$2" 'PRAGMA integrity_check' 2>&1)
	[ "$ic" = ok ] || fail "$1: integrity_check: $ic"
	[ "$ic" = ok ]
}

# same WHAT DB REF WHOSE: DB holds exactly REF's content, else a failure.
same() {
	content "$2" | cmp -s - "$3" && return 0
	fail "$1: the store differs from $4"
	return 1
}

# pipeline DB KIND...: sp-ids | sp-fetch | sp-normalize | sp-load for each KIND.
pipeline() {
	local k
	for k in "${@:2}"; do
		sp-ids -q -d "$1" "$k" | sp-fetch -q | sp-normalize 2>/dev/null |
		    sp-load -q -d "$1" || return
	done
}

# The data: a catalog, its export, the emulator serving it, and the
# reference store of one uninterrupted run.
tracks=$((SIZE / 10))
sp-gen -s 15 -t "$tracks" -n "$SIZE" -m $((tracks / 50)) "$W/gen" || exit 3
sp-history -q "$W"/gen/export/*.json >"$W/plays.ndjson" || exit 3
sp-emulator --port-file "$W/port" --log "$W/emu.log" "$W/gen/catalog" \
    2>"$W/emu.err" &
emu=$!
for _ in $(seq 100); do [ -s "$W/port" ] && break; sleep 0.05; done
[ -s "$W/port" ] || { cat "$W/emu.err" >&2; exit 3; }
export SP_API_URL="http://127.0.0.1:$(cat "$W/port")/v1" \
    SP_TOKEN_URL="http://127.0.0.1:$(cat "$W/port")/api/token"

sp-load -q -d "$W/plays.db" "$W/plays.ndjson" || exit 3
cp "$W/plays.db" "$W/ref.db"
pipeline "$W/ref.db" tracks albums artists || exit 3
content "$W/ref.db" >"$W/ref.content"
# The stream for sp-load: plays, then what the pipeline loaded.
{
	cat "$W/plays.ndjson"
	for k in tracks albums artists; do
		sp-ids -q --all -d "$W/ref.db" "$k" | sp-fetch -q | sp-normalize
	done
} >"$W/stream.ndjson" 2>/dev/null
rm -f "$W/s.db"*
sp-load -q -d "$W/s.db" "$W/stream.ndjson" || exit 3
content "$W/s.db" >"$W/stream.content"
# How long a load takes: the fastest of three, so that the kill comes
# before the end even when the machine is less busy than then.
T=
for _ in 1 2 3; do
	s=$(date +%s.%N)
	rm -f "$W/s.db"*
	sp-load -q -b 1000 -d "$W/s.db" <"$W/stream.ndjson"
	T=$(awk -v a="$s" -v b="$(date +%s.%N)" -v t="$T" \
	    'BEGIN { d = b - a; print (t == "" || d < t) ? d : t }')
done
echo "crash-trials: $(wc -l <"$W/stream.ndjson") records, $T s a load; $N sp-load trials, $M pipeline trials" >&2

for ((i = 1; i <= N; i++)); do
	db=$W/t.db
	rm -f "$db" "$db"-*
	# Commits every 1000 records: the kill finds some in, some not.
	sp-load -q -b 1000 -d "$db" <"$W/stream.ndjson" &
	pid=$!
	sleep "$(at_random "$T")"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	[ $? -ne 137 ] || killed=$((killed + 1))
	intact "sp-load trial $i" "$db" || continue
	if ! sp-load -q -d "$db" "$W/stream.ndjson"; then
		fail "sp-load trial $i: the second load failed"
		continue
	fi
	same "sp-load trial $i" "$db" "$W/stream.content" "one load's" ||
	    continue
	passed=$((passed + 1))
done

# The whole pipeline, over the tracks: how long it takes.
cp "$W/plays.db" "$W/p.db"
s=$(date +%s.%N)
pipeline "$W/p.db" tracks
P=$(awk -v a="$s" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
for ((i = 1; i <= M; i++)); do
	db=$W/p.db
	rm -f "$db" "$db"-*
	cp "$W/plays.db" "$db"
	setsid bash -c "$(declare -f pipeline); pipeline '$db' tracks" \
	    2>/dev/null &
	pid=$!
	sleep "$(at_random "$P")"
	kill -9 -- -"$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	[ $? -ne 137 ] || killed=$((killed + 1))
	intact "pipeline trial $i" "$db" || continue
	sp-ids -q -d "$db" tracks | jq -r .id | LC_ALL=C sort >"$W/pending"
	n=$(wc -l <"$W/emu.log")
	if ! pipeline "$db" tracks albums artists; then
		fail "pipeline trial $i: the re-run failed"
		continue
	fi
	# The track requests of the re-run: exactly the pending ids.
	tail -n +$((n + 1)) "$W/emu.log" | jq -r 'select(.method == "GET")
	    | .path | select(startswith("/v1/tracks/")) | ltrimstr("/v1/tracks/")' |
	    LC_ALL=C sort >"$W/asked"
	if ! cmp -s "$W/asked" "$W/pending"; then
		fail "pipeline trial $i: the re-run asked for $(wc -l <"$W/asked") tracks, $(wc -l <"$W/pending") were pending"
		continue
	fi
	same "pipeline trial $i" "$db" "$W/ref.content" \
	    "an uninterrupted run's" || continue
	passed=$((passed + 1))
done
echo "crash-trials: $passed passed, $failed failed ($killed killed mid-run)"
[ "$failed" -eq 0 ]
