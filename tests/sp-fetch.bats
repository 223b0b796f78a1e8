#!/usr/bin/env bats
# sp-fetch: ids in, the API's objects out, against sp-emulator and its
# faults.  Every test runs with the canary secret below, which must never
# show in a file a test leaves, nor in what it captured (see teardown).
load helper

F="$BATS_TEST_DIRNAME/fixtures/sp-fetch"
CANARY=canary-7f3a9c			# the client secret of every test
NOID=0000000000000000000000		# well-formed, in no catalog
TS=2026-11-24T10:00:00Z			# SOURCE_DATE_EPOCH, as fetched_at

setup_file() {
	sp-gen -s 1 -t 150 -n 300 -m 3 "$BATS_FILE_TMPDIR/gen" >&3
	export EMU_CATALOG="$BATS_FILE_TMPDIR/gen/catalog"
	export PLAYS="$BATS_FILE_TMPDIR/plays.ndjson"
	sp-history -q "$BATS_FILE_TMPDIR"/gen/export/*.json >"$PLAYS"
}

setup() {
	sp_setup
	export SPOTIFY_CLIENT_ID=sp-test-client SPOTIFY_CLIENT_SECRET=$CANARY
	# libcurl goes straight to the emulator, never through a proxy.
	unset http_proxy https_proxy HTTPS_PROXY all_proxy ALL_PROXY \
	    no_proxy NO_PROXY
	T=$BATS_TEST_TMPDIR
}

teardown() {
	emu_stop
	[ -z "${STUB_PID:-}" ] || { kill "$STUB_PID"; wait "$STUB_PID"; } ||
	    true
	no_canary "$BATS_TEST_TMPDIR"
}

# no_canary DIR...: no file under DIR (but the *.secret files that hold
# it on purpose) contains a test secret, nor does the last captured
# output.  The files include every stderr that run --separate-stderr
# captured, the emulator's log and stderr, the cache and the database.
no_canary() {
	local hits

	hits=$(grep -r -a -l -F -e canary- --exclude='*.secret' "$@" || true)
	if [ -n "$hits" ] || [[ "${output:-}${stderr:-}" == *canary-* ]]; then
		echo "a secret leaked into: ${hits:-the captured output}" >&2
		return 1
	fi
}

# recs KIND N: id records of the first N KIND objects of the catalog.
recs() {
	jq -c --arg k "$1" '{type: $k, id}' "$EMU_CATALOG/$1s.ndjson" |
	    head -n "$2"
}

# nth KIND N: the id of the Nth KIND object of the catalog.
nth() { sed -n "$2p" "$EMU_CATALOG/$1s.ndjson" | jq -r .id; }

# envelopes KIND [ID...]: the envelopes sp-fetch writes for these ids (all
# of the catalog's KIND objects when none), the objects as the catalog has
# them, sorted.  Albums lose tracks.href and tracks.limit, which the
# emulator serves differently (see sorted).
envelopes() {
	local kind=$1
	shift
	jq -c --arg k "$kind" --arg ts "$TS" '
	    select($ARGS.positional == [] or
	    (.id | IN($ARGS.positional[]))) |
	    if $k == "album" then del(.tracks.href, .tracks.limit) else . end |
	    {type: $k, id, fetched_at: $ts, object: .}' \
	    "$EMU_CATALOG/${kind}s.ndjson" --args "$@" | LC_ALL=C sort
}

# sorted FILE: the lines of FILE, compacted and sorted, albums without
# tracks.href and tracks.limit.
sorted() {
	jq -c 'if .type == "album" and .object then
	    del(.object.tracks.href, .object.tracks.limit) else . end' "$1" |
	    LC_ALL=C sort
}

# gets [LOG]: the catalog requests of the emulator's log, "PATH[?QUERY]
# STATUS[ FAULT]" a line, in order.
gets() {
	jq -r 'select(.method == "GET") | "\(.path)" +
	    (if .query then "?" + .query else "" end) + " \(.status)" +
	    (if .fault then " " + .fault else "" end)' "${1:-$EMU_LOG}"
}

# tokens [LOG]: how many token requests the log has.
tokens() { grep -c '"path":"/api/token"' "${1:-$EMU_LOG}" || true; }

# summary LINE: LINE without its time taken, "; N s" becoming "; T s".
summary() { sed -E 's/; [0-9]+ s$/; T s/' <<<"$1"; }

# lineno FILE ID: the number of the line of FILE that names ID.
lineno() { grep -n -F -- "$2" "$1" | cut -d: -f1; }

# retry_notices INPUT [RETRIES]: the retry notices that the failed
# requests of the log call for, in order, with the id's line of INPUT.
# The k-th failure of an id waits 2^(k-1) s with a jitter of 25%: 1 and 2
# s print as such, later waits as W (apply unjitter to what was printed).
retry_notices() {
	local input=$1 retries=${2:-5} id why k w
	declare -A n=()
	jq -r 'select(.method == "GET") |
	    (if .fault == "truncate" then "answer cut short"
	     elif .fault == "bad-json" then "invalid JSON in a 200 answer"
	     elif .fault == "hang" then "timed out"
	     elif .status >= 500 then "HTTP \(.status)" else empty end) as $why |
	    "\(.path | sub("^/v1/tracks/"; "")) \($why)"' "$EMU_LOG" |
	    while read -r id why; do
		k=$((${n[$id]:-0} + 1))
		n[$id]=$k
		case $k in 1) w=1 ;; 2) w=2 ;; *) w=W ;; esac
		echo "sp-fetch: stdin:$(lineno "$input" "$id"): track $id:" \
		    "$why, retrying in $w s ($((retries - k)) left)"
	done
}
unjitter() {
	sed -E 's/retrying in [0-9]+ s \(([0-2]) left\)$/retrying in W s (\1 left)/'
}

# paced N W [date]: the catalog requests of the log that came while a
# Retry-After was running, which sp-fetch must never send.  The emulator
# was started with --rate-limit N --window W.  Its log does not show
# Retry-After: it is recomputed by the emulator's rule, ceil(oldest + W -
# t) and at least 1, where t is the time of the 429 and oldest that of the
# Nth last request let through (20 ms of slack against rounding; the
# slack only ever shortens the wait).  With date, Retry-After was an
# HTTP-date, which ends on the whole second, floor(t) + that.  Requests
# logged within 0.1 s of a 429 were in flight when it was sent.
paced() {
	jq -r 'select(.path | startswith("/v1/")) | select(.status != 401) |
	    "\(.t) \(.status) \(.path)"' "$EMU_LOG" |
	    awk -v n="$1" -v w="$2" -v date="${3:-0}" '
	function ceil(x) { return x == int(x) ? x : x > 0 ? int(x) + 1 : int(x) }
	BEGIN { nb = acc = 0 }
	{
		t = $1 + 0
		for (i = 0; i < nb; i++)
			if (t > from[i] + 0.1 && t < until[i] - 0.05)
				printf "%s %s %s: %.3f s before the end of the " \
				    "Retry-After of the 429 at %.3f\n", $1, $2, $3,
				    until[i] - t, from[i]
		if ($2 == 429) {
			r = acc >= n ? ceil(ring[acc % n] + w - t - 0.02) : 1
			if (r < 1)
				r = 1
			from[nb] = t
			until[nb] = (date ? int(t - 0.02) : t) + r
			nb++
		} else
			ring[acc++ % n] = t
	}'
}

# store: a store with the plays of the generated export: 93 pending
# tracks, 3 of them missing from the catalog.
store() { sp-load -q "$PLAYS"; }

# normload FILE: sp-normalize FILE | sp-load, messages kept in FILE.load.
normload() {
	sp-normalize "$1" 2>"$1.load" | sp-load -q 2>>"$1.load"
}

@test "sp-fetch: id records, bare ids, spotify: URIs and open.spotify.com URLs: one envelope per distinct id, the object as sent" {
	emu_start
	t1=$(nth track 1) t2=$(nth track 2) t3=$(nth track 3)
	a1=$(nth artist 1)
	cat >"$T/in" <<-EOF
	{"type":"track","id":"$t1"}
	$t2
	spotify:track:$t3
	https://open.spotify.com/track/$t1?si=0a1b2c3d4e5f
	abc
	spotify:artist:$a1
	{"type":"track","id":"$t2"}
	  $t3
	https://open.spotify.com/artist/$a1
	EOF
	run -1 --separate-stderr sp-fetch <"$T/in"
	assert_equal "$(sorted <(echo "$output"))" \
	    "$(envelopes artist "$a1"; envelopes track "$t1" "$t2" "$t3")"
	# Whole lines, each the exact bytes of the envelope.
	assert_equal "${#lines[@]}" 4
	assert_equal "$(LC_ALL=C sort <<<"$output")" \
	    "$(envelopes artist "$a1"; envelopes track "$t1" "$t2" "$t3")"
	assert_equal "$(summary "$stderr")" \
	    'sp-fetch: stdin:5: not a Spotify track id: "abc"
sp-fetch: 4 fetched, 0 not found, 0 not fetched of 4 ids; 5 requests (1 for tokens), 0 answered 429, waited 0 s; T s'
	# One token, then one GET per distinct id; "abc" never reaches it.
	assert_equal "$(jq -r .path "$EMU_LOG" | sed -n 1p)" /api/token
	assert_equal "$(gets | LC_ALL=C sort)" "$(printf '%s 200\n' \
	    "/v1/artists/$a1" "/v1/tracks/$t1" "/v1/tracks/$t2" \
	    "/v1/tracks/$t3" | LC_ALL=C sort)"
	run -1 grep -c abc "$EMU_LOG"
}

@test "sp-fetch: malformed ids are reported with their line and never reach the server" {
	emu_start
	t1=$(nth track 1)
	cat >"$T/in" <<-EOF
	${t1%?}
	${t1}x
	${t1%?}-
	{"type":"track","id":"abc"}
	{"type":"album","id":"${t1%?}"}
	spotify:track:abc
	https://open.spotify.com/track/abc?si=x
	{"type":"playlist","id":"$t1"}
	{"type":"track"}
	EOF
	run -1 --separate-stderr sp-fetch <"$T/in"
	assert_output ''
	assert_equal "$(summary "$stderr")" \
	    "sp-fetch: stdin:1: not a Spotify track id: \"${t1%?}\"
sp-fetch: stdin:2: not a Spotify track id: \"${t1}x\"
sp-fetch: stdin:3: not a Spotify track id: \"${t1%?}-\"
sp-fetch: stdin:4: not a Spotify track id: \"abc\"
sp-fetch: stdin:5: not a Spotify album id: \"${t1%?}\"
sp-fetch: stdin:6: not a Spotify track id: \"spotify:track:abc\"
sp-fetch: stdin:7: not a Spotify track id: \"https://open.spotify.com/track/abc?si=x\"
sp-fetch: stdin:8: not a track, album or artist record: \"playlist\"
sp-fetch: stdin:9: not a Spotify track id: no \"id\"
sp-fetch: 0 fetched, 0 not found, 0 not fetched of 0 ids; 0 requests (0 for tokens), 0 answered 429, waited 0 s; T s"
	# Nothing to fetch: not even a token is asked for.
	[ ! -s "$EMU_LOG" ]
}

@test "sp-fetch: --type album, --type artist: the kind of bare ids; records, URIs and URLs keep theirs" {
	emu_start
	a1=$(nth artist 1) a2=$(nth artist 2) t1=$(nth track 1)
	al=$(jq -r 'select(.total_tracks < 50) | .id' \
	    "$EMU_CATALOG/albums.ndjson" | head -1)
	printf '%s\n' "$a1" "spotify:track:$t1" "{\"type\":\"album\",\"id\":\"$al\"}" \
	    "https://open.spotify.com/artist/$a2?si=x" abc >"$T/in"
	run -1 --separate-stderr sp-fetch --type artist <"$T/in"
	assert_equal "$(sorted <(echo "$output"))" "$(envelopes album "$al"
	    envelopes artist "$a1" "$a2"; envelopes track "$t1")"
	assert_equal "${stderr_lines[0]}" \
	    'sp-fetch: stdin:5: not a Spotify artist id: "abc"'
	assert_equal "$(gets | LC_ALL=C sort)" "$(printf '%s 200\n' \
	    "/v1/albums/$al" "/v1/artists/$a1" "/v1/artists/$a2" \
	    "/v1/tracks/$t1" | LC_ALL=C sort)"
	run -0 --separate-stderr sp-fetch -t album <<<"$al"
	assert_equal "$(sorted <(echo "$output"))" "$(envelopes album "$al")"
}

@test "sp-fetch: sp-ids tracks | sp-fetch: every pending track, as the emulator sent it, 404s as error records" {
	store
	emu_start
	sp-ids -q tracks >"$T/ids"
	run -0 --separate-stderr sp-fetch "$T/ids"
	assert_equal "$(jq -r .id "$T/ids" | LC_ALL=C sort)" \
	    "$(jq -r .id <<<"$output" | LC_ALL=C sort)"
	jq -c 'select(.object)' <<<"$output" | LC_ALL=C sort >"$T/got"
	envelopes track $(jq -r .id "$T/ids") >"$T/want"
	diff -u "$T/want" "$T/got"
	assert_equal "$(wc -l <"$T/want")" 90
	assert_equal "$(summary "$stderr")" \
	    'sp-fetch: 90 fetched, 3 not found, 0 not fetched of 93 ids; 94 requests (1 for tokens), 0 answered 429, waited 0 s; T s'
	assert_equal "$(gets | wc -l)" 93
}

@test "sp-fetch: 404: an error record keyed by the id; sp-normalize | sp-load marks it not_found" {
	store
	emu_start
	# The three tracks the export plays but the catalog lacks.
	sp-ids -q tracks | jq -r .id | LC_ALL=C sort >"$T/pending"
	jq -r .id "$EMU_CATALOG/tracks.ndjson" | LC_ALL=C sort >"$T/known"
	mapfile -t missing < <(LC_ALL=C comm -23 "$T/pending" "$T/known")
	assert_equal "${#missing[@]}" 3
	t1=$(nth track 1)
	printf '%s\n' "${missing[@]}" "$t1" >"$T/in"
	run -0 --separate-stderr sp-fetch <"$T/in"
	assert_equal "$(LC_ALL=C sort <<<"$output")" "$(for id in "${missing[@]}"; do
		echo "{\"type\":\"track\",\"id\":\"$id\",\"fetched_at\":\"$TS\",\"error\":{\"status\":404,\"message\":\"non existing id\"}}"
	    done; envelopes track "$t1")"
	assert_equal "$(summary "$stderr")" \
	    'sp-fetch: 1 fetched, 3 not found, 0 not fetched of 4 ids; 5 requests (1 for tokens), 0 answered 429, waited 0 s; T s'
	echo "$output" >"$T/out"
	normload "$T/out"
	run -0 sql "SELECT id || ' ' || status FROM tracks WHERE id IN
	    ('${missing[0]}', '${missing[1]}', '${missing[2]}', '$t1')
	    ORDER BY id"
	assert_equal "$output" "$(printf '%s not_found\n' "${missing[@]}"
	    echo "$t1 ok")"
	run -0 sp-ids -q --missing tracks
	assert_equal "$(jq -r .id <<<"$output" | grep -c -F -x \
	    -e "${missing[0]}" -e "${missing[1]}" -e "${missing[2]}")" 3
}

@test "sp-fetch: an album of more than 50 tracks: every page fetched once, all tracks merged, next null" {
	emu_start
	big=$(jq -r 'select(.total_tracks > 50) | .id' \
	    "$EMU_CATALOG/albums.ndjson" | head -1)
	total=$(jq -r "select(.id == \"$big\") | .total_tracks" \
	    "$EMU_CATALOG/albums.ndjson")
	assert [ "$total" -gt 50 ] && assert [ "$total" -le 100 ]
	small=$(nth album 1)
	printf '{"type":"album","id":"%s"}\n' "$big" "$small" >"$T/in"
	run -0 --separate-stderr sp-fetch <"$T/in"
	assert_equal "${#lines[@]}" 2
	assert_equal "$(sorted <(echo "$output"))" \
	    "$(envelopes album "$big" "$small")"
	run -0 jq -c "select(.id == \"$big\") | .object.tracks |
	    [(.items | length), .next, .total, .offset, .previous, .limit,
	    .href]" <<<"$output"
	assert_output "[$total,null,$total,0,null,50,\"http://127.0.0.1:$EMU_PORT/v1/albums/$big/tracks?offset=0&limit=50\"]"
	assert_equal "$(gets | LC_ALL=C sort)" "/v1/albums/$big 200
/v1/albums/$big/tracks?offset=50&limit=50 200
/v1/albums/$small 200"
}

@test "sp-fetch: relinking: the envelope is keyed by the id asked for, the object is the other track's" {
	t1=$(nth track 1) t2=$(nth track 2)
	emu_start --relink "$t1=$t2"
	run -0 --separate-stderr sp-fetch <<<"$t1"
	run -0 jq -c '[.id, .object.id, .object.linked_from.id]' <<<"$output"
	assert_output "[\"$t1\",\"$t2\",\"$t1\"]"
}

rate_limited() {
	emu_start --rate-limit 8 --window 2 "$@"
	export SP_RATE_WINDOW=2
	recs track 20 >"$T/in"
	run -0 --separate-stderr sp-fetch <"$T/in"
	# Every id fetched, each with one GET that got through.
	assert_equal "$(sorted <(echo "$output"))" \
	    "$(envelopes track $(jq -r .id "$T/in"))"
	assert_equal "$(gets | grep -v ' 429$' | LC_ALL=C sort)" \
	    "$(jq -r '"/v1/tracks/\(.id) 200"' "$T/in" | LC_ALL=C sort)"
	# The limit was hit, by few requests: those of the first burst that
	# were in flight (8 at most) and a few while the pace is learned.
	n429=$(gets | grep -c ' 429$')
	[ "$n429" -ge 1 ] && [ "$n429" -le 11 ]
	run -0 paced 8 2 "$([ "$1" != --retry-after-date ] || echo 1)"
	assert_output ''
	# A wait notice per pause, the summary last.
	n=${#stderr_lines[@]}
	[ "$n" -ge 2 ] && [ "$n" -le $((n429 + 1)) ]
	for ((i = 0; i < n - 1; i++)); do
		assert_regex "${stderr_lines[i]}" \
		    '^sp-fetch: rate limited \(HTTP 429\): every request waits [12] s$'
	done
	assert_regex "${stderr_lines[n - 1]}" "^sp-fetch: 20 fetched, 0 not found, 0 not fetched of 20 ids; $((21 + n429)) requests \\(1 for tokens\\), $n429 answered 429, waited [0-9]+ s; [0-9]+ s\$"
}

@test "sp-fetch: rate limit: every id once, few 429s, no request before Retry-After has passed" {
	rate_limited
}

@test "sp-fetch: rate limit with Retry-After as an HTTP-date: likewise" {
	rate_limited --retry-after-date
}

@test "sp-fetch: rate limit with 429s without a body: likewise" {
	rate_limited --empty-429
}

@test "sp-fetch: a 429 early in a fresh run: after the wait, no second burst; the next run starts at the learned pace" {
	emu_start --rate-limit 8 --window 2
	export SP_RATE_WINDOW=2
	recs track 24 >"$T/in"
	run -0 --separate-stderr sp-fetch -j 8 <"$T/in"
	assert_equal "$(sorted <(echo "$output"))" \
	    "$(envelopes track $(jq -r .id "$T/in"))"
	# Only the requests in flight when the limit was hit are refused:
	# each 429 comes before the first request sent after the wait.
	run -0 jq -s '[.[] | select(.method == "GET")] |
	    (map(select(.status == 429)) | length) as $n |
	    (map(select(.status == 429)) | map(.t) | max) as $last |
	    (map(select(.status == 429)) | map(.t) | min) as $first |
	    [$n <= 8, ([.[] | select(.t > $first + 1.5 and .status == 429)] |
	    length == 0)]' "$EMU_LOG"
	assert_output '[
  true,
  true
]'
	# A second run right away: no request refused.
	: >"$EMU_LOG"
	recs track 30 | tail -n 6 >"$T/in2"
	run -0 --separate-stderr sp-fetch -j 8 <"$T/in2"
	assert_equal "$(gets | grep -c ' 429$')" 0
}

@test "issue 13: a window it is not told (50 in 1 s): under 1% answered 429, and after the first wait every window filled to the limit" {
	emu_start --rate-limit 50 --window 1
	export SP_RATE_WINDOW=1
	# 250 ids the catalog does not hold: each a request answered 404.
	for ((i = 1; i <= 250; i++)); do printf '%022d\n' "$i"; done >"$T/in"
	run -0 --separate-stderr sp-fetch -j 2 -t track "$T/in"
	assert_equal "${#lines[@]}" 250
	# The request log: 250 let through, and the 429s of the first burst
	# only, those of the two in flight when the limit was hit.
	jq -r 'select(.method == "GET") | "\(.t) \(.status)"' "$EMU_LOG" \
	    >"$T/log"
	assert_equal "$(grep -c ' 404$' "$T/log")" 250
	n429=$(grep -c ' 429$' "$T/log")
	[ "$n429" -ge 1 ] && [ "$n429" -le 2 ]
	[ $((n429 * 100)) -lt $((250 + n429)) ]
	# Not slower than the window allows: after the first wait, the 50th
	# request let through after any other comes within the window (and
	# 5% of it), where an even pace below the limit takes longer.
	run -0 awk '
	$2 == 429 { if (!w) w = $1; next }
	w && $1 > w { t[n++] = $1 }
	END {
		if (n < 150) { print "only " n " after the wait"; exit 1 }
		for (i = 0; i + 50 < n; i++)
			if (t[i + 50] - t[i] > 1.05)
				printf "%d: %.3f s for 50\n", i, t[i + 50] - t[i]
	}' "$T/log"
	assert_output ''
}

@test "sp-fetch: 429s without Retry-After: it waits 1 s, then 2 s, ...; every id once" {
	emu_start --rate-limit 3 --window 2 --no-retry-after
	export SP_RATE_WINDOW=2
	recs track 7 >"$T/in"
	run -0 --separate-stderr sp-fetch -j 1 <"$T/in"
	assert_equal "$(sorted <(echo "$output"))" \
	    "$(envelopes track $(jq -r .id "$T/in"))"
	assert_equal "$(gets | grep -v ' 429$' | LC_ALL=C sort)" \
	    "$(jq -r '"/v1/tracks/\(.id) 200"' "$T/in" | LC_ALL=C sort)"
	assert_equal "${stderr_lines[0]}" \
	    'sp-fetch: rate limited (HTTP 429): every request waits 1 s'
	# After the k-th 429 in a row, nothing is sent for 2^(k-1) s.
	run -0 jq -rs '[.[] | select(.method == "GET")] as $r |
	    [range(0; $r | length - 1) | select($r[.].status == 429) |
	    . as $i | [$i | until(. == 0 or $r[. - 1].status != 429; . - 1)] |
	    ($i - .[0]) as $k | select($r[$i + 1].t - $r[$i].t <
	    pow(2; $k) - 0.05)] | length' "$EMU_LOG"
	assert_output 0
	[ "$(gets | grep -c ' 429$')" -ge 1 ]
}

@test "sp-fetch: --rate: at most r requests a second" {
	emu_start
	recs track 11 >"$T/in"
	run -0 --separate-stderr sp-fetch --rate 10 <"$T/in"
	assert_equal "${#lines[@]}" 11
	# 11 requests at 10 a second span a second at least.
	run -0 jq -s '[.[] | select(.method == "GET") | .t] |
	    (max - min) >= 0.95' "$EMU_LOG"
	assert_output true
}

@test "sp-fetch: -j 1: each request starts as soon as the previous one is answered" {
	emu_start
	recs track 20 >"$T/in"
	run -0 --separate-stderr sp-fetch -j 1 <"$T/in"
	assert_equal "${#lines[@]}" 20
	# The emulator answers at once: no gap between requests is idle.
	run -0 jq -s '[.[] | select(.method == "GET") | .t] | . as $t |
	    [range(1; length) | $t[.] - $t[. - 1]] | max < 0.1' "$EMU_LOG"
	assert_output true
}

@test "sp-fetch: the daily quota: exit 75 after the quota, records kept; a re-run waits, then completes without refetching" {
	store
	emu_start --quota 30
	# Most listened first: the three missing tracks come last (82nd and
	# after), so the first requests are all for tracks the API has.
	sp-ids -q tracks >"$T/ids1"
	run -75 --separate-stderr sp-fetch <"$T/ids1"
	echo "$output" >"$T/out1"
	# Exactly the 30 answers the quota allowed are written, whole.
	assert_equal "${#lines[@]}" 30
	assert_equal "$(gets | grep -c -v ' 429$')" 30
	assert_equal "$(jq -r .id "$T/out1" | LC_ALL=C sort)" \
	    "$(jq -r 'select(.method == "GET") |
	    select(.status == 200 or .status == 404) |
	    .path | ltrimstr("/v1/tracks/")' "$EMU_LOG" | LC_ALL=C sort)"
	# Then 429 QUOTA_EXCEEDED, to the requests in flight only.
	n429=$(gets | grep -c ' 429$')
	[ "$n429" -ge 1 ] && [ "$n429" -le 8 ]
	assert_equal "${#stderr_lines[@]}" 2
	re='^sp-fetch: Spotify daily quota exhausted; retry after ([0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}) UTC \((23h59m|24h00m)\); 63 ids not fetched; run the same command again then to resume$'
	assert_regex "${stderr_lines[0]}" "$re"
	[[ ${stderr_lines[0]} =~ $re ]]
	when=$(date -u -d "${BASH_REMATCH[1]}" +%s)
	now=$(date +%s)
	[ $((when - now)) -ge $((86400 - 120)) ] && [ $((when - now)) -le 86400 ]
	assert_regex "$(summary "${stderr_lines[1]}")" "^sp-fetch: 30 fetched, 0 not found, 63 not fetched of 93 ids; $((31 + n429)) requests \\(1 for tokens\\), $n429 answered 429, waited 0 s; T s\$"
	# The store holds them; sp-ids lists exactly the rest.
	normload "$T/out1"
	sp-ids -q tracks >"$T/ids2"
	assert_equal "$(jq -r .id "$T/ids2" | LC_ALL=C sort)" \
	    "$(LC_ALL=C comm -23 <(jq -r .id "$T/ids1" | LC_ALL=C sort) \
	    <(jq -r .id "$T/out1" | LC_ALL=C sort))"
	# Run again before the day is over: no request at all, not even for
	# a token, and the same advice.
	lines0=$(wc -l <"$EMU_LOG")
	run -75 --separate-stderr sp-fetch <"$T/ids2"
	assert_output ''
	assert_equal "$(wc -l <"$EMU_LOG")" "$lines0"
	assert_regex "${stderr_lines[0]}" '^sp-fetch: Spotify asked an earlier run to wait until then; retry after [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} UTC \((23h5[89]m|24h00m)\); 63 ids not fetched; run the same command again then to resume$'
	assert_equal "$(summary "${stderr_lines[1]}")" \
	    'sp-fetch: 0 fetched, 0 not found, 63 not fetched of 63 ids; 0 requests (0 for tokens), 0 answered 429, waited 0 s; T s'
	# The quota is new, the API too (another port: the pacing state is
	# per API URL).  The second run fetches only what is left.
	emu_stop
	mv "$EMU_LOG" "$T/emu1.log"
	port1=$EMU_PORT
	emu_start
	if [ "$EMU_PORT" = "$port1" ]; then
		emu_stop
		emu_start
	fi
	run -0 --separate-stderr sp-fetch <"$T/ids2"
	echo "$output" >"$T/out2"
	assert_equal "$(gets | LC_ALL=C sort)" \
	    "$(jq -r '"/v1/tracks/\(.id)"' "$T/ids2" | LC_ALL=C sort |
	    while read -r p; do
		if grep -q -F "${p##*/}" "$EMU_CATALOG/tracks.ndjson"; then
			echo "$p 200"
		else
			echo "$p 404"
		fi
	    done)"
	assert_equal "$(summary "$stderr")" \
	    'sp-fetch: 60 fetched, 3 not found, 0 not fetched of 63 ids; 64 requests (1 for tokens), 0 answered 429, waited 0 s; T s'
	# Nothing was fetched twice; the store is complete.
	assert_equal "$(cat "$T/out1" "$T/out2" | jq -r .id | LC_ALL=C sort |
	    uniq -d)" ''
	normload "$T/out2"
	run -0 sp-ids -q tracks
	assert_output ''
}

