#!/usr/bin/env bats
# sp-enrich: the whole job as one command, against sp-emulator: the same
# store as the pipelines it runs, from files, a folder or a zip archive;
# resumed without fetching anything twice; the status of the stage that
# stopped.
load helper

setup_file() {
	sp-gen -s 1 -t 150 -n 300 -m 3 "$BATS_FILE_TMPDIR/gen" >&3
	export EMU_CATALOG="$BATS_FILE_TMPDIR/gen/catalog"
	export EXPORT="$BATS_FILE_TMPDIR/gen/export"
}

setup() {
	sp_setup
	export SPOTIFY_CLIENT_ID=sp-test SPOTIFY_CLIENT_SECRET=sp-test-secret
	unset http_proxy https_proxy HTTPS_PROXY all_proxy ALL_PROXY \
	    no_proxy NO_PROXY
	T=$BATS_TEST_TMPDIR
}

# pipelines: the store the documented pipelines make of the export, in
# $T/want.db, dumped to $T/want; the store under test is dumped to $T/got.
pipelines() {
	local db=$SP_DB
	export SP_DB=$T/want.db
	sp-history -q "$EXPORT"/*.json | sp-load -q
	sp-ids -q --by-album tracks | sp-fetch -q | sp-normalize | sp-load -q
	sp-ids -q --by-album albums | sp-fetch -q | sp-normalize | sp-load -q
	sp-ids -q tracks | sp-fetch -q | sp-normalize | sp-load -q
	sp-ids -q albums | sp-fetch -q | sp-normalize | sp-load -q
	sp-ids -q artists | sp-fetch -q | sp-normalize | sp-load -q
	dump | sed 's/20[0-9][0-9]-[0-9-]*T[0-9:]*Z/TS/g' >"$T/want"
	export SP_DB=$db
	dump | sed 's/20[0-9][0-9]-[0-9-]*T[0-9:]*Z/TS/g' >"$T/got"
}

# gets: the catalog requests of the emulator's log, "PATH STATUS" a line.
gets() {
	jq -r 'select(.method == "GET") | "\(.path) \(.status)"' "$EMU_LOG"
}

# quiet: stderr without the warning sp-normalize gives about the catalog's
# one album released in "0000" (its line varies with the order of the
# answers).
quiet() {
	grep -v '^sp-normalize: stdin:[0-9]*: album [0-9A-Za-z]*: release date "0000" is not a year; release_year left null$' || true
}

# The summaries of a whole run on the generated export, times as T.
SUMMARY='sp-history: 288 plays written; skipped: 10 podcast episodes, 1 audiobook chapter, 0 videos, 1 entry without a track, 0 unreadable
sp-load: 288 records: 288 play (288 new); 0 rejected
sp-ids: 20 tracks, one per album
sp-fetch: 20 fetched, 0 not found, 0 not fetched of 20 ids; 21 requests (1 for tokens), 0 answered 429, waited 0 s; T s
sp-load: 20 records: 20 track; 0 rejected
sp-ids: 11 albums, whole: their listings pay off
sp-fetch: 11 fetched, 0 not found, 0 not fetched of 11 ids; 12 requests (0 for tokens), 0 answered 429, waited 0 s; T s
sp-load: 148 records: 11 album, 137 listed track (64 enriched); 0 rejected
sp-ids: 9 tracks
sp-fetch: 6 fetched, 3 not found, 0 not fetched of 9 ids; 9 requests (0 for tokens), 0 answered 429, waited 0 s; T s
sp-load: 9 records: 6 track, 3 error; 0 rejected
sp-ids: 0 albums
sp-fetch: 0 fetched, 0 not found, 0 not fetched of 0 ids; 0 requests (0 for tokens), 0 answered 429, waited 0 s; T s
sp-load: 0 records; 0 rejected'

@test "sp-enrich: the export's JSON files: the store the pipelines make, every stage's summary, the audit's verdict last" {
	emu_start
	run -0 --separate-stderr sp-enrich "$EXPORT"/*.json
	assert_output 'sp-audit: all checks pass'
	quiet <<<"$stderr" | sed -E 's/; [0-9]+ s$/; T s/' >"$T/err"
	assert_equal "$(head -n 14 "$T/err")" "$SUMMARY"
	assert_regex "$(sed -n 15p "$T/err")" '^sp-ids: [0-9]+ artists$'
	pipelines
	diff -u "$T/want" "$T/got"
	# Every track, album and artist enriched.
	assert_equal "$(sql "SELECT count(*) FROM tracks WHERE status IS NULL
	    UNION ALL SELECT count(*) FROM artists WHERE status IS NULL")" \
	    $'0\n0'
}

@test "sp-enrich: the folder the export is in" {
	emu_start
	run -0 --separate-stderr sp-enrich "$EXPORT"
	assert_output 'sp-audit: all checks pass'
	pipelines
	diff -u "$T/want" "$T/got"
}

@test "sp-enrich: the zip archive Spotify sends, with other files in it" {
	emu_start
	python3 -c '
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    z.write(sys.argv[2], "Spotify Extended Streaming History/Streaming_History_Audio_2023_0.json")
    z.writestr("Spotify Extended Streaming History/ReadMeFirst_ExtendedStreamingHistory.pdf", "%PDF-1.4")
    z.writestr("Userdata.json", "{\"username\": \"x\"}")' \
	    "$T/my_spotify_data.zip" "$EXPORT/Streaming_History_Audio_2023_0.json"
	run -0 --separate-stderr sp-enrich "$T/my_spotify_data.zip"
	assert_output 'sp-audit: all checks pass'
	pipelines
	diff -u "$T/want" "$T/got"
}

@test "sp-enrich: run again, it fetches nothing; -q: nothing on stderr, the verdict on stdout" {
	emu_start
	run -0 --separate-stderr sp-enrich -q "$EXPORT"
	assert_output 'sp-audit: all checks pass'
	assert_equal "$(quiet <<<"$stderr")" ''
	n=$(gets | wc -l)
	[ "$n" -gt 46 ]
	run -0 --separate-stderr sp-enrich "$EXPORT"
	assert_output 'sp-audit: all checks pass'
	assert_equal "$(gets | wc -l)" "$n"
	assert_equal "$(sed -E 's/; [0-9]+ s$/; T s/' <<<"$stderr")" \
	    'sp-history: 288 plays written; skipped: 10 podcast episodes, 1 audiobook chapter, 0 videos, 1 entry without a track, 0 unreadable
sp-load: 288 records: 288 play (0 new); 0 rejected
sp-ids: 0 tracks, one per album
sp-fetch: 0 fetched, 0 not found, 0 not fetched of 0 ids; 0 requests (0 for tokens), 0 answered 429, waited 0 s; T s
sp-load: 0 records; 0 rejected
sp-ids: 0 albums, whole: their listings pay off
sp-fetch: 0 fetched, 0 not found, 0 not fetched of 0 ids; 0 requests (0 for tokens), 0 answered 429, waited 0 s; T s
sp-load: 0 records; 0 rejected
sp-ids: 0 tracks
sp-fetch: 0 fetched, 0 not found, 0 not fetched of 0 ids; 0 requests (0 for tokens), 0 answered 429, waited 0 s; T s
sp-load: 0 records; 0 rejected
sp-ids: 0 albums
sp-fetch: 0 fetched, 0 not found, 0 not fetched of 0 ids; 0 requests (0 for tokens), 0 answered 429, waited 0 s; T s
sp-load: 0 records; 0 rejected
sp-ids: 0 artists
sp-fetch: 0 fetched, 0 not found, 0 not fetched of 0 ids; 0 requests (0 for tokens), 0 answered 429, waited 0 s; T s
sp-load: 0 records; 0 rejected'
}

@test "sp-enrich: the daily quota: exit 75, the time to come back said again last; run again, it resumes and fetches nothing twice" {
	emu_start --quota 40 --quota-retry-after 3600
	run -75 --separate-stderr sp-enrich -q "$EXPORT"
	assert_output ''
	assert_regex "${stderr_lines[-1]}" '^sp-enrich: tracks: stopped \(status 75\): retry after 20[0-9-]+ [0-9:]+ UTC \(59m[0-9]+s|1h00m\); run sp-enrich again then to resume$'
	gets >"$T/first"
	# The quota is back: a new day, the same API.
	emu_stop
	rm -f "$XDG_CACHE_HOME"/sp/pace-*.json "$EMU_LOG"
	emu_start
	run -0 --separate-stderr sp-enrich -q "$EXPORT"
	assert_output 'sp-audit: all checks pass'
	gets >"$T/second"
	# No track or artist answered in the first run is asked for again.
	run -1 grep -Fx -f <(grep ' 200$' "$T/first") "$T/second"
	# And together, every id of the export once.
	assert_equal "$(cat "$T/first" "$T/second" | grep -v ' 429$' |
	    cut -d' ' -f1 | sort | uniq -d)" ''
	[ "$(sql "SELECT count(*) FROM tracks WHERE status IS NULL")" -eq 0 ]
}

@test "sp-enrich: the first stage that did not finish gives its status: an export that cannot be read (3), a wrong SP_API_URL (2); nothing fetched" {
	emu_start
	run -3 --separate-stderr sp-enrich "$T/nope.json"
	assert_output ''
	assert_equal "${stderr_lines[0]}" "sp-history: $T/nope.json: cannot open: No such file or directory"
	assert_equal "${stderr_lines[-1]}" 'sp-enrich: plays: stopped (status 3)'
	[ ! -s "$EMU_LOG" ]
	SP_API_URL=http://127.0.0.1:1/v1 run -2 --separate-stderr \
	    sp-enrich -q "$EXPORT"
	assert_output ''
	assert_equal "$stderr" 'sp-fetch: http://127.0.0.1:1/v1: connection refused to every first request: check SP_API_URL; nothing more is requested
sp-enrich: tracks, one per album: stopped (status 2)'
	[ ! -s "$EMU_LOG" ] || [ "$(gets | wc -l)" -eq 0 ]
}

@test "sp-enrich: an export with some unreadable entries is enriched, and the status is 1" {
	emu_start
	cp "$EXPORT"/*.json "$T/"
	printf '[{"ts":"nope","ms_played":1,"master_metadata_track_name":"x"}]' \
	    >"$T/Streaming_History_Audio_2024_1.json"
	run -1 --separate-stderr sp-enrich -q "$T"
	assert_output 'sp-audit: all checks pass'
	assert_equal "$(quiet <<<"$stderr")" "sp-history: $T/Streaming_History_Audio_2024_1.json:1: entry 1: \"ts\": not a timestamp: \"nope\""
}

@test "sp-enrich: -d names the database; no export, or an unknown option, is a usage error; --help and the man page agree" {
	emu_start
	run -0 --separate-stderr sp-enrich -q -d "$T/other.db" "$EXPORT"
	assert_output 'sp-audit: all checks pass'
	[ -s "$T/other.db" ]
	[ ! -e "$SP_DB" ]
	run -2 --separate-stderr sp-enrich
	assert_equal "${stderr_lines[0]}" 'usage: sp-enrich [-hqV] [-d file] export ...'
	run -2 --separate-stderr sp-enrich -x "$EXPORT"
	assert_equal "${stderr_lines[0]}" 'sp-enrich: unknown option: -x'
	run -0 sp-enrich --help
	assert_equal "$(help_synopsis <<<"$output")" "$(man_synopsis sp-enrich)"
	assert_equal "$(help_options <<<"$output")" "$(man_options sp-enrich)"
	run -0 sp-enrich -V
	assert_regex "$output" '^sp-enrich [0-9]'
}

@test "sp-enrich: on a terminal: sp-fetch's progress is shown, and every line the screen keeps is a whole message" {
	emu_start --latency 30
	script -qec "sp-enrich '$EXPORT'" /dev/null >"$T/tty"
	grep -q 'ETA [0-9]' "$T/tty"
	screen <"$T/tty" | quiet | sed -E 's/; [0-9]+ s$/; T s/' >"$T/screen"
	assert_equal "$(head -n 14 "$T/screen")" "$SUMMARY"
	assert_equal "$(tail -n 1 "$T/screen")" 'sp-audit: all checks pass'
	run -1 grep -v -e '^sp-[a-z]*: ' "$T/screen"
}

# rows DB AF: every table of store DB, a line a row, to compare the
# store the one-by-one pipelines made with the one sp-enrich made
# album-first (AF): fetch times left out; ISRC and popularity of the
# tracks AF took from an album's listing (which lacks them) shown as
# "listing"; label, popularity and upc of the albums AF fetched whole
# (the one-by-one path fetches no album) as "album".
rows() {
	sqlite3 -nullvalue NULL "$1" "ATTACH '$2' AS af;
	SELECT 'plays', * FROM plays ORDER BY ts, ms_played, track_id;
	SELECT 'tracks', t.id, t.name, t.album_id, t.duration_ms, t.explicit,
	    CASE WHEN d.from_listing THEN 'listing' ELSE t.popularity END,
	    CASE WHEN d.from_listing THEN 'listing' ELSE t.isrc END,
	    t.disc_number, t.track_number, t.linked_id, t.status,
	    t.fetched_at IS NULL FROM tracks t
	    LEFT JOIN af.tracks d ON d.id = t.id ORDER BY t.id;
	SELECT 'albums', a.id, a.name, a.album_type, a.release_date,
	    a.release_date_precision, a.release_year, a.total_tracks,
	    CASE WHEN d.tracks_listed THEN 'album' ELSE a.label END,
	    CASE WHEN d.tracks_listed THEN 'album' ELSE a.popularity END,
	    CASE WHEN d.tracks_listed THEN 'album' ELSE a.upc END,
	    a.status, a.fetched_at IS NULL FROM albums a
	    LEFT JOIN af.albums d ON d.id = a.id ORDER BY a.id;
	SELECT 'artists', id, name, popularity, followers, genre_count, status,
	    fetched_at IS NULL FROM artists ORDER BY id;
	SELECT 'track_artists', * FROM track_artists ORDER BY 2, 4;
	SELECT 'artist_genres', * FROM artist_genres ORDER BY 2, 4;
	SELECT 'genres', * FROM genres ORDER BY 2;"
}

# album_first GEN-OPTIONS...: a library of sp-gen GEN-OPTIONS enriched
# one by one (the pipelines of the tracks, albums and artists) into
# $T/ref.db and by sp-enrich into $SP_DB, against one emulator; both
# stores must hold the same rows (see rows).  Sets RATIO: the track
# stages' requests (to /tracks/ and /albums/) of sp-enrich per distinct
# track played, from the emulator's log, and REF_RATIO the same of the
# pipelines.  With RELINK set, the emulator serves, for one played track
# that is not in the catalog, the first track of the most played album,
# as Spotify relinks: that id is on no listing, and is fetched on its
# own.
album_first() {
	local n0 n1 tracks emu=() m y
	sp-gen "$@" "$T/lib"
	export EMU_CATALOG=$T/lib/catalog
	if [ -n "${RELINK:-}" ]; then
		m=$(comm -23 <(jq -r '.[] | .spotify_track_uri // empty' \
		    "$T"/lib/export/*.json | cut -d: -f3 | sort -u) \
		    <(jq -r .id "$EMU_CATALOG/tracks.ndjson" | sort) | head -n 1)
		y=$(jq -r --arg n "$(jq -r '.[] |
		    .master_metadata_album_album_name // empty' \
		    "$T"/lib/export/*.json | sort | uniq -c | sort -rn |
		    sed 's/^ *[0-9]* //; q')" 'select(.name == $n) |
		    .tracks.items[0].id' "$EMU_CATALOG/albums.ndjson" | head -n 1)
		[ -n "$m" ] && [ -n "$y" ]
		emu=(--relink "$m=$y")
		RELINKED=$m
	fi
	emu_start "${emu[@]}"
	track_gets() {
		jq -r 'select(.method == "GET") | .path' "$EMU_LOG" |
		    grep -c -E '^/v1/(tracks|albums)/'
	}
	SP_DB=$T/ref.db sp-history -q "$T/lib/export" | SP_DB=$T/ref.db sp-load -q
	for k in tracks albums artists; do
		SP_DB=$T/ref.db sp-ids -q "$k" | sp-fetch -q | sp-normalize 2>/dev/null |
		    SP_DB=$T/ref.db sp-load -q
	done
	n0=$(track_gets)
	run -0 --separate-stderr sp-enrich -q "$T/lib/export"
	assert_output 'sp-audit: all checks pass'
	n1=$(( $(track_gets) - n0 ))
	tracks=$(sql 'SELECT count(DISTINCT track_id) FROM plays')
	[ "$tracks" -gt 100 ]
	# Nothing is left pending; listings gave no ISRC or popularity.
	assert_equal "$(sql 'SELECT count(*) FROM tracks WHERE status IS NULL')" 0
	assert_equal "$(sql "SELECT count(*) FROM tracks WHERE from_listing
	    AND (isrc IS NOT NULL OR popularity IS NOT NULL)")" 0
	# The one-by-one path fetches no album whole.
	assert_equal "$(sqlite3 "$T/ref.db" "SELECT count(*) FROM albums
	    WHERE tracks_listed OR label IS NOT NULL")" 0
	rows "$T/ref.db" "$SP_DB" >"$T/want"
	rows "$SP_DB" "$SP_DB" >"$T/got"
	diff -u "$T/want" "$T/got"
	RATIO=$(awk "BEGIN { printf \"%.3f\", $n1 / $tracks }")
	REF_RATIO=$(awk "BEGIN { printf \"%.3f\", $n0 / $tracks }")
	echo "# $*: $tracks tracks; requests per track: one by one" \
	    "$REF_RATIO, album-first $RATIO ($n1)" >&3
}

@test "issue 13: album-first on an album-listening library: the rows of the one-by-one path, column by column, at most 0.6 requests per distinct track" {
	RELINK=1 album_first -s 2 -t 600 -n 1500 -p 8 -m 4
	[ "$(sql 'SELECT count(*) FROM tracks WHERE from_listing')" -gt 100 ]
	# The relinked id, on no listing, was fetched on its own.
	assert_equal "$(sql "SELECT from_listing, linked_id IS NOT NULL, status
	    FROM tracks WHERE id = '$RELINKED'")" '0|1|ok'
	awk "BEGIN { exit !($RATIO <= 0.6) }"
	assert_equal "$REF_RATIO" 1.000
}

@test "issue 13: album-first on a playlist library (one track per album): the same rows, at most 1.02 requests per distinct track" {
	album_first -s 3 -t 600 -a 200 -p 1 -n 1500
	awk "BEGIN { exit !($RATIO <= 1.02) }"
}
