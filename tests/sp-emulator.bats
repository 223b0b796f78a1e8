#!/usr/bin/env bats
# sp-emulator: the Spotify Web API on 127.0.0.1, and its failures.
load helper

NOID=0000000000000000000000

setup_file() {
	sp-gen -s 1 -t 150 -n 300 -m 3 "$BATS_FILE_TMPDIR/gen" >&3
	export EMU_CATALOG="$BATS_FILE_TMPDIR/gen/catalog"
}

# Ids of the catalog: TRACK, TRACK2, ARTIST, ALBUM (more than 50 tracks).
ids() {
	TRACK=$(sed -n 1p "$EMU_CATALOG/tracks.ndjson" | jq -r .id)
	TRACK2=$(sed -n 2p "$EMU_CATALOG/tracks.ndjson" | jq -r .id)
	ARTIST=$(sed -n 1p "$EMU_CATALOG/artists.ndjson" | jq -r .id)
	ALBUM=$(jq -r 'select(.total_tracks > 50) | .id' \
	    "$EMU_CATALOG/albums.ndjson" | head -1)
}

# tok [CURL-ARGS...]: a new token in TOKEN.
tok() {
	TOKEN=$(curl -s -u myid:mysecret -d grant_type=client_credentials \
	    "$@" "$SP_TOKEN_URL" | jq -r .access_token)
}

# get PATH [CURL-ARGS...]: GET $SP_API_URL/PATH with the token; the body is
# the output, then a line "HTTP STATUS [Retry-After]".
get() {
	local path=$1 auth=()
	shift
	[ -z "$TOKEN" ] || auth=(-H "Authorization: Bearer $TOKEN")
	curl -s -D "$BATS_TEST_TMPDIR/headers" "${auth[@]}" "$@" \
	    "$SP_API_URL/$path" -w '\nHTTP %{http_code}' &&
	    sed -n 's/^Retry-After: \(.*\)\r$/ \1/p' "$BATS_TEST_TMPDIR/headers" |
	    tr -d '\n' && echo
}

# The request log without its times.
log_lines() { sed 's/^{"t":[0-9]*\.[0-9][0-9][0-9],/{/' "$EMU_LOG"; }

@test "sp-emulator: token: Basic or form credentials give a random Bearer token for 3600 s" {
	emu_start
	run -0 curl -s -u myid:mysecret -d grant_type=client_credentials \
	    "$SP_TOKEN_URL"
	assert_output --regexp '^\{"access_token":"BQ[0-9A-Za-z]{62}","token_type":"Bearer","expires_in":3600\}$'
	first=$output
	run -0 curl -s -d grant_type=client_credentials -d client_id=myid \
	    -d client_secret=mysecret "$SP_TOKEN_URL"
	assert_output --regexp '^\{"access_token":"BQ[0-9A-Za-z]{62}",'
	[ "$output" != "$first" ]
	assert_equal "$(cat "$EMU_ERR")" "sp-emulator: listening on http://127.0.0.1:$EMU_PORT"
}

