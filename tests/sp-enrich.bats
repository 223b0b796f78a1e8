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
sp-ids: 13 tracks, one per album
sp-fetch: 13 fetched, 0 not found, 0 not fetched of 13 ids; 14 requests (1 for tokens), 0 answered 429, waited 0 s; T s
sp-load: 13 records: 13 track; 0 rejected
sp-ids: 8 albums, whole: their listings pay off
sp-fetch: 8 fetched, 0 not found, 0 not fetched of 8 ids; 9 requests (0 for tokens), 0 answered 429, waited 0 s; T s
sp-load: 119 records: 8 album, 111 listed track (56 enriched); 0 rejected
sp-ids: 24 tracks
sp-fetch: 21 fetched, 3 not found, 0 not fetched of 24 ids; 24 requests (0 for tokens), 0 answered 429, waited 0 s; T s
sp-load: 24 records: 21 track, 3 error; 0 rejected
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