@test "sp-fetch: a Retry-After longer than --max-wait stops the run: exit 75, what came is kept" {
	emu_start --rate-limit 2 --window 30
	recs track 5 >"$T/in"
	run -75 --separate-stderr sp-fetch -j 1 --max-wait 10 <"$T/in"
	assert_equal "$(jq -r .id <<<"$output")" "$(jq -r .id "$T/in" | head -2)"
	assert_equal "$(gets)" "$(jq -r '"/v1/tracks/\(.id)"' "$T/in" |
	    sed -n '1s/$/ 200/p; 2s/$/ 200/p; 3s/$/ 429/p')"
	assert_equal "${#stderr_lines[@]}" 2
	assert_regex "${stderr_lines[0]}" '^sp-fetch: Spotify asks to wait (29|30) s \(Retry-After\), longer than --max-wait 10 s; retry after [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} UTC \((29|30)s\); 3 ids not fetched; run the same command again then to resume$'
	assert_equal "$(summary "${stderr_lines[1]}")" \
	    'sp-fetch: 2 fetched, 0 not found, 3 not fetched of 5 ids; 4 requests (1 for tokens), 1 answered 429, waited 0 s; T s'
	# The default --max-wait is 120 s.
	emu_stop
	rm "$EMU_LOG" "$XDG_CACHE_HOME"/sp/pace-*.json
	emu_start --rate-limit 1 --window 200
	run -75 --separate-stderr sp-fetch -j 1 <"$T/in"
	assert_equal "${#lines[@]}" 1
	assert_regex "${stderr_lines[0]}" '^sp-fetch: Spotify asks to wait (199|200) s \(Retry-After\), longer than --max-wait 120 s; retry after .*; 4 ids not fetched; run the same command again then to resume$'
}