@test "sp-emulator: token: wrong credentials are invalid_client, the secret is never logged" {
	SPOTIFY_CLIENT_ID=myid SPOTIFY_CLIENT_SECRET=s3cr3t-value emu_start
	run -0 curl -s -w ' %{http_code}' -u myid:wrong \
	    -d grant_type=client_credentials "$SP_TOKEN_URL"
	assert_output '{"error":"invalid_client","error_description":"Invalid client"} 400'
	run -0 curl -s -w ' %{http_code}' -d grant_type=client_credentials \
	    -d client_id=other -d client_secret=s3cr3t-value "$SP_TOKEN_URL"
	assert_output '{"error":"invalid_client","error_description":"Invalid client"} 400'
	run -0 curl -s -w ' %{http_code}' -d grant_type=client_credentials \
	    "$SP_TOKEN_URL"
	assert_output '{"error":"invalid_client"} 400'
	run -0 curl -s -w ' %{http_code}' -u myid:s3cr3t-value \
	    -d grant_type=password "$SP_TOKEN_URL"
	assert_output '{"error":"unsupported_grant_type","error_description":"grant_type must be client_credentials, authorization_code or refresh_token"} 400'
	run -0 curl -s -w ' %{http_code}' -u myid:s3cr3t-value \
	    "$SP_TOKEN_URL?client_secret=s3cr3t-value" -d x=y
	assert_output '{"error":"unsupported_grant_type","error_description":"grant_type parameter is missing"} 400'
	run -0 curl -s -u myid:s3cr3t-value -d grant_type=client_credentials \
	    "$SP_TOKEN_URL"
	assert_output --partial '"token_type":"Bearer"'
	emu_stop
	run -1 grep -r s3cr3t "$EMU_LOG" "$EMU_ERR"
	run -0 log_lines
	assert_output '{"method":"POST","path":"/api/token","status":400}
{"method":"POST","path":"/api/token","status":400}
{"method":"POST","path":"/api/token","status":400}
{"method":"POST","path":"/api/token","status":400}
{"method":"POST","path":"/api/token","status":400}
{"method":"POST","path":"/api/token","status":200}'
}

@test "sp-emulator: a track, an artist, an album: 200 with the catalog's object" {
	emu_start
	ids
	tok
	run -0 get "tracks/$TRACK"
	assert_output "$(sed -n 1p "$EMU_CATALOG/tracks.ndjson")
HTTP 200"
	run -0 get "artists/$ARTIST"
	assert_output "$(sed -n 1p "$EMU_CATALOG/artists.ndjson")
HTTP 200"
	run -0 curl -s -o /dev/null -w '%{content_type}' \
	    -H "Authorization: Bearer $TOKEN" "$SP_API_URL/tracks/$TRACK"
	assert_output 'application/json; charset=utf-8'
	# A small album comes whole, with the page fields of the API.
	small=$(jq -c 'select(.total_tracks < 50)' "$EMU_CATALOG/albums.ndjson" |
	    head -1)
	id=$(jq -r .id <<<"$small")
	run -0 bash -c "curl -s -H 'Authorization: Bearer $TOKEN' \
	    '$SP_API_URL/albums/$id' | jq -c 'del(.tracks.href, .tracks.limit)'"
	assert_output "$(jq -c 'del(.tracks.href, .tracks.limit)' <<<"$small")"
}

@test "sp-emulator: 404 non existing id, 400 invalid id, 404 for other paths" {
	emu_start
	tok
	run -0 get "tracks/$NOID"
	assert_output '{"error":{"status":404,"message":"non existing id"}}
HTTP 404'
	for bad in abc 000000000000000000000 00000000000000000000000 \
	    000000000000000000000- ; do
		run -0 get "artists/$bad"
		assert_output '{"error":{"status":400,"message":"invalid id"}}
HTTP 400'
	done
	run -0 get "playlists/$NOID"
	assert_output '{"error":{"status":404,"message":"Service not found"}}
HTTP 404'
	run -0 get "artists/$NOID/tracks"
	assert_output '{"error":{"status":404,"message":"Service not found"}}
HTTP 404'
}

@test "sp-emulator: 401 without a token, with an unknown one, and after --token-requests" {
	emu_start --token-requests 2
	ids
	TOKEN=
	run -0 get "tracks/$TRACK"
	assert_output '{"error":{"status":401,"message":"No token provided"}}
HTTP 401'
	TOKEN=BQnotatoken
	run -0 get "tracks/$TRACK"
	assert_output '{"error":{"status":401,"message":"Invalid access token"}}
HTTP 401'
	tok
	run -0 get "tracks/$TRACK"
	assert_line 'HTTP 200'
	run -0 get "tracks/$TRACK"
	assert_line 'HTTP 200'
	run -0 get "tracks/$TRACK"
	assert_output '{"error":{"status":401,"message":"The access token expired"}}
HTTP 401'
	tok
	run -0 get "tracks/$TRACK"
	assert_line 'HTTP 200'
}

