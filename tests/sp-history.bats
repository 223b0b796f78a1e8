#!/usr/bin/env bats
# sp-history: Spotify export files in, play records out.
load helper

H="$BATS_TEST_DIRNAME/fixtures/sp-history"
ZERO='0 podcast episodes, 0 audiobook chapters, 0 videos, 0 entries without a track, 0 unreadable'

# One play entry of the Extended Streaming History, on one line.
# TS and NAME are strings, MS is raw JSON, URI (if any) a string.
entry() {	# TS MS NAME [URI]
	local uri=null
	[ -z "${4:-}" ] || uri="\"$4\""
	printf '{"ts":"%s","ms_played":%s,"master_metadata_track_name":"%s","spotify_track_uri":%s}' \
	    "$1" "$2" "$3" "$uri"
}

@test "sp-history: Extended Streaming History: one play per music entry; podcast, audiobook and empty entries skipped and counted" {
	cd "$H"
	golden 0 "$H/extended" sp-history extended.json
}

@test "sp-history: older endsong format: offline_timestamp in milliseconds becomes seconds, user name, IP and user agent never read" {
	cd "$H"
	golden 0 "$H/endsong" sp-history endsong.json
	run -1 grep -e quietlistener -e 198.51.100.7 -e Mozilla \
	    "$BATS_TEST_TMPDIR/golden.out"
}

@test "sp-history: account-data export: ts gets :00 seconds, null track_id, source account, one warning naming the Extended history" {
	cd "$H"
	golden 0 "$H/account" sp-history account.json
}

@test "sp-history: the account-data warning comes once per input" {
	cd "$H"
	run -0 --separate-stderr sp-history -q account.json endsong.json account.json
	assert_equal "${#lines[@]}" 6
	assert_equal "$stderr" "sp-history: account.json: account-data export (StreamingHistory*.json) has no track ids: its plays are loaded but cannot be enriched; request the Extended streaming history instead
sp-history: account.json: account-data export (StreamingHistory*.json) has no track ids: its plays are loaded but cannot be enriched; request the Extended streaming history instead"
	# Two arrays on one standard input are one input: one warning.
	run -0 --separate-stderr bash -c 'cat account.json account.json | sp-history -q'
	assert_equal "${#lines[@]}" 4
	assert_equal "$stderr" "sp-history: stdin: account-data export (StreamingHistory*.json) has no track ids: its plays are loaded but cannot be enriched; request the Extended streaming history instead"
}

@test "sp-history: an account-data podcast file (name contains podcast) is skipped as podcast episodes" {
	cp "$H/account.json" "$BATS_TEST_TMPDIR/StreamingHistory_podcast_0.json"
	cd "$BATS_TEST_TMPDIR"
	run -0 --separate-stderr sp-history StreamingHistory_podcast_0.json
	assert_output ''
	assert_equal "$stderr" 'sp-history: 0 plays written; skipped: 3 podcast episodes, 0 audiobook chapters, 0 videos, 0 entries without a track, 0 unreadable'
}

@test "sp-history: a Streaming_History_Video file: every entry counted as a video" {
	cp "$H/extended.json" "$BATS_TEST_TMPDIR/Streaming_History_Video_2023-2024.json"
	cd "$BATS_TEST_TMPDIR"
	run -0 --separate-stderr sp-history Streaming_History_Video_2023-2024.json
	assert_output ''
	assert_equal "$stderr" 'sp-history: 0 plays written; skipped: 0 podcast episodes, 0 audiobook chapters, 7 videos, 0 entries without a track, 0 unreadable'
}

@test "sp-history: ts as YYYY-MM-DD HH:MM:SS is accepted and written in UTC ISO form" {
	run -0 --separate-stderr sp-history -q <<<"[$(entry '2024-06-02 18:41:09' 1234 Spaced spotify:track:5zr3QA7YeEEBY3ABp3e2zS)]"
	assert_output '{"type":"play","ts":"2024-06-02T18:41:09Z","ms_played":1234,"track_id":"5zr3QA7YeEEBY3ABp3e2zS","track_name":"Spaced","artist_name":null,"album_name":null,"reason_start":null,"reason_end":null,"shuffle":null,"skipped":null,"offline":null,"offline_ts":null,"incognito":null,"platform":null,"conn_country":null,"source":"extended"}'
	assert_equal "$stderr" ''
}