# transient ARGS...: fetch 10 tracks, one at a time, from an emulator
# started with ARGS; every id comes in the end, after a notice per retry.
transient() {
	emu_start "$@"
	recs track 10 >"$T/in"
	run -0 --separate-stderr sp-fetch -j 1 --timeout 1 <"$T/in"
	assert_equal "$(sorted <(echo "$output"))" \
	    "$(envelopes track $(jq -r .id "$T/in"))"
	notices=$(retry_notices "$T/in")
	[ -n "$notices" ]
	assert_equal "$(sed '$d' <<<"$stderr" | unjitter)" "$notices"
	n=$(wc -l <<<"$notices")
	assert_equal "$(summary "${stderr_lines[-1]}")" \
	    "sp-fetch: 10 fetched, 0 not found, 0 not fetched of 10 ids; $((11 + n)) requests (1 for tokens), 0 answered 429, waited 0 s; T s"
	assert_equal "$(gets | wc -l)" $((10 + n))
}

@test "sp-fetch: 502 and 503 pages are retried, a notice naming the id and its line each time" {
	transient --fail-every 4
	assert_regex "$notices" 'HTTP 502, retrying in 1 s \(4 left\)'
	assert_regex "$notices" 'HTTP 503, retrying in'
}

@test "sp-fetch: an answer cut short is retried" {
	transient --truncate-every 4
	assert_regex "$notices" '^sp-fetch: stdin:4: track [0-9A-Za-z]{22}: answer cut short, retrying in 1 s \(4 left\)'
}