@test "sp-emulator: --expires-in: a token expires after so many seconds" {
	emu_start --expires-in 1
	ids
	tok
	run -0 curl -s -u a:b -d grant_type=client_credentials "$SP_TOKEN_URL"
	assert_output --partial '"expires_in":1}'
	run -0 get "tracks/$TRACK"
	assert_line 'HTTP 200'
	sleep 1.1
	run -0 get "tracks/$TRACK"
	assert_output '{"error":{"status":401,"message":"The access token expired"}}
HTTP 401'
}

@test "sp-emulator: batch: input order, null for an unknown id; 400 for a bad, empty or extra id" {
	emu_start
	ids
	tok
	run -0 bash -c "curl -s -H 'Authorization: Bearer $TOKEN' \
	    '$SP_API_URL/tracks?ids=$TRACK2,$NOID,$TRACK' |
	    jq -c '.tracks | map(if . then .id else . end)'"
	assert_output "[\"$TRACK2\",null,\"$TRACK\"]"
	run -0 get "artists?ids=$NOID"
	assert_output '{"artists":[null]}
HTTP 200'
	run -0 get "tracks?ids=$TRACK,,$TRACK2"
	assert_output '{"error":{"status":400,"message":"invalid id"}}
HTTP 400'
	run -0 get "tracks?ids=$TRACK,abc"
	assert_output '{"error":{"status":400,"message":"invalid id"}}
HTTP 400'
	fifty=$(printf "$NOID,%.0s" {1..50})
	run -0 get "artists?ids=${fifty%,}"
	assert_line 'HTTP 200'
	run -0 get "artists?ids=$fifty$NOID"
	assert_output '{"error":{"status":400,"message":"Too many ids requested"}}
HTTP 400'
	twenty=$(printf "$NOID,%.0s" {1..20})
	run -0 get "albums?ids=${twenty%,}"
	assert_line 'HTTP 200'
	run -0 get "albums?ids=$twenty$NOID"
	assert_output '{"error":{"status":400,"message":"Too many ids requested"}}
HTTP 400'
}

@test "sp-emulator: album paging: the first 50 tracks, then next, previous and limit" {
	emu_start
	ids
	tok
	total=$(jq -r "select(.id == \"$ALBUM\") | .total_tracks" \
	    "$EMU_CATALOG/albums.ndjson")
	base="http://127.0.0.1:$EMU_PORT/v1/albums/$ALBUM/tracks"
	run -0 bash -c "curl -s -H 'Authorization: Bearer $TOKEN' \
	    '$SP_API_URL/albums/$ALBUM' |
	    jq -c '.tracks | .n = (.items | length) | del(.items)'"
	assert_output "{\"href\":\"$base?offset=0&limit=50\",\"limit\":50,\"next\":\"$base?offset=50&limit=50\",\"offset\":0,\"previous\":null,\"total\":$total,\"n\":50}"
	run -0 bash -c "curl -s -H 'Authorization: Bearer $TOKEN' \
	    '$base?offset=50&limit=50' |
	    jq -c '.n = (.items | length) | del(.items)'"
	assert_output "{\"href\":\"$base?offset=50&limit=50\",\"limit\":50,\"next\":null,\"offset\":50,\"previous\":\"$base?offset=0&limit=50\",\"total\":$total,\"n\":$((total - 50))}"
	# The pages hold the catalog's items, in order.
	run -0 bash -c "for o in 0 20 40 60; do curl -s \
	    -H 'Authorization: Bearer $TOKEN' '$base?offset='\$o; done |
	    jq -r '.items[].id'"
	assert_output "$(jq -r "select(.id == \"$ALBUM\") | .tracks.items[].id" \
	    "$EMU_CATALOG/albums.ndjson")"
	run -0 get "albums/$ALBUM/tracks?limit=51"
	assert_output '{"error":{"status":400,"message":"Invalid limit"}}
HTTP 400'
	run -0 get "albums/$NOID/tracks"
	assert_output '{"error":{"status":404,"message":"non existing id"}}
HTTP 404'
}