@test "sp-history: several arrays one after another on stdin (cat a.json b.json | sp-history)" {
	cd "$H"
	cat extended.out endsong.out >"$BATS_TEST_TMPDIR/want.out"
	run -0 --separate-stderr bash -c 'cat extended.json endsong.json | sp-history'
	diff -u "$BATS_TEST_TMPDIR/want.out" - <<<"$output"
	assert_equal "$stderr" 'sp-history: 6 plays written; skipped: 1 podcast episode, 1 audiobook chapter, 0 videos, 1 entry without a track, 0 unreadable'
}

@test "sp-history: in a second array on stdin, lines count from the start of the input and entries from the start of the array" {
	cd "$H"
	n=$(wc -l <extended.json)
	awk -v n="$n" -F: '{ sub(/^sp-history: bad.json:[0-9]+:/, "sp-history: stdin:" $3 + n ":") } 1' \
	    bad.err >"$BATS_TEST_TMPDIR/want.err"
	run -1 --separate-stderr bash -c 'cat extended.json bad.json | sp-history -q'
	assert_equal "${#lines[@]}" 7
	diff -u "$BATS_TEST_TMPDIR/want.err" - <<<"$stderr"
}

@test "sp-history: unreadable entries are reported with file, line and entry number and skipped; good entries are written; exit 1" {
	cd "$H"
	# entry 2 is not an object, 3 is not valid JSON, 4 has a bad track
	# URI, 5 a bad ts, 6 a string ms_played, 8 neither ts nor endTime.
	golden 1 "$H/bad" sp-history -q bad.json
}

@test "sp-history: a bad ts, a bad track URI and a string ms_played are counted as unreadable in the summary" {
	{
		echo '['
		entry 2024-06-02T25:00:00Z 1 'Bad hour' spotify:track:5zr3QA7YeEEBY3ABp3e2zS; echo ,
		entry 2024-06-02T18:00:00Z 1 'Bad URI' spotify:album:5zr3QA7YeEEBY3ABp3e2zS; echo ,
		entry 2024-06-02T18:00:00Z '"1"' 'String ms' spotify:track:5zr3QA7YeEEBY3ABp3e2zS; echo ,
		entry 2024-06-02T18:00:01Z 7 'Good' spotify:track:5zr3QA7YeEEBY3ABp3e2zS; echo
		echo ']'
	} >"$BATS_TEST_TMPDIR/in.json"
	cd "$BATS_TEST_TMPDIR"
	run -1 --separate-stderr sp-history in.json
	assert_equal "${#lines[@]}" 1
	assert_output --partial '"ts":"2024-06-02T18:00:01Z","ms_played":7,"track_id":"5zr3QA7YeEEBY3ABp3e2zS","track_name":"Good"'
	assert_equal "$stderr" 'sp-history: in.json:2: entry 1: "ts": not a timestamp: "2024-06-02T25:00:00Z"
sp-history: in.json:3: entry 2: "spotify_track_uri": not a Spotify track URI: "spotify:album:5zr3QA7YeEEBY3ABp3e2zS"
sp-history: in.json:4: entry 3: "ms_played": expected an integer >= 0
sp-history: 1 play written; skipped: 0 podcast episodes, 0 audiobook chapters, 0 videos, 0 entries without a track, 3 unreadable'
}

@test "sp-history: entries the parser rejects (not JSON, not an object) are counted as unreadable in the summary" {
	cd "$H"
	run -1 --separate-stderr sp-history bad.json
	assert_equal "${stderr##*$'\n'}" 'sp-history: 3 plays written; skipped: 0 podcast episodes, 0 audiobook chapters, 0 videos, 0 entries without a track, 6 unreadable'
}