@test "sp-fetch: invalid JSON in a 200 is retried" {
	transient --bad-json-every 4
	assert_regex "$notices" '^sp-fetch: stdin:4: track [0-9A-Za-z]{22}: invalid JSON in a 200 answer, retrying in 1 s \(4 left\)'
}

@test "sp-fetch: a stalled answer times out (--timeout) and is retried" {
	transient --hang-every 4
	assert_regex "$notices" '^sp-fetch: stdin:4: track [0-9A-Za-z]{22}: timed out, retrying in 1 s \(4 left\)'
}

@test "sp-fetch: a broken album page is retried; the album comes whole" {
	emu_start --bad-json-every 3
	big=$(jq -r 'select(.total_tracks > 50) | .id' \
	    "$EMU_CATALOG/albums.ndjson" | head -1)
	t1=$(nth track 1)
	printf '%s\n' "$t1" "{\"type\":\"album\",\"id\":\"$big\"}" >"$T/in"
	run -0 --separate-stderr sp-fetch -j 1 <"$T/in"
	assert_equal "$(sorted <(echo "$output"))" \
	    "$(envelopes album "$big"; envelopes track "$t1")"
	# The third answer, the album's second page, is broken.
	assert_equal "$(gets | sed -n 3p)" \
	    "/v1/albums/$big/tracks?offset=50&limit=50 200 bad-json"
	assert_equal "${stderr_lines[0]}" "sp-fetch: stdin:2: album $big: invalid JSON in a 200 answer, retrying in 1 s (4 left)"
	assert_equal "$(gets | tail -1)" \
	    "/v1/albums/$big/tracks?offset=50&limit=50 200"
}

@test "sp-fetch: an API host that refuses every first connection is a configuration error: one message naming the URL, exit 2, at once" {
	emu_start
	recs track 20 >"$T/in"
	export SP_API_URL=http://127.0.0.1:1/v1
	SECONDS=0
	run -2 --separate-stderr sp-fetch <"$T/in"
	[ "$SECONDS" -le 3 ]
	assert_output ''
	assert_equal "${#stderr_lines[@]}" 2
	assert_equal "${stderr_lines[0]}" 'sp-fetch: http://127.0.0.1:1/v1: connection refused to every first request: check SP_API_URL; nothing more is requested'
	assert_regex "${stderr_lines[1]}" '^sp-fetch: 0 fetched, 0 not found, 20 not fetched of 20 ids; [0-9]+ requests \(1 for tokens\), 0 answered 429, waited 0 s; [0-9]+ s$'
}

@test "sp-fetch: repeated identical retry messages are counted, not printed one per id" {
	emu_start --fail-every 1
	recs track 30 >"$T/in"
	run -75 --separate-stderr sp-fetch -j 4 --retries 1 <"$T/in"
	assert_output ''
	# Five of each kind of message are shown, the others counted.
	for why in 'HTTP 502' 'HTTP 503'; do
		shown=$(grep -c ": $why, retrying in" <<<"$stderr" || true)
		[ "$shown" -le 5 ]
		more=$(sed -n "s/^sp-fetch: $why: \([0-9]*\) more retries like the above, not shown one by one$/\1/p" <<<"$stderr")
		gone=$(grep -c ": $why, no retries left" <<<"$stderr" || true)
		[ "$gone" -le 5 ]
		moregone=$(sed -n "s/^sp-fetch: $why: \([0-9]*\) more ids given up on like the above, not shown one by one$/\1/p" <<<"$stderr")
		n=$((n + shown + ${more:-0}))
		g=$((g + gone + ${moregone:-0}))
	done
	# Every id failed once, was retried once and given up on.
	assert_equal "$n" 30
	assert_equal "$g" 30
	[ "${#stderr_lines[@]}" -le 25 ]
}

@test "sp-fetch: SP_API_URL that is not an http or https URL is said to be invalid: exit 2, no request" {
	emu_start
	recs track 2 >"$T/in"
	for url in htp://127.0.0.1:$EMU_PORT/v1 127.0.0.1:$EMU_PORT/v1 x; do
		SP_API_URL=$url run -2 --separate-stderr sp-fetch <"$T/in"
		assert_equal "$stderr" "sp-fetch: SP_API_URL is not a valid URL: \"$url\" (expected https://HOST/PATH, or http:// to a loopback address)"
	done
	[ ! -s "$EMU_LOG" ]
}