@test "sp-emulator: --dev-mode: batches are 403, removed fields are gone at every depth" {
	emu_start --dev-mode
	ids
	tok
	run -0 get "tracks?ids=$TRACK"
	assert_output '{"error":{"status":403,"message":"Forbidden"}}
HTTP 403'
	run -0 bash -c "cat '$EMU_CATALOG/tracks.ndjson' '$EMU_CATALOG/albums.ndjson' \
	    '$EMU_CATALOG/artists.ndjson' | jq -r '[paths | .[-1] | strings] | .[]' |
	    sort -u | grep -c -x -e popularity -e available_markets -e followers \
	    -e label"
	assert_output 4
	for path in "tracks/$TRACK" "albums/$ALBUM" "artists/$ARTIST" \
	    "albums/$ALBUM/tracks"; do
		run -1 bash -c "curl -s -H 'Authorization: Bearer $TOKEN' \
		    '$SP_API_URL/$path' | jq -r '[paths | .[-1] | strings] | .[]' |
		    sort -u | grep -x -e popularity -e available_markets \
		    -e followers -e label -e linked_from -e album_group"
		assert_output ''
	done
	run -0 bash -c "curl -s -H 'Authorization: Bearer $TOKEN' \
	    '$SP_API_URL/artists/$ARTIST' | jq -c 'keys'"
	assert_output '["external_urls","genres","href","id","images","name","type","uri"]'
	run -0 bash -c "curl -s -H 'Authorization: Bearer $TOKEN' \
	    '$SP_API_URL/tracks/$TRACK' | jq -c '[keys, (.album | keys)]'"
	assert_output '[["album","artists","disc_number","duration_ms","explicit","external_ids","external_urls","href","id","is_local","name","preview_url","track_number","type","uri"],["album_type","artists","external_urls","href","id","images","name","release_date","release_date_precision","total_tracks","type","uri"]]'
}

@test "sp-emulator: --no-genres: artists come without genres" {
	emu_start --no-genres
	ids
	tok
	run -0 bash -c "curl -s -H 'Authorization: Bearer $TOKEN' \
	    '$SP_API_URL/artists/$ARTIST' | jq -c 'keys'"
	assert_output '["external_urls","followers","href","id","images","name","popularity","type","uri"]'
}

@test "sp-emulator: --relink: another track's object, with linked_from naming the one asked for" {
	ids
	emu_start --relink "$TRACK=$TRACK2"
	tok
	run -0 bash -c "curl -s -H 'Authorization: Bearer $TOKEN' \
	    '$SP_API_URL/tracks/$TRACK' | jq -c '[.id, .linked_from, .name]'"
	assert_output "[\"$TRACK2\",{\"external_urls\":{\"spotify\":\"https://open.spotify.com/track/$TRACK\"},\"href\":\"https://api.spotify.com/v1/tracks/$TRACK\",\"id\":\"$TRACK\",\"type\":\"track\",\"uri\":\"spotify:track:$TRACK\"},$(sed -n 2p "$EMU_CATALOG/tracks.ndjson" | jq .name)]"
	run -0 bash -c "curl -s -H 'Authorization: Bearer $TOKEN' \
	    '$SP_API_URL/tracks?ids=$TRACK,$TRACK2' |
	    jq -c '[.tracks[] | [.id, .linked_from.id]]'"
	assert_output "[[\"$TRACK2\",\"$TRACK\"],[\"$TRACK2\",null]]"
	emu_stop
	emu_start --relink "$TRACK=$TRACK2" --dev-mode
	tok
	run -0 bash -c "curl -s -H 'Authorization: Bearer $TOKEN' \
	    '$SP_API_URL/tracks/$TRACK' | jq -c '[.id, .linked_from]'"
	assert_output "[\"$TRACK2\",null]"
}