@test "sp-history: an entry that is a number, true or null is reported as not a JSON object" {
	printf '[\n42,\ntrue,\nnull,\n%s\n]\n' "$(entry 2024-06-02T18:41:09Z 5 ok)" >"$BATS_TEST_TMPDIR/in.json"
	cd "$BATS_TEST_TMPDIR"
	run -1 --separate-stderr sp-history -q in.json
	assert_equal "${#lines[@]}" 1
	assert_equal "$stderr" 'sp-history: in.json:2: entry 1: not a JSON object
sp-history: in.json:3: entry 2: not a JSON object
sp-history: in.json:4: entry 3: not a JSON object'
}

@test "sp-history: non-UTF-8 bytes in a name: the entry is reported and skipped, the others written" {
	{
		echo '['
		entry 2024-06-02T18:41:09Z 1 before; echo ,
		entry 2024-06-02T18:42:09Z 2 "bad $(printf '\xff') name"; echo ,
		entry 2024-06-02T18:43:09Z 3 after; echo
		echo ']'
	} >"$BATS_TEST_TMPDIR/in.json"
	run -1 --separate-stderr sp-history -q <"$BATS_TEST_TMPDIR/in.json"
	assert_equal "${#lines[@]}" 2
	assert_line -n 0 --partial '"ms_played":1,"track_id":null,"track_name":"before"'
	assert_line -n 1 --partial '"ms_played":3,"track_id":null,"track_name":"after"'
	# The 0xff is byte 78 of the entry.
	assert_equal "$stderr" 'sp-history: stdin:3: entry 2: invalid UTF-8 at byte 78'
}

@test "sp-history: a truncated JSON array: the entries before the cut are written, exit 1" {
	head -c -40 "$H/endsong.json" >"$BATS_TEST_TMPDIR/cut.json"
	cd "$BATS_TEST_TMPDIR"
	run -1 --separate-stderr sp-history cut.json
	assert_output "$(head -1 "$H/endsong.out")"
	assert_equal "${#stderr_lines[@]}" 2
	assert_regex "${stderr_lines[0]}" '^sp-history: cut\.json:[0-9]+: .*truncated JSON array$'
}

@test "sp-history: a truncated JSON array names the line and number of the cut entry and counts it unreadable" {
	head -c -40 "$H/endsong.json" >"$BATS_TEST_TMPDIR/cut.json"
	cd "$BATS_TEST_TMPDIR"
	run -1 --separate-stderr sp-history cut.json
	assert_output "$(head -1 "$H/endsong.out")"
	# Entry 2 opens on line 25.
	assert_equal "$stderr" 'sp-history: cut.json:25: entry 2: truncated JSON array
sp-history: 1 play written; skipped: 0 podcast episodes, 0 audiobook chapters, 0 videos, 0 entries without a track, 1 unreadable'
}

@test "sp-history: an input that is not an array is reported; the next input is still read" {
	entry 2024-06-02T18:41:09Z 5 lone >"$BATS_TEST_TMPDIR/object.json"
	cp "$H/endsong.json" "$BATS_TEST_TMPDIR"
	cd "$BATS_TEST_TMPDIR"
	run -1 --separate-stderr sp-history object.json endsong.json
	diff -u "$H/endsong.out" - <<<"$output"
	assert_equal "$stderr" "sp-history: object.json:1: not a JSON array
sp-history: 2 plays written; skipped: ${ZERO% 0 unreadable} 1 unreadable"
}

@test "sp-history: an empty or whitespace-only file is an error naming it, counted unreadable; the other files are read; exit 1" {
	: >"$BATS_TEST_TMPDIR/empty.json"
	printf ' \n\t\n' >"$BATS_TEST_TMPDIR/blank.json"
	cp "$H/endsong.json" "$BATS_TEST_TMPDIR"
	cd "$BATS_TEST_TMPDIR"
	run -1 --separate-stderr sp-history empty.json endsong.json blank.json
	diff -u "$H/endsong.out" - <<<"$output"
	assert_equal "$stderr" "sp-history: empty.json: empty file: expected a JSON array
sp-history: blank.json: empty file: expected a JSON array
sp-history: 2 plays written; skipped: ${ZERO% 0 unreadable} 2 unreadable"
}