@test "sp-fetch: --retries 0: a failure is final, exit 75, the id stays pending in the store" {
	store
	emu_start --fail-every 2
	sp-ids -q --limit 4 tracks >"$T/in"
	ids=($(jq -r .id "$T/in"))
	run -75 --separate-stderr sp-fetch -j 1 --retries 0 <"$T/in"
	assert_equal "$(sorted <(echo "$output"))" \
	    "$(envelopes track "${ids[0]}" "${ids[2]}")"
	assert_equal "$(summary "$stderr")" \
	    "sp-fetch: stdin:2: track ${ids[1]}: HTTP 502, no retries left: not fetched, it stays pending
sp-fetch: stdin:4: track ${ids[3]}: HTTP 503, no retries left: not fetched, it stays pending
sp-fetch: 2 fetched, 0 not found, 2 not fetched of 4 ids; 5 requests (1 for tokens), 0 answered 429, waited 0 s; T s"
	assert_equal "$(gets | wc -l)" 4
	echo "$output" >"$T/out"
	normload "$T/out"
	run -0 sp-ids -q --limit 2 tracks
	assert_output "{\"type\":\"track\",\"id\":\"${ids[1]}\"}
{\"type\":\"track\",\"id\":\"${ids[3]}\"}"
}

@test "sp-fetch: credentials rejected: exit 5, one token request, no retry loop" {
	emu_start
	recs track 3 >"$T/in"
	SPOTIFY_CLIENT_SECRET=canary-wrong-5b2e run -5 --separate-stderr \
	    sp-fetch <"$T/in"
	assert_output ''
	assert_equal "$(summary "$stderr")" \
	    'sp-fetch: Spotify rejected the client credentials (invalid_client); check SPOTIFY_CLIENT_ID and the secret
sp-fetch: 0 fetched, 0 not found, 3 not fetched of 3 ids; 1 request (1 for tokens), 0 answered 429, waited 0 s; T s'
	run -0 jq -c '[.method, .path, .status]' "$EMU_LOG"
	assert_output '["POST","/api/token",400]'
	SPOTIFY_CLIENT_ID=another run -5 --separate-stderr sp-fetch <"$T/in"
	assert_equal "${stderr_lines[0]}" 'sp-fetch: Spotify rejected the client credentials (invalid_client); check SPOTIFY_CLIENT_ID and the secret'
	assert_equal "$(tokens)" 2
	assert_equal "$(gets)" ''
}

@test "sp-fetch: no client id, no secret: exit 5 with the message, no request" {
	emu_start
	recs track 1 >"$T/in"
	unset SPOTIFY_CLIENT_ID
	run -5 --separate-stderr sp-fetch <"$T/in"
	assert_output ''
	assert_equal "$stderr" 'sp-fetch: SPOTIFY_CLIENT_ID is not set: create an app at developer.spotify.com and export its Client ID'
	export SPOTIFY_CLIENT_ID=sp-test-client
	SPOTIFY_CLIENT_SECRET= run -5 --separate-stderr sp-fetch <"$T/in"
	assert_equal "$stderr" 'sp-fetch: no client secret: set SPOTIFY_CLIENT_SECRET or use --secret-file'
	[ ! -s "$EMU_LOG" ]
}

@test "sp-fetch: --secret-file: refused when others may read it, used when mode 0600" {
	emu_start
	recs track 2 >"$T/in"
	unset SPOTIFY_CLIENT_SECRET
	printf '%s\n' "$CANARY" >"$T/client.secret"
	chmod 0644 "$T/client.secret"
	run -5 --separate-stderr sp-fetch --secret-file "$T/client.secret" \
	    <"$T/in"
	assert_output ''
	assert_equal "$stderr" "sp-fetch: $T/client.secret: readable by others (mode 644): chmod 600 it first"
	chmod 0640 "$T/client.secret"
	run -5 --separate-stderr sp-fetch --secret-file "$T/client.secret" \
	    <"$T/in"
	assert_equal "$stderr" "sp-fetch: $T/client.secret: readable by others (mode 640): chmod 600 it first"
	[ ! -s "$EMU_LOG" ]
	chmod 0600 "$T/client.secret"
	run -0 --separate-stderr sp-fetch --secret-file "$T/client.secret" \
	    <"$T/in"
	assert_equal "${#lines[@]}" 2
	assert_equal "$(tokens)" 1
	run -5 --separate-stderr sp-fetch --secret-file "$T/none.secret" \
	    <"$T/in"
	assert_equal "$stderr" "sp-fetch: $T/none.secret: No such file or directory"
}

@test "sp-fetch: a token that expires mid-run is renewed once; every id is fetched" {
	emu_start --token-requests 15
	recs track 25 >"$T/in"
	run -0 --separate-stderr sp-fetch <"$T/in"
	assert_equal "$(sorted <(echo "$output"))" \
	    "$(envelopes track $(jq -r .id "$T/in"))"
	assert_equal "$(tokens)" 2
	assert_equal "$(gets | grep -c ' 200$')" 25
	# The 401s: those in flight with the old token, 8 at most.
	n401=$(gets | grep -c ' 401$' || true)
	[ "$n401" -ge 1 ] && [ "$n401" -le 8 ]
	assert_equal "$(summary "$stderr")" "sp-fetch: 25 fetched, 0 not found, 0 not fetched of 25 ids; $((27 + n401)) requests (2 for tokens), 0 answered 429, waited 0 s; T s"
}

@test "sp-fetch: the token is cached, mode 0600, and reused by the next run" {
	emu_start
	recs track 4 >"$T/in"
	run -0 --separate-stderr sp-fetch <"$T/in"
	assert_equal "$(tokens)" 1
	run -0 stat -c '%a %n' "$XDG_CACHE_HOME/sp" "$XDG_CACHE_HOME"/sp/token-*.json
	assert_output --regexp "^700 $XDG_CACHE_HOME/sp
600 $XDG_CACHE_HOME/sp/token-[0-9a-f]{16}\\.json\$"
	run -0 --separate-stderr sp-fetch <"$T/in"
	assert_equal "${#lines[@]}" 4
	assert_equal "$(tokens)" 1
	assert_equal "$(gets | wc -l)" 8
	assert_equal "$(summary "$stderr")" 'sp-fetch: 4 fetched, 0 not found, 0 not fetched of 4 ids; 4 requests (0 for tokens), 0 answered 429, waited 0 s; T s'
	run -0 stat -c '%a' "$XDG_CACHE_HOME"/sp/pace-*.json
	assert_output 600
	# A token about to expire (within a minute) is not reused.
	f=$(echo "$XDG_CACHE_HOME"/sp/token-*.json)
	jq -c --argjson t $(($(date +%s) + 30)) '.expires_at = $t' "$f" >"$T/tok"
	cp "$T/tok" "$f"
	rm "$T/tok"
	run -0 --separate-stderr sp-fetch <"$T/in"
	assert_equal "$(tokens)" 2
	# A cached token the API no longer knows (it restarted, on the same
	# port) gets a 401: one new token, and the request again.
	emu_stop
	rm "$EMU_LOG"
	emu_start -p "$EMU_PORT"
	run -0 --separate-stderr sp-fetch -j 1 <"$T/in"
	assert_equal "${#lines[@]}" 4
	run -0 jq -r '"\(.method) \(.path) \(.status)"' "$EMU_LOG"
	assert_output "$(jq -r '"GET /v1/tracks/\(.id) "' "$T/in" |
	    sed '1s/$/401\
POST \/api\/token 200\
GET \/v1\/tracks\/'"$(nth track 1)"' 200/; 2,$s/$/200/')"
}

# no_network: route any HTTP request sp-fetch might make through the
# emulator, as a proxy, so that the test never talks to another host and
# the emulator's log shows the attempt.
no_network() {
	export http_proxy="http://127.0.0.1:$EMU_PORT" \
	    https_proxy="http://127.0.0.1:$EMU_PORT" \
	    HTTPS_PROXY="http://127.0.0.1:$EMU_PORT" \
	    ALL_PROXY="http://127.0.0.1:$EMU_PORT"
}

@test "sp-fetch: credentials are never sent over plain http to a host that is not loopback: exit 2, no request" {
	emu_start
	no_network
	recs track 1 >"$T/in"
	SP_API_URL=http://api.sp-test.invalid/v1 run -2 --separate-stderr \
	    sp-fetch <"$T/in"
	assert_output ''
	assert_equal "$stderr" 'sp-fetch: refusing to send credentials to http://api.sp-test.invalid/v1: use https, or http to a loopback address'
	SP_TOKEN_URL=http://accounts.sp-test.invalid/api/token run -2 \
	    --separate-stderr sp-fetch <"$T/in"
	assert_equal "$stderr" 'sp-fetch: refusing to send credentials to http://accounts.sp-test.invalid/api/token: use https, or http to a loopback address'
	SP_API_URL=http://10.0.0.1:8080/v1 run -2 --separate-stderr \
	    sp-fetch <"$T/in"
	assert_equal "$stderr" 'sp-fetch: refusing to send credentials to http://10.0.0.1:8080/v1: use https, or http to a loopback address'
	[ ! -s "$EMU_LOG" ]
	[ ! -e "$XDG_CACHE_HOME/sp" ] || [ -z "$(ls "$XDG_CACHE_HOME/sp")" ]
}

@test "sp-fetch: SP_RATE_WINDOW out of range or not a number: exit 2, no request" {
	emu_start
	recs track 1 >"$T/in"
	for w in 0 3601 30s -1; do
		SP_RATE_WINDOW=$w run -2 --separate-stderr sp-fetch <"$T/in"
		assert_output ''
		assert_equal "$stderr" "sp-fetch: SP_RATE_WINDOW: expected seconds, 1 to 3600: $w"
	done
	[ ! -s "$EMU_LOG" ]
}