@test "sp-emulator: --rate-limit: 429 with Retry-After in seconds; 429s do not count" {
	emu_start --rate-limit 2 --window 2
	ids
	tok
	run -0 get "tracks/$TRACK"
	assert_line 'HTTP 200'
	run -0 get "tracks/$NOID"
	assert_line 'HTTP 404'
	run -0 get "tracks/$TRACK"
	assert_output --regexp '^\{"error":\{"status":429,"message":"API rate limit exceeded"\}\}
HTTP 429 [12]$'
	run -0 get "tracks/$TRACK"
	assert_line --regexp '^HTTP 429 [12]$'
	# The token endpoint is not limited.
	tok
	[ -n "$TOKEN" ]
	sleep "${lines[1]#HTTP 429 }"
	run -0 get "tracks/$TRACK"
	assert_line 'HTTP 200'
}

@test "sp-emulator: --retry-after-date: Retry-After as an HTTP-date" {
	emu_start --rate-limit 1 --retry-after-date
	ids
	tok
	get "tracks/$TRACK"
	run -0 get "tracks/$TRACK"
	assert_line --index 1 --regexp '^HTTP 429 (Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-3][0-9] [A-Z][a-z]{2} 20[0-9]{2} [0-2][0-9]:[0-5][0-9]:[0-6][0-9] GMT$'
	when=$(date -d "${lines[1]#HTTP 429 }" +%s)
	[ $((when - $(date +%s))) -ge 28 ] && [ $((when - $(date +%s))) -le 31 ]
}

@test "sp-emulator: --empty-429: a 429 without a body, with Retry-After" {
	emu_start --rate-limit 1 --empty-429
	ids
	tok
	get "tracks/$TRACK"
	run -0 get "tracks/$TRACK"
	assert_output --regexp '^
HTTP 429 (29|30)$'
	run -0 curl -s -o /dev/null -w '%{size_download} %{content_type}' \
	    -H "Authorization: Bearer $TOKEN" "$SP_API_URL/tracks/$TRACK"
	assert_output '0 '
}

@test "sp-emulator: --quota: after n requests, 429 QUOTA_EXCEEDED with Retry-After 86400" {
	emu_start --quota 2
	ids
	tok
	get "tracks/$TRACK"
	get "tracks/$NOID"
	for i in 1 2; do
		run -0 get "artists/$ARTIST"
		assert_output '{"error":{"status":429,"message":"Too many requests","reason":"QUOTA_EXCEEDED"}}
HTTP 429 86400'
	done
	emu_stop
	emu_start --quota 0 --quota-retry-after 600
	tok
	run -0 get "tracks/$TRACK"
	assert_line 'HTTP 429 600'
}

@test "sp-emulator: --fail-every: every k-th request is a 502 or 503 HTML page" {
	emu_start --fail-every 2
	ids
	tok
	codes=
	for i in 1 2 3 4 5; do
		codes="$codes $(curl -s -o "$BATS_TEST_TMPDIR/body.$i" \
		    -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
		    "$SP_API_URL/tracks/$TRACK")"
	done
	assert_equal "$codes" ' 200 502 200 503 200'
	run -0 grep -c '<title>502 Bad Gateway</title>' "$BATS_TEST_TMPDIR/body.2"
	run -0 grep -c '<title>503 Service Temporarily Unavailable</title>' \
	    "$BATS_TEST_TMPDIR/body.4"
}