@test "sp-history: an empty standard input, or empty arrays: no output, a summary of zeros, exit 0" {
	run -0 --separate-stderr sp-history </dev/null
	assert_output ''
	assert_equal "$stderr" "sp-history: 0 plays written; skipped: $ZERO"
	run -0 --separate-stderr sp-history - <<<'  []  [ ]'
	assert_output ''
	assert_equal "$stderr" "sp-history: 0 plays written; skipped: $ZERO"
}

@test "sp-history: no file and a terminal on standard input: it says what it expects, exit 2, without waiting" {
	run -2 timeout 5 python3 -c '
import os, pty, subprocess, sys
m, s = pty.openpty()
p = subprocess.run(["sp-history"], stdin=s, stdout=subprocess.PIPE,
    stderr=subprocess.PIPE)
sys.stdout.write(p.stderr.decode())
sys.exit(p.returncode)'
	assert_output "sp-history: no file named and standard input is a terminal: name the export's files (Streaming_History_Audio_*.json), their folder or the zip archive Spotify sent, or pipe a JSON array in"
}

@test "sp-history: a missing file: exit 3 and a message naming it" {
	cd "$BATS_TEST_TMPDIR"
	run -3 --separate-stderr sp-history nope.json
	assert_output ''
	assert_equal "$stderr" "sp-history: nope.json: cannot open: No such file or directory
sp-history: 0 plays written; skipped: $ZERO"
}

@test "sp-history: after a missing file, every other input is still read" {
	cd "$H"
	run -3 --separate-stderr sp-history nope.json endsong.json extended.json
	diff -u <(cat endsong.out extended.out) - <<<"$output"
	assert_equal "$stderr" 'sp-history: nope.json: cannot open: No such file or directory
sp-history: 6 plays written; skipped: 1 podcast episode, 1 audiobook chapter, 0 videos, 1 entry without a track, 0 unreadable'
}

@test "sp-history: -q silences the summary, not the warnings" {
	cd "$H"
	run -0 --separate-stderr sp-history -q extended.json
	diff -u extended.out - <<<"$output"
	assert_equal "$stderr" ''
	run -0 --separate-stderr sp-history --quiet account.json
	diff -u account.out - <<<"$output"
	assert_equal "$stderr" "$(head -1 account.err)"
}

@test "sp-history: --help prints the usage on stdout, exit 0, with the SYNOPSIS and exactly the options of the man page; --version the version" {
	run -0 --separate-stderr sp-history --help
	assert_equal "$stderr" ''
	assert_line -n 0 'usage: sp-history [-hqV] [file ...]'
	assert_equal "$(help_synopsis <<<"$output")" "$(man_synopsis sp-history)"
	assert_equal "$(help_options <<<"$output")" "$(man_options sp-history)"
	run -0 --separate-stderr sp-history --version
	assert_output --regexp '^sp-history [0-9]+\.[0-9]+\.[0-9]+$'
	assert_equal "$stderr" ''
	run -0 sp-history -h
	assert_line -n 0 'usage: sp-history [-hqV] [file ...]'
}

@test "sp-history: an unknown option: usage on stderr, exit 2" {
	run -2 --separate-stderr sp-history --bogus "$H/extended.json"
	assert_output ''
	assert_equal "${stderr_lines[0]}" "sp-history: unrecognized option '--bogus'"
	assert_equal "${stderr_lines[1]}" 'usage: sp-history [-hqV] [file ...]'
	run -2 --separate-stderr sp-history -x
	assert_equal "${stderr_lines[0]}" "sp-history: invalid option -- 'x'"
}

# mkzip ZIP NAME=FILE...: a zip archive of FILEs stored as NAMEs, the way
# Spotify sends the export.
mkzip() {
	python3 -c '
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    for a in sys.argv[2:]:
        name, path = a.split("=", 1)
        z.write(path, name)' "$@"
}