@test "sp-fetch: a host name that merely starts with 127. is not loopback" {
	emu_start
	no_network
	recs track 1 >"$T/in"
	SP_TOKEN_URL=http://127.0.0.1.sp-test.invalid/api/token run -2 \
	    --separate-stderr sp-fetch <"$T/in"
	assert_equal "$stderr" 'sp-fetch: refusing to send credentials to http://127.0.0.1.sp-test.invalid/api/token: use https, or http to a loopback address'
	SP_API_URL=http://127.0.0.1.sp-test.invalid/v1 run -2 \
	    --separate-stderr sp-fetch <"$T/in"
	assert_equal "$stderr" 'sp-fetch: refusing to send credentials to http://127.0.0.1.sp-test.invalid/v1: use https, or http to a loopback address'
	[ ! -s "$EMU_LOG" ]
}

@test "sp-fetch: --batch auto: 50 tracks a request, null slots are 404 error records" {
	emu_start
	{
		recs track 60
		echo "{\"type\":\"track\",\"id\":\"$NOID\"}"
		recs artist 5
	} >"$T/in"
	run -0 --separate-stderr sp-fetch --batch auto <"$T/in"
	jq -c 'select(.object)' <<<"$output" | LC_ALL=C sort >"$T/got"
	diff -u <(envelopes artist $(recs artist 5 | jq -r .id)
	    envelopes track $(recs track 60 | jq -r .id)) "$T/got"
	run -0 jq -c 'select(.error)' <<<"$output"
	assert_output "{\"type\":\"track\",\"id\":\"$NOID\",\"fetched_at\":\"$TS\",\"error\":{\"status\":404,\"message\":\"non existing id\"}}"
	# Batches only: 61 tracks in two, 5 artists in one, each id once.
	run -0 jq -r 'select(.method == "GET") |
	    "\(.path) \(.status) \(.query | ltrimstr("ids=") | split(",") | length)"' \
	    "$EMU_LOG"
	assert_equal "$(LC_ALL=C sort <<<"$output")" '/v1/artists 200 5
/v1/tracks 200 11
/v1/tracks 200 50'
	assert_equal "$(jq -r 'select(.query) | .query | ltrimstr("ids=") |
	    split(",")[]' "$EMU_LOG" | LC_ALL=C sort)" \
	    "$(jq -r .id "$T/in" | LC_ALL=C sort)"
}

@test "sp-fetch: --batch auto: an album of more than 50 tracks in a batch is completed from its pages" {
	emu_start
	big=$(jq -r 'select(.total_tracks > 50) | .id' \
	    "$EMU_CATALOG/albums.ndjson" | head -1)
	recs album 3 >"$T/in"
	echo "{\"type\":\"album\",\"id\":\"$big\"}" >>"$T/in"
	run -0 --separate-stderr sp-fetch --batch auto <"$T/in"
	assert_equal "$(sorted <(echo "$output"))" \
	    "$(envelopes album $(jq -r .id "$T/in"))"
	run -0 jq -c "select(.id == \"$big\") | .object.tracks |
	    [(.items | length) == .total, .next]" <<<"$output"
	assert_output '[true,null]'
	assert_equal "$(gets | grep -c "^/v1/albums/$big/tracks?offset=50&limit=50 200\$")" 1
}

# devmode OBJECT: OBJECT as the emulator serves it in Development Mode.
devmode() {
	jq -c 'walk(if type == "object" then del(.album_group,
	    .available_markets, .followers, .label, .linked_from, .popularity)
	    else . end)'
}

@test "sp-fetch: --batch auto in Development Mode: one 403, the notice, then one id per request" {
	emu_start --dev-mode
	recs track 30 >"$T/in"
	run -0 --separate-stderr sp-fetch --batch auto <"$T/in"
	assert_equal "$(sorted <(echo "$output"))" \
	    "$(envelopes track $(jq -r .id "$T/in") | devmode)"
	assert_equal "$(gets | sed -n 1p)" \
	    "/v1/tracks?ids=$(jq -r .id "$T/in" | paste -s -d,) 403"
	assert_equal "$(gets | sed 1d | LC_ALL=C sort)" \
	    "$(jq -r '"/v1/tracks/\(.id) 200"' "$T/in" | LC_ALL=C sort)"
	assert_equal "$(summary "$stderr")" 'sp-fetch: the batch endpoints answered HTTP 403: one id per request from now on
sp-fetch: 30 fetched, 0 not found, 0 not fetched of 30 ids; 32 requests (1 for tokens), 0 answered 429, waited 0 s; T s'
}

@test "sp-fetch: --batch auto in Development Mode: batches are probed once, not once per batch in flight" {
	emu_start --dev-mode
	{ recs track 60; recs artist 5; } >"$T/in"
	run -0 --separate-stderr sp-fetch --batch auto <"$T/in"
	assert_equal "${#lines[@]}" 65
	assert_equal "$(gets | grep -c ' 403$')" 1
	assert_equal "$(gets | wc -l)" 66
}

@test "sp-fetch: Development Mode objects are written as served: no popularity, followers, markets, label" {
	emu_start --dev-mode
	big=$(jq -r 'select(.total_tracks > 50) | .id' \
	    "$EMU_CATALOG/albums.ndjson" | head -1)
	{ recs track 3; recs artist 3
	    echo "{\"type\":\"album\",\"id\":\"$big\"}"; } >"$T/in"
	run -0 --separate-stderr sp-fetch <"$T/in"
	assert_equal "$(sorted <(echo "$output"))" "$(envelopes album "$big" |
	    devmode; envelopes artist $(recs artist 3 | jq -r .id) | devmode
	    envelopes track $(recs track 3 | jq -r .id) | devmode)"
	run -0 jq -r '.object | [paths | .[-1] | strings] | .[]' <<<"$output"
	refute_line popularity
	refute_line followers
	refute_line available_markets
	refute_line label
}

@test "sp-fetch: SP_API_URL to a path the server does not serve: 404 \"Service not found\" stops the run, exit 2, no id marked not found" {
	emu_start
	recs track 20 >"$T/in"
	SP_API_URL="http://127.0.0.1:$EMU_PORT/v2" run -2 --separate-stderr \
	    sp-fetch -j 1 <"$T/in"
	assert_output ''
	assert_equal "$(summary "$stderr")" 'sp-fetch: http://127.0.0.1:'"$EMU_PORT"'/v2 answered 404 "Service not found" to a request for one track: it is not the Spotify Web API; check SP_API_URL; nothing more is requested
sp-fetch: 0 fetched, 0 not found, 20 not fetched of 20 ids; 2 requests (1 for tokens), 0 answered 429, waited 0 s; T s'
	assert_equal "$(gets)" "/v2/tracks/$(nth track 1) 404"
	# With --batch auto: the batch probe's 404 means one id a request,
	# whose 404 stops the run the same way.
	: >"$EMU_LOG"
	SP_API_URL="http://127.0.0.1:$EMU_PORT/v2" run -2 --separate-stderr \
	    sp-fetch -j 1 -b auto <"$T/in"
	assert_output ''
	assert_equal "$(summary "$stderr")" 'sp-fetch: the batch endpoints answered HTTP 404: one id per request from now on
sp-fetch: http://127.0.0.1:'"$EMU_PORT"'/v2 answered 404 "Service not found" to a request for one track: it is not the Spotify Web API; check SP_API_URL; nothing more is requested
sp-fetch: 0 fetched, 0 not found, 20 not fetched of 20 ids; 2 requests (0 for tokens), 0 answered 429, waited 0 s; T s'
	assert_equal "$(gets | sed 's/?.*404/?ids 404/')" "/v2/tracks?ids 404
/v2/tracks/$(nth track 1) 404"
	# The right URL then fetches them all.
	run -0 --separate-stderr sp-fetch <"$T/in"
	assert_equal "$(sorted <(echo "$output"))" \
	    "$(envelopes track $(jq -r .id "$T/in"))"
}

# stub_start MODE: tests/fixtures/sp-fetch/stub.py as the API.
stub_start() {
	local i port
	command -v python3 >/dev/null || skip "python3 is needed for stub.py"
	[ -z "${STUB_PID:-}" ] || kill "$STUB_PID" 2>/dev/null || true
	rm -f "$T/stub.port" "$T/stub.log"
	python3 "$F/stub.py" "$1" "$T/stub.port" "$T/stub.log" 3>&- &
	STUB_PID=$!
	for ((i = 0; i < 100; i++)); do
		[ -s "$T/stub.port" ] && break
		sleep 0.05
	done
	port=$(cat "$T/stub.port")
	export SP_API_URL="http://127.0.0.1:$port/v1" \
	    SP_TOKEN_URL="http://127.0.0.1:$port/api/token"
}

@test "sp-fetch: an answer too long for a record line is not fetched, said so, and the run goes on: exit 75" {
	emu_start
	recs track 1 >"$T/in"
	# Over 8 MiB: refused as it arrives.
	stub_start big:$((8 * 1024 * 1024 + 1))
	run -75 --separate-stderr sp-fetch <"$T/in"
	assert_output ''
	assert_equal "$(summary "$stderr")" "sp-fetch: stdin:1: track $(nth track 1): answer longer than a record line may be (8 MiB): not fetched
sp-fetch: 0 fetched, 0 not found, 1 not fetched of 1 id; 2 requests (1 for tokens), 0 answered 429, waited 0 s; T s"
	# Under 8 MiB, but not with the record around it.
	stub_start big:$((8 * 1024 * 1024 - 40))
	run -75 --separate-stderr sp-fetch <"$T/in"
	assert_output ''
	assert_equal "$(summary "$stderr")" "sp-fetch: stdin:1: track $(nth track 1): its record would be longer than a record line may be (8 MiB): not fetched
sp-fetch: 0 fetched, 0 not found, 1 not fetched of 1 id; 2 requests (1 for tokens), 0 answered 429, waited 0 s; T s"
	# Short of the limit with its record: written, and sp-normalize reads it.
	stub_start big:$((8 * 1024 * 1024 - 120))
	run -0 --separate-stderr sp-fetch <"$T/in"
	# The record around the object: 93 bytes with its newline.
	assert_equal "$(printf '%s\n' "$output" | wc -c)" $((8 * 1024 * 1024 - 120 + 93))
	run -0 --separate-stderr sp-normalize <<<"$output"
	assert_equal "$(jq -r .type <<<"$output" | head -1)" track
}