@test "sp-emulator: --truncate-every and --bad-json-every: a cut connection, a broken body" {
	emu_start --truncate-every 3 --bad-json-every 2
	ids
	tok
	run -0 curl -s -H "Authorization: Bearer $TOKEN" "$SP_API_URL/tracks/$TRACK"
	run -0 jq -e .id <<<"$output"
	# The second 200 has a broken body, of the length it says.
	run -0 curl -s -w '\n%{size_download}' -H "Authorization: Bearer $TOKEN" \
	    "$SP_API_URL/tracks/$TRACK"
	assert_equal "${lines[1]}" "$(printf %s "${lines[0]}" | wc -c)"
	run ! jq . <<<"${lines[0]}"
	# The third request is cut: curl: (18) transfer closed.
	run -18 curl -s -H "Authorization: Bearer $TOKEN" "$SP_API_URL/tracks/$TRACK"
	run -0 curl -s -H "Authorization: Bearer $TOKEN" "$SP_API_URL/tracks/$NOID"
	assert_output '{"error":{"status":404,"message":"non existing id"}}'
	emu_stop
	run -0 log_lines
	assert_output "{\"method\":\"POST\",\"path\":\"/api/token\",\"status\":200}
{\"method\":\"GET\",\"path\":\"/v1/tracks/$TRACK\",\"status\":200}
{\"method\":\"GET\",\"path\":\"/v1/tracks/$TRACK\",\"status\":200,\"fault\":\"bad-json\"}
{\"method\":\"GET\",\"path\":\"/v1/tracks/$TRACK\",\"status\":200,\"fault\":\"truncate\"}
{\"method\":\"GET\",\"path\":\"/v1/tracks/$NOID\",\"status\":404}"
}

@test "sp-emulator: --hang-every: a stalled answer holds up neither other connections nor the stop" {
	emu_start --hang-every 1
	ids
	tok
	curl -s -H "Authorization: Bearer $TOKEN" "$SP_API_URL/tracks/$TRACK" \
	    >/dev/null 2>&1 3>&- &
	pid=$!
	run -28 curl -s -m 0.5 -o /dev/null -w '%{http_code} %{size_download}' \
	    -H "Authorization: Bearer $TOKEN" "$SP_API_URL/tracks/$TRACK2"
	assert_output --regexp '^200 [1-9][0-9]*$'
	run -0 curl -s -u a:b -d grant_type=client_credentials "$SP_TOKEN_URL"
	start=$(date +%s%N)
	emu_stop
	assert_equal "$EMU_STATUS" 0
	[ $(($(date +%s%N) - start)) -lt 1000000000 ]
	run -18 wait "$pid"	# curl: (18) transfer closed
}

@test "sp-emulator: --latency: requests in flight are served together" {
	emu_start --latency 400
	ids
	tok
	start=$(date +%s%N)
	pids=()
	for i in $(seq 16); do
		curl -s -o /dev/null -H "Authorization: Bearer $TOKEN" \
		    "$SP_API_URL/tracks/$TRACK" 3>&- &
		pids+=($!)
	done
	wait "${pids[@]}"
	ms=$((($(date +%s%N) - start) / 1000000))
	[ "$ms" -ge 400 ] && [ "$ms" -lt 1500 ]
	run -0 grep -c '"path":"/v1/tracks/.*"status":200' "$EMU_LOG"
	assert_output 16
}

@test "sp-emulator: the request log: one line per request, path and query apart" {
	emu_start
	ids
	tok
	get "tracks/$TRACK" >/dev/null
	get "tracks?ids=$TRACK,$NOID" >/dev/null
	get "albums/$ALBUM/tracks?offset=50&limit=50" >/dev/null
	token=$TOKEN
	TOKEN=
	get "artists/$ARTIST" >/dev/null
	run -0 grep -c -E '^\{"t":[0-9]{10}\.[0-9]{3},"method":' "$EMU_LOG"
	assert_output 5
	run -0 log_lines
	assert_output "{\"method\":\"POST\",\"path\":\"/api/token\",\"status\":200}
{\"method\":\"GET\",\"path\":\"/v1/tracks/$TRACK\",\"status\":200}
{\"method\":\"GET\",\"path\":\"/v1/tracks\",\"query\":\"ids=$TRACK,$NOID\",\"status\":200}
{\"method\":\"GET\",\"path\":\"/v1/albums/$ALBUM/tracks\",\"query\":\"offset=50&limit=50\",\"status\":200}
{\"method\":\"GET\",\"path\":\"/v1/artists/$ARTIST\",\"status\":401}"
	run -1 grep -e "$token" -e Bearer -e mysecret "$EMU_LOG"
}

@test "sp-emulator: keep-alive: one connection for several requests" {
	emu_start
	ids
	tok
	run -0 --separate-stderr curl -sv -o /dev/null -o /dev/null \
	    -H "Authorization: Bearer $TOKEN" "$SP_API_URL/tracks/$TRACK" \
	    "$SP_API_URL/tracks/$NOID"
	assert_equal "$(grep -c 'Re-using existing connection' <<<"$stderr")" 1
}

@test "sp-emulator: listens on 127.0.0.1 only, and stops on SIGTERM or SIGINT with status 0" {
	emu_start
	port=$(printf '%04X' "$EMU_PORT")
	run -0 awk -v p=":$port" '$2 ~ p"$" && $4 == "0A" { print $2 }' \
	    /proc/net/tcp /proc/net/tcp6
	assert_output "0100007F:$port"
	emu_stop
	assert_equal "$EMU_STATUS" 0
	# A shell starts it with SIGINT ignored: it stops all the same.
	emu_start
	kill -INT "$EMU_PID"
	st=0
	wait "$EMU_PID" || st=$?
	EMU_PID=
	assert_equal "$st" 0
}

@test "sp-emulator: a bad catalog line is reported with its position; the status at stop is 1" {
	mkdir "$BATS_TEST_TMPDIR/cat"
	head -3 "$EMU_CATALOG/artists.ndjson" >"$BATS_TEST_TMPDIR/cat/a.ndjson"
	printf '{"type":"playlist","id":"%s"}\n[1]\n' "$NOID" \
	    >>"$BATS_TEST_TMPDIR/cat/a.ndjson"
	sed -n 1p "$EMU_CATALOG/artists.ndjson" >"$BATS_TEST_TMPDIR/cat/b.ndjson"
	EMU_CATALOG="$BATS_TEST_TMPDIR/cat" emu_start
	id=$(sed -n 1p "$EMU_CATALOG/artists.ndjson" | jq -r .id)
	emu_stop
	assert_equal "$EMU_STATUS" 1
	assert_equal "$(cat "$EMU_ERR")" "sp-emulator: $BATS_TEST_TMPDIR/cat/a.ndjson:4: not a track, album or artist object
sp-emulator: $BATS_TEST_TMPDIR/cat/a.ndjson:5: not a JSON object
sp-emulator: $BATS_TEST_TMPDIR/cat/b.ndjson:1: duplicate artist id: \"$id\"
sp-emulator: listening on http://127.0.0.1:$EMU_PORT"
}

@test "sp-emulator: usage errors exit 2, a missing catalog 3" {
	run -2 --separate-stderr sp-emulator --rate-limit abc "$EMU_CATALOG"
	assert_equal "$stderr" 'sp-emulator: --rate-limit is invalid: abc'
	run -2 --separate-stderr sp-emulator --port 65536 "$EMU_CATALOG"
	assert_equal "$stderr" 'sp-emulator: --port is too large: 65536'
	run -2 --separate-stderr sp-emulator --relink abc=def "$EMU_CATALOG"
	assert_equal "$stderr" 'sp-emulator: --relink is invalid: abc=def'
	run -2 --separate-stderr sp-emulator
	assert_output ''
	[[ $stderr == "usage: sp-emulator [-hV] [-p port] "* ]]
	run -3 --separate-stderr sp-emulator "$BATS_TEST_TMPDIR/none"
	assert_equal "$stderr" "sp-emulator: $BATS_TEST_TMPDIR/none: no *.ndjson files"
}

@test "sp-emulator: --help and the man page list the same options and synopsis" {
	run -0 sp-emulator --help
	assert_equal "$(sp-emulator --help | help_synopsis)" \
	    "$(man_synopsis sp-emulator)"
	# help_options drops digits (--empty-429): the same, with digits.
	assert_equal "$(sp-emulator --help | sed -n 's/^ *\(-.*\)/\1/p' |
	    sed 's/  .*//' | grep -o -- '--*[A-Za-z0-9][-A-Za-z0-9]*' |
	    LC_ALL=C sort)" "$(man_options sp-emulator)"
	run -0 sp-emulator -V
	assert_output 'sp-emulator 0.1.0'
}