@test "sp-history: the zip archive Spotify sends: only its streaming-history files, in archive order, named archive/member in messages" {
	local d="Spotify Extended Streaming History"
	cd "$BATS_TEST_TMPDIR"
	cp "$H/endsong.json" "$H/extended.json" "$H/account.json" .
	printf '{"username":"x"}' >Userdata.json
	mkzip my_spotify_data.zip "$d/Streaming_History_Audio_2024_1.json=endsong.json" \
	    "$d/ReadMeFirst.pdf=Userdata.json" "Userdata.json=Userdata.json" \
	    "$d/Streaming_History_Audio_2023_0.json=extended.json" \
	    "MyData/StreamingHistory_music_0.json=account.json"
	run -0 --separate-stderr sp-history my_spotify_data.zip
	assert_equal "$output" "$(cat "$H/endsong.out" "$H/extended.out" "$H/account.out")"
	assert_equal "$stderr" "sp-history: my_spotify_data.zip/MyData/StreamingHistory_music_0.json: account-data export (StreamingHistory*.json) has no track ids: its plays are loaded but cannot be enriched; request the Extended streaming history instead
sp-history: 8 plays written; skipped: 1 podcast episode, 1 audiobook chapter, 0 videos, 2 entries without a track, 0 unreadable"
}

@test "sp-history: a folder: its streaming-history files, in name order; a folder or archive without any is an error" {
	cd "$BATS_TEST_TMPDIR"
	mkdir export empty
	cp "$H/endsong.json" export/Streaming_History_Audio_2024_1.json
	cp "$H/extended.json" export/Streaming_History_Audio_2023_0.json
	printf '{"username":"x"}' >export/Userdata.json
	run -0 --separate-stderr sp-history export
	assert_equal "$output" "$(cat "$H/extended.out" "$H/endsong.out")"
	run -1 --separate-stderr sp-history empty
	assert_output ''
	assert_equal "${stderr_lines[0]}" 'sp-history: empty: no streaming history in this folder (Streaming_History_Audio_*.json or StreamingHistory*.json)'
	mkzip none.zip "Userdata.json=export/Userdata.json"
	run -1 --separate-stderr sp-history none.zip
	assert_equal "${stderr_lines[0]}" 'sp-history: none.zip: no streaming history in this archive (Streaming_History_Audio_*.json or StreamingHistory*.json)'
}

@test "sp-history: a damaged zip archive: exit 3 and a message naming it; what came before is written" {
	cd "$BATS_TEST_TMPDIR"
	cp "$H/extended.json" Streaming_History_Audio_2023_0.json
	mkzip ok.zip "Streaming_History_Audio_2023_0.json=Streaming_History_Audio_2023_0.json"
	head -c 60 ok.zip >bad.zip
	run -3 --separate-stderr sp-history bad.zip Streaming_History_Audio_2023_0.json
	diff -u "$H/extended.out" - <<<"$output"
	assert_regex "${stderr_lines[0]}" '^sp-history: bad.zip(/Streaming_History_Audio_2023_0.json)?: '
}

@test "issue 15: an entry nested past 512 is refused at once, in time linear in its length, and the entries around it land" {
	local e='{"ts":"2024-01-01T10:15:00Z","ms_played":1000,"spotify_track_uri":"spotify:track:4uLU6hMCjMI75M1A2tKUQC"}'
	{
		echo "[$e,"
		head -c 1000000 /dev/zero | tr '\0' '['
		head -c 1000000 /dev/zero | tr '\0' ']'
		echo ",${e/10:15/10:16}]"
	} >"$BATS_TEST_TMPDIR/deep.json"
	# (It took about a minute, then said "invalid JSON at byte 1".)
	run -1 --separate-stderr timeout 5 sp-history -q "$BATS_TEST_TMPDIR/deep.json"
	assert_equal "$stderr" "sp-history: $BATS_TEST_TMPDIR/deep.json:2: entry 2: nested deeper than 512 at byte 513"
	assert_equal "$(jq -r .ts <<<"$output")" '2024-01-01T10:15:00Z
2024-01-01T10:16:00Z'
}