@test "sp-fetch: a 403 to a single-id request stops the run: exit 5 and why" {
	stub_start forbidden
	recs track 20 >"$T/in"
	run -5 --separate-stderr sp-fetch -j 1 <"$T/in"
	assert_output ''
	assert_equal "$(summary "$stderr")" 'sp-fetch: Spotify answered 403 Forbidden to a single-id request: this app has lost access to the API (in Development Mode its owner needs an active Premium subscription); nothing more is requested
sp-fetch: 0 fetched, 0 not found, 20 not fetched of 20 ids; 2 requests (1 for tokens), 0 answered 429, waited 0 s; T s'
	assert_equal "$(gets "$T/stub.log")" "/v1/tracks/$(nth track 1) 403"
	# With 8 in flight, those already sent are all that is sent.
	: >"$T/stub.log"
	run -5 --separate-stderr sp-fetch <"$T/in"
	[ "$(gets "$T/stub.log" | wc -l)" -le 8 ]
}

# interrupted SIGNAL STATUS: stop a slow run with SIGNAL once it has
# written two records: exit STATUS, every line written is whole.
interrupted() {
	emu_start --latency 300
	recs track 30 >"$T/in"
	sp-fetch -j 2 <"$T/in" >"$T/out" 2>"$T/err" 3>&- &
	pid=$!
	for ((i = 0; i < 200; i++)); do
		[ "$(wc -l <"$T/out")" -ge 2 ] && break
		sleep 0.05
	done
	kill -"$1" "$pid"
	st=0
	wait "$pid" || st=$?
	assert_equal "$st" "$2"
	n=$(wc -l <"$T/out")
	[ "$n" -ge 2 ] && [ "$n" -lt 30 ]
	# Whole lines of valid JSON, the last one ended too.
	assert_equal "$(tail -c 1 "$T/out" | od -An -c | tr -d ' ')" '\n'
	assert_equal "$(jq -c 'select(.object.id == .id) | .id' "$T/out" |
	    wc -l)" "$n"
	assert_equal "$(sorted "$T/out")" \
	    "$(envelopes track $(jq -r .id "$T/out"))"
	# No message but the summary.
	run -0 cat "$T/err"
	assert_regex "$(summary "$output")" "^sp-fetch: $n fetched, 0 not found, $((30 - n)) not fetched of 30 ids; [0-9]+ requests \\(1 for tokens\\), 0 answered 429, waited 0 s; T s\$"
}

@test "sp-fetch: SIGTERM: exit 143, the records written are whole" {
	interrupted TERM 143
}

@test "sp-fetch: SIGINT: exit 130, the records written are whole" {
	interrupted INT 130
}

# waiting_on_429: start sp-fetch (pid) on 3 ids against an emulator that
# allows 1 request a minute, and return once it has been answered 429.
waiting_on_429() {
	emu_start --rate-limit 1 --window 60
	recs track 3 >"$T/in"
	sp-fetch -j 1 <"$T/in" >"$T/out" 2>"$T/err" 3>&- &
	pid=$!
	for ((i = 0; i < 200; i++)); do
		grep -q '"status":429' "$EMU_LOG" 2>/dev/null && break
		sleep 0.05
	done
}

@test "sp-fetch: SIGTERM during a Retry-After wait ends the run at once" {
	waiting_on_429
	start=$(date +%s%N)
	kill -TERM "$pid"
	st=0
	wait "$pid" || st=$?
	assert_equal "$st" 143
	# Within a second, not after the minute it was told to wait.
	[ $(($(date +%s%N) - start)) -lt 1000000000 ]
	assert_equal "$(jq -r .id "$T/out")" "$(nth track 1)"
	assert_equal "$(gets | wc -l)" 2
	assert_equal "$(sed -n 1p "$T/err")" 'sp-fetch: rate limited (HTTP 429): every request waits 60 s'
}

@test "sp-fetch: the summary counts the time waited, not the time it was told to wait" {
	waiting_on_429
	kill -TERM "$pid"
	wait "$pid" || true
	assert_regex "$(tail -1 "$T/err")" ', waited [01] s; [0-9]+ s$'
}

@test "sp-fetch: sp-fetch | head -1 ends quietly: killed by SIGPIPE, nothing on stderr" {
	emu_start
	# About 400 kB of records: more than a pipe holds.
	recs track 150 >"$T/in"
	run -0 --separate-stderr bash -c \
	    'sp-fetch <"$1" | head -1 | jq -r .type; echo "${PIPESTATUS[*]}"' \
	    _ "$T/in"
	assert_output 'track
141 0 0'
	assert_equal "$stderr" ''
}

@test "sp-fetch: with SIGPIPE ignored, a reader gone away still ends it quietly" {
	emu_start
	recs track 150 >"$T/in"
	run --separate-stderr bash -c \
	    'trap "" PIPE; sp-fetch <"$1" | head -1 | jq -r .type' _ "$T/in"
	assert_output 'track'
	refute_regex "$stderr" 'write error'
}

@test "sp-fetch: --progress shows progress on a pipe; -q keeps stderr empty; the summary otherwise ends it" {
	emu_start --latency 100
	recs track 12 >"$T/in"
	run -0 --separate-stderr sp-fetch --progress -j 2 <"$T/in"
	assert_equal "${#lines[@]}" 12
	assert_regex "$stderr" $'\r\033\\[Ksp-fetch: [0-9]+/12 ids, [0-9]+\\.[0-9] req/s'
	assert_regex "$stderr" 'ETA [0-9]'
	# The progress line is cleared before the summary, which ends it.
	assert_regex "$stderr" $'\r\033\\[Ksp-fetch: 12 fetched, 0 not found, 0 not fetched of 12 ids; 13 requests \\(1 for tokens\\), 0 answered 429, waited 0 s; [0-9]+ s$'
	run -0 --separate-stderr sp-fetch -q --progress <"$T/in"
	assert_equal "${#lines[@]}" 12
	assert_equal "$stderr" ''
	run -0 --separate-stderr sp-fetch --quiet <"$T/in"
	assert_equal "$stderr" ''
	# Not a terminal, no --progress: only the summary.
	run -0 --separate-stderr sp-fetch <"$T/in"
	assert_equal "$(summary "$stderr")" 'sp-fetch: 12 fetched, 0 not found, 0 not fetched of 12 ids; 12 requests (0 for tokens), 0 answered 429, waited 0 s; T s'
}

@test "sp-fetch: no ids: exit 0, no request at all" {
	emu_start
	run -0 --separate-stderr sp-fetch </dev/null
	assert_output ''
	assert_equal "$(summary "$stderr")" 'sp-fetch: 0 fetched, 0 not found, 0 not fetched of 0 ids; 0 requests (0 for tokens), 0 answered 429, waited 0 s; T s'
	[ ! -s "$EMU_LOG" ]
}

@test "sp-fetch: ids from files, named in messages; an unreadable file is exit 3" {
	emu_start
	recs track 2 >"$T/a.ndjson"
	printf 'abc\n' >"$T/b.ndjson"
	cd "$T"
	run -1 --separate-stderr sp-fetch a.ndjson b.ndjson
	assert_equal "${#lines[@]}" 2
	assert_equal "${stderr_lines[0]}" 'sp-fetch: b.ndjson:1: not a Spotify track id: "abc"'
	run -3 --separate-stderr sp-fetch a.ndjson none.ndjson
	assert_output ''
	assert_equal "$(summary "$stderr")" 'sp-fetch: none.ndjson: cannot open: No such file or directory
sp-fetch: 0 fetched, 0 not found, 2 not fetched of 2 ids; 0 requests (0 for tokens), 0 answered 429, waited 0 s; T s'
	assert_equal "$(gets | wc -l)" 2
}

@test "sp-fetch: --help lists the man page's options; usage errors exit 2; --version" {
	run -0 --separate-stderr sp-fetch --help
	assert_equal "$stderr" ''
	assert_equal "$(sp-fetch --help | help_options)" \
	    "$(man_options sp-fetch)"
	assert_equal "$(sp-fetch --help | help_synopsis | sed 's/ | /|/g')" \
	    "$(man_synopsis sp-fetch | sed 's/ | /|/g')"
	for args in '--jobs 0' '--jobs 65' '--batch maybe' '--type foo' \
	    '--retries 21' '--timeout 0' '--rate 0' \
	    '--max-wait -1' '-j x' '--bogus'; do
		run -2 --separate-stderr sp-fetch $args </dev/null
		assert_output ''
		assert_regex "$stderr" $'\nusage: sp-fetch '
	done
	run -2 --separate-stderr sp-fetch --jobs 0
	assert_equal "${stderr_lines[0]}" 'sp-fetch: --jobs is too small: 0'
	run -2 --separate-stderr sp-fetch --batch maybe
	assert_equal "${stderr_lines[0]}" 'sp-fetch: --batch is not auto or off: maybe'
	run -2 --separate-stderr sp-fetch --type foo
	assert_equal "${stderr_lines[0]}" 'sp-fetch: --type is not track, album or artist: foo'
	run -0 sp-fetch -V
	assert_output 'sp-fetch 0.1.0'
}

@test "sp-fetch: the canary secret is in no output, log, cache or store of a whole session" {
	# The tests above checked their own files in teardown; this one runs
	# the whole chain, then looks at the files of every test of this run.
	store
	emu_start --token-requests 20 --fail-every 9 --quota 60
	printf '%s\n' "$CANARY" >"$T/client.secret"
	chmod 600 "$T/client.secret"
	sp-ids -q tracks >"$T/ids"
	run -75 --separate-stderr env -u SPOTIFY_CLIENT_SECRET sp-fetch \
	    --progress --secret-file "$T/client.secret" "$T/ids"
	echo "$output" >"$T/out"
	normload "$T/out"
	run -0 stat -c '%a' "$XDG_CACHE_HOME"/sp/token-*.json
	assert_output 600
	emu_stop
	[ -s "$EMU_LOG" ] && [ -s "$SP_DB" ]
	no_canary "$T"
	# Every test's directory of this run (they are kept until it ends).
	no_canary "${BATS_TEST_TMPDIR%/*}"
}

@test "sp-fetch: Spotify rejects fresh tokens too: one renewal, then exit 5 with the message" {
	SPOTIFY_CLIENT_ID=cid SPOTIFY_CLIENT_SECRET=canary-7f3a9c emu_start --revoke-tokens
	export SPOTIFY_CLIENT_ID=cid SPOTIFY_CLIENT_SECRET=canary-7f3a9c
	run -5 --separate-stderr bash -c "sed -n 1p '$EMU_CATALOG/tracks.ndjson' | jq -r .id | sp-fetch -j 1"
	assert_output ''
	assert_equal "${stderr%%$'\n'*}" 'sp-fetch: Spotify rejects new access tokens (HTTP 401)'
	run jq -s '[.[] | select(.path == "/api/token")] | length' "$EMU_LOG"
	assert_output '2'
}

@test "sp-fetch: on a terminal, another program's message starts on a clean line, not after the progress line" {
	emu_start --latency 200
	recs track 12 >"$T/in"
	printf 'not json\n' >"$T/bad"
	script -qec "sp-fetch -j 1 <'$T/in' >/dev/null & sleep 1; sp-normalize '$T/bad' >/dev/null; wait" /dev/null >"$T/tty"
	screen <"$T/tty" >"$T/screen"
	run -0 grep -c '^sp-normalize: ' "$T/screen"
	assert_output 1
	run -0 grep 'sp-normalize' "$T/screen"
	assert_output "sp-normalize: $T/bad:1: invalid JSON at byte 5"
	run -0 grep -c 'sp-fetch' "$T/screen"
	assert_output 1
	run -0 tail -1 "$T/screen"
	assert_regex "$output" '^sp-fetch: 12 fetched, 0 not found, 0 not fetched of 12 ids; '
}

# etas CMD...: run CMD (an sp-fetch --progress); for each progress line
# it draws, "SECONDS_LEFT LINE", where SECONDS_LEFT is the time the run
# really had left then; its exit status is CMD's.
etas() {
	python3 -c '
import subprocess, sys, time
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL,
    stderr=subprocess.PIPE)
seen, buf = [], b""
while True:
    b = p.stderr.read1(65536)
    if not b:
        break
    now = time.monotonic()
    buf += b
    parts = buf.split(b"\r\x1b[K")
    buf = parts.pop()
    for x in parts:
        if x.startswith(b"sp-fetch: ") and b" ids" in x:
            seen.append((now, x.decode()))
end = time.monotonic()
for t, x in seen:
    print("%.1f %s" % (end - t, x))
sys.exit(p.wait())' "$@"
}

@test "sp-fetch: progress: no rate and no ETA before the first answer; then an ETA from the learned limit that never jumps and is near the truth" {
	emu_start --rate-limit 20 --window 2 --latency 50
	export SP_RATE_WINDOW=2
	jq -c '{type: "track", id}' "$EMU_CATALOG/tracks.ndjson" >"$T/all"
	# A first run learns the limit, 20 in 2 s, and keeps it.
	head -n 40 "$T/all" | sp-fetch -q >/dev/null
	sed -n '41,100p' "$T/all" >"$T/in"
	run -0 etas sp-fetch --progress "$T/in"
	assert_regex "${lines[0]}" '^[0-9.]+ sp-fetch: 0/60 ids$'
	# Every ETA within 2 s and 40% of the time that really was left,
	# and none more than 1 s above the one before.
	printf '%s\n' "${lines[@]}" | awk '
	function secs(s,   m) {
		if (match(s, /^[0-9]+m/)) {
			m = substr(s, 1, RLENGTH - 1) * 60
			s = substr(s, RLENGTH + 1)
		}
		sub(/s$/, "", s)
		return m + s
	}
	/ETA/ {
		eta = secs($NF); left = $1 + 0
		if (eta > left * 1.4 + 2 || eta < left * 0.6 - 2)
			{ print "ETA " eta " s, " left " s left: " $0; bad = 1 }
		if (n++ && eta > prev + 1)
			{ print "ETA jumped from " prev " to " eta ": " $0; bad = 1 }
		prev = eta
	}
	END { if (n < 5) { print "only " n " ETAs"; bad = 1 }; exit bad }'
}

@test "issue 15: a loopback API and token URL never go through a proxy: no credentials in clear to it" {
	emu_start
	local api=$SP_API_URL tok=$SP_TOKEN_URL
	# The stub stands for a proxy: it logs every request it gets.
	stub_start forbidden
	export http_proxy="http://127.0.0.1:$(cat "$T/stub.port")"
	export https_proxy=$http_proxy all_proxy=$http_proxy
	export SP_API_URL=$api SP_TOKEN_URL=$tok
	recs track 3 >"$T/in"
	run -0 --separate-stderr sp-fetch -q <"$T/in"
	assert_equal "$(sorted <(echo "$output"))" \
	    "$(envelopes track $(jq -r .id "$T/in"))"
	assert_equal "$(tokens)" 1
	# The proxy got nothing (its log is not even there).
	assert_equal "$(cat "$T/stub.log" 2>/dev/null)" ''
}

@test "issue 15: an answer nested past 512 is refused at once and said so, not 'invalid JSON'" {
	recs track 1 >"$T/in"
	stub_start deep:100000
	run -75 --separate-stderr sp-fetch --retries 1 <"$T/in"
	assert_output ''
	assert_equal "$(summary "$stderr")" "sp-fetch: stdin:1: track $(nth track 1): nested deeper than 512 in a 200 answer, retrying in 1 s (0 left)
sp-fetch: stdin:1: track $(nth track 1): nested deeper than 512 in a 200 answer, no retries left: not fetched, it stays pending
sp-fetch: 0 fetched, 0 not found, 1 not fetched of 1 id; 3 requests (1 for tokens), 0 answered 429, waited 0 s; T s"
}

@test "issue 15: a token or pace cache, or its folder, open to others is refused: exit 5, nothing sent" {
	emu_start
	recs track 1 >"$T/in"
	run -0 --separate-stderr sp-fetch -q <"$T/in"
	local c=$XDG_CACHE_HOME/sp tok pace n
	tok=$(echo "$c"/token-*.json)
	pace=$(echo "$c"/pace-*.json)
	[ -f "$tok" ] && [ -f "$pace" ]
	n=$(wc -l <"$EMU_LOG")
	chmod 644 "$tok"
	run -5 --separate-stderr sp-fetch -q <"$T/in"
	assert_output ''
	assert_equal "$stderr" "sp-fetch: $tok: open to others (mode 644): refusing to use it as a cache; chmod 600 it"
	chmod 600 "$tok"
	chmod 660 "$pace"
	run -5 --separate-stderr sp-fetch -q <"$T/in"
	assert_equal "$stderr" "sp-fetch: $pace: open to others (mode 660): refusing to use it as a cache; chmod 600 it"
	chmod 600 "$pace"
	chmod 777 "$c"
	run -5 --separate-stderr sp-fetch -q <"$T/in"
	assert_equal "$stderr" "sp-fetch: $c: open to others (mode 777): refusing to use it as a cache; chmod 700 it"
	chmod 700 "$c"
	if [ "$(id -u)" -eq 0 ]; then
		chown 65534 "$tok"
		run -5 --separate-stderr sp-fetch -q <"$T/in"
		assert_equal "$stderr" "sp-fetch: $tok: not yours (owner uid 65534): refusing to use it as a cache; remove it"
		chown 0 "$tok"
	fi
	# Nothing was sent while the cache was refused.
	assert_equal "$(wc -l <"$EMU_LOG")" "$n"
	run -0 --separate-stderr sp-fetch -q <"$T/in"
}

@test "issue 15: a line with a NUL byte is shown with it, not as \"\"" {
	run -1 --separate-stderr sp-fetch < <(printf 'abc\0def\n')
	assert_output ''
	assert_equal "${stderr%%$'\n'*}" 'sp-fetch: stdin:1: not a Spotify track id: "abc\u0000def"'
}
