#!/usr/bin/env bats
# sp-report over a fixture store whose figures are computed by hand:
#
#   listens (>= 30 s)   ms       track  first artist (genres)       album
#   2024-01-10 10:00  200000   One    Ana (indie rock, dream pop)  1985
#   2024-02-05 12:00  100000   One                                 1985
#   2024-02-05 13:00   10000   One    (short: not a listen)
#   2024-01-15 20:00   60000   Two    Bo (uk drill)                2019
#   2023-12-31 23:30   40000   Two                                 2019
#   2024-03-01 08:00   90000   Three  Cy (zolo: no family)         2019
#   2024-03-02 09:00   50000   Four   Di (no genres)               "0000"
#   2024-03-03 10:00   30000   Five   Ed (not enriched)            1985
#   2024-03-04 11:00   45000   "Six, gone": not found
#   2024-03-05 12:00   35000   Seven: pending
#   2024-03-06 13:00   70000   no track id (account data)
#
# 10 listens, 720000 ms; classified (One, Two, Three): 490000 ms.
load helper

F="$FIX/sp-report"

setup() {
	sp_setup
	export TZ=UTC LC_ALL=C COLUMNS=80
	unset NO_COLOR
	sp-load -q < "$F/store.ndjson"
}

@test "sp-report genres: time split equally among the first artist's genres, shares of the classified time" {
	run -0 --separate-stderr sp-report --csv genres
	assert_output "$(printf '%s\r\n' 'genre,family,ms_played,listens,share' \
	    'dream pop,pop,150000,1.00,0.3061' \
	    'indie rock,rock,150000,1.00,0.3061' \
	    'uk drill,hip hop,100000,2.00,0.2041' \
	    'zolo,,90000,1.00,0.1837')"
	assert_equal "$stderr" ''
}

@test "sp-report genres --json: one object a row, null for no family" {
	run -0 sp-report --json genres
	assert_output '{"genre":"dream pop","family":"pop","ms_played":150000,"listens":1.00,"share":0.3061}
{"genre":"indie rock","family":"rock","ms_played":150000,"listens":1.00,"share":0.3061}
{"genre":"uk drill","family":"hip hop","ms_played":100000,"listens":2.00,"share":0.2041}
{"genre":"zolo","family":null,"ms_played":90000,"listens":1.00,"share":0.1837}'
}

@test "sp-report families: a family's time is its genres' time; no family is null, last" {
	run -0 sp-report --json families
	assert_output '{"family":"pop","ms_played":150000,"listens":1.00,"share":0.3061}
{"family":"rock","ms_played":150000,"listens":1.00,"share":0.3061}
{"family":"hip hop","ms_played":100000,"listens":2.00,"share":0.2041}
{"family":null,"ms_played":90000,"listens":1.00,"share":0.1837}'
}

@test "sp-report families: the text report, ASCII bars without a UTF-8 locale, the coverage line at the end" {
	run -0 sp-report families
	assert_output 'Genre families
  the time of each family'"'"'s genres; share of the classified time

  family     time  listens  share
  pop       2m30s        1  30.6%  #############################################
  rock      2m30s        1  30.6%  #############################################
  hip hop   1m40s        2  20.4%  ##############################
  unmapped  1m30s        1  18.4%  ###########################

coverage: 12m00s of listening; 79.2% enriched (6.2% not found, 4.9% pending, 9.7% without a track id); genres for 68.1%, release years for 72.2%'
}

@test "sp-report: UTF-8 eighth blocks in a UTF-8 locale; colour only when asked or on a terminal" {
	LC_ALL=C.UTF-8 run -0 sp-report families
	assert_line --index 3 "  pop       2m30s        1  30.6%  $(printf '█%.0s' $(seq 45))"
	assert_line --index 5 "  hip hop   1m40s        2  20.4%  $(printf '█%.0s' $(seq 30))"
	# 90000 / 150000 of 45 columns: 27 of them.
	assert_line --index 6 "  unmapped  1m30s        1  18.4%  $(printf '█%.0s' $(seq 27))"
	refute_output --partial $'\033'
	run -0 sp-report --color always families
	assert_line --index 0 $'\033[1mGenre families\033[0m'
	assert_output --partial $'\033[36m####'
	NO_COLOR=1 run -0 script -qefc 'sp-report families' /dev/null
	refute_output --partial $'\033['
	run -0 script -qefc 'sp-report families' /dev/null
	assert_output --partial $'\033[36m'
}

@test "sp-report decades and years: by the album's release year, unknown years a row of their own, last" {
	run -0 sp-report --csv decades
	assert_output "$(printf '%s\r\n' 'decade,ms_played,listens,share' \
	    '1980,330000,3,0.4583' '2010,190000,3,0.2639' ',200000,4,0.2778')"
	run -0 sp-report --json years
	assert_output '{"year":1985,"ms_played":330000,"listens":3,"share":0.4583}
{"year":2019,"ms_played":190000,"listens":3,"share":0.2639}
{"year":null,"ms_played":200000,"listens":4,"share":0.2778}'
	run -0 sp-report decades
	# (lines holds no empty line)
	assert_line --index 2 '   decade   time  listens  share'
	assert_line --index 3 "    1980s  5m30s        3  45.8%  $(printf '#%.0s' $(seq 46))"
	# 200000 / 330000 of 46 columns: 28.
	assert_line --index 5 "  unknown  3m20s        4  27.8%  $(printf '#%.0s' $(seq 28))"
}

@test "sp-report age: year played minus release year" {
	run -0 sp-report --csv age
	assert_output "$(printf '%s\r\n' 'age,ms_played,listens,share' \
	    '4,40000,1,0.0556' '5,150000,2,0.2083' '39,330000,3,0.4583' \
	    ',200000,4,0.2778')"
}

@test "sp-report artists: credited to the first artist; --genre and --family keep the artists that have it" {
	run -0 sp-report --csv artists
	assert_output "$(printf '%s\r\n' 'artist_id,artist,ms_played,listens,share' \
	    'Artist1000000000000000,Ana,300000,2,0.4167' \
	    'Artist2000000000000000,Bo,100000,2,0.1389' \
	    'Artist3000000000000000,Cy,90000,1,0.1250' \
	    'Artist4000000000000000,Di,50000,1,0.0694' \
	    'Artist5000000000000000,Ed,30000,1,0.0417')"
	run -0 sp-report --json --genre 'UK  Drill' artists
	assert_output '{"artist_id":"Artist2000000000000000","artist":"Bo","ms_played":100000,"listens":2,"share":0.1389}'
	run -0 sp-report --json --family rock artists
	assert_output --partial '"artist":"Ana"'
	assert_equal "${#lines[@]}" 1
	run -0 sp-report --json --family unmapped artists
	assert_output --partial '"artist":"Cy"'
	assert_equal "${#lines[@]}" 1
	run -2 --separate-stderr sp-report --family jazzz artists
	assert_equal "${stderr_lines[0]}" 'sp-report: --family is not a genre family: jazzz'
	run -2 --separate-stderr sp-report --genre rock genres
	assert_equal "${stderr_lines[0]}" 'sp-report: --genre and --family go with artists'
}

@test "sp-report tracks: names from the store, else from the export; CSV quotes a comma" {
	run -0 sp-report --csv tracks
	assert_output "$(printf '%s\r\n' 'track_id,track,artist,ms_played,listens,share' \
	    'Track10000000000000000,One,Ana,300000,2,0.4167' \
	    'Track20000000000000000,Two,Bo,100000,2,0.1389' \
	    'Track30000000000000000,Three,Cy,90000,1,0.1250' \
	    'Track40000000000000000,Four,Di,50000,1,0.0694' \
	    'Track60000000000000000,"Six, gone",Fay,45000,1,0.0625' \
	    'Track70000000000000000,Seven,Gus,35000,1,0.0486' \
	    'Track50000000000000000,Five,Ed,30000,1,0.0417')"
}

@test "sp-report albums: the top albums with their year" {
	run -0 sp-report --csv albums
	assert_output "$(printf '%s\r\n' 'album_id,album,year,ms_played,listens,share' \
	    'Album10000000000000000,First Light,1985,330000,3,0.4583' \
	    'Album20000000000000000,Second,2019,190000,3,0.2639' \
	    'Album30000000000000000,Zero,,50000,1,0.0694')"
}

@test "sp-report months: calendar months with the top family; --tz moves a play across midnight" {
	run -0 sp-report --csv --tz UTC months
	assert_output "$(printf '%s\r\n' 'month,family,ms_played,listens,share' \
	    '2023-12,hip hop,40000,1,0.0556' '2024-01,pop,260000,2,0.3611' \
	    '2024-02,pop,100000,1,0.1389' '2024-03,,320000,6,0.4444')"
	# 2023-12-31 23:30 UTC is 2024-01-01 08:30 in Tokyo, where January
	# has 100000 ms each of pop, rock and hip hop: a tie goes to the
	# first name.
	run -0 sp-report --csv --tz Asia/Tokyo months
	assert_line --index 1 $'2024-01,hip hop,300000,3,0.4167\r'
	run -2 --separate-stderr sp-report --tz Mars/Olympus months
	assert_equal "${stderr_lines[0]}" 'sp-report: --tz is not a time zone: Mars/Olympus'
}

@test "sp-report clock: 7 x 24 rows in local time, adding up to all listening" {
	run -0 sp-report --csv --tz UTC clock
	assert_equal "${#lines[@]}" 169
	assert_line --index 0 $'weekday,hour,ms_played,listens,share\r'
	# 2024-01-10 was a Wednesday.
	assert_line $'Wed,10,200000,1,0.2778\r'
	run -0 bash -c 'sp-report --json --tz UTC clock | jq -s "map(.ms_played) | add"'
	assert_output 720000
	run -0 sp-report --csv --tz Asia/Tokyo clock
	assert_line $'Wed,19,200000,1,0.2778\r'
}

@test "sp-report coverage: enriched, not found, pending, without an id; artists without genres, albums without a year" {
	run -0 sp-report --csv coverage
	assert_output "$(printf '%s\r\n' 'part,ms_played,listens,share' \
	    'enriched,570000,7,0.7917' 'not_found,45000,1,0.0625' \
	    'pending,35000,1,0.0486' 'no_track_id,70000,1,0.0972' \
	    'no_genres,80000,2,0.1111' 'no_year,50000,1,0.0694')"
	# Every text report ends with the one-line form.
	for r in genres families decades years age artists tracks albums \
	    months clock coverage; do
		run -0 sp-report "$r"
		assert_line --index $((${#lines[@]} - 1)) --regexp '^coverage: 12m00s of listening; 79\.2% enriched'
	done
}

@test "sp-report: --from and --to (inclusive) on the play time in UTC, --min-ms" {
	run -0 sp-report --json --from 2024-01-01 coverage
	assert_line --index 0 '{"part":"enriched","ms_played":530000,"listens":6,"share":0.7794}'
	run -0 sp-report --csv --to 2024-01-31 artists
	assert_output "$(printf '%s\r\n' 'artist_id,artist,ms_played,listens,share' \
	    'Artist1000000000000000,Ana,200000,1,0.6667' \
	    'Artist2000000000000000,Bo,100000,2,0.3333')"
	run -0 sp-report --csv --from 2024-01-10 --to 2024-01-10 tracks
	assert_line --index 1 $'Track10000000000000000,One,Ana,200000,1,1.0000\r'
	assert_equal "${#lines[@]}" 2
	run -0 sp-report --csv --min-ms 100000 genres
	assert_output "$(printf '%s\r\n' 'genre,family,ms_played,listens,share' \
	    'dream pop,pop,150000,1.00,0.5000' 'indie rock,rock,150000,1.00,0.5000')"
	run -0 sp-report --csv --min-ms 0 --from 2024-02-05 --to 2024-02-05 tracks
	assert_line --index 1 $'Track10000000000000000,One,Ana,110000,2,1.0000\r'
	run -2 --separate-stderr sp-report --from 2024-02-30 genres
	assert_equal "${stderr_lines[0]}" 'sp-report: --from is not a day (YYYY-MM-DD): 2024-02-30'
	run -2 --separate-stderr sp-report --from 2024-03-01 --to 2024-02-01 genres
	assert_equal "${stderr_lines[0]}" 'sp-report: --from 2024-03-01 is after --to 2024-02-01'
	run -0 --separate-stderr sp-report --from 2025-01-01 genres
	assert_output ''
	assert_equal "$stderr" 'sp-report: no listens of 30000 ms or more in the period asked'
}

@test "sp-report: --limit cuts the top lists; text shows 20 by default, CSV and NDJSON all" {
	run -0 sp-report --csv --limit 2 tracks
	assert_equal "${#lines[@]}" 3
	run -0 sp-report --json --limit 1 genres
	assert_output '{"genre":"dream pop","family":"pop","ms_played":150000,"listens":1.00,"share":0.3061}'
	# Decades are not a top list.
	run -0 sp-report --csv --limit 1 decades
	assert_equal "${#lines[@]}" 4
	# 25 tracks: text shows 20, CSV 25.
	for i in $(seq 10 34); do
		printf '{"type":"play","ts":"2024-05-01T10:%02d:00Z","ms_played":40000,"track_id":"Extra%02d000000000000000","source":"extended"}\n' \
		    "$i" "$i"
	done | sp-load -q
	run -0 sp-report --csv tracks
	assert_equal "${#lines[@]}" 33
	run -0 sp-report tracks
	assert_equal "$(printf '%s\n' "${lines[@]}" | grep -c ' [0-9.]*%  ')" 20
}

@test "sp-report html: one page, nothing from outside, names escaped, every section" {
	printf '%s\n' '{"type":"track","id":"Track70000000000000000","name":"<script>alert(1)</script> & \"q\" '"'"'s","fetched_at":"2026-11-24T10:00:00Z","album":{"id":"Album30000000000000000","name":"Zero"},"artists":[{"id":"Artist4000000000000000","name":"<b>Di</b>","position":0}]}' |
	    sp-load -q
	run -0 --separate-stderr sp-report html
	assert_equal "$stderr" ''
	assert_line --index 0 '<!DOCTYPE html>'
	assert_output --partial '&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot; &#39;s'
	assert_output --partial '&lt;b&gt;Di&lt;/b&gt;'
	refute_output --partial '<script'
	refute_output --partial '<b>Di'
	refute_output --regexp '(src|href)='
	refute_output --regexp 'url\(|@import|https?://'
	for s in families genres decades artists tracks albums months clock \
	    age years coverage; do
		assert_output --partial "<section id=\"$s\">"
	done
	assert_output --partial '<title>pop: 2m30s, 1, 30.6%</title>'
	assert_output --partial 'prefers-color-scheme:dark'
	run -2 --separate-stderr sp-report --csv html
	assert_equal "${stderr_lines[0]}" 'sp-report: html is a page: --csv and --json are for the other reports'
}

# chromium: headless, as the tests run it (as root it needs --no-sandbox).
chromium_run() {
	timeout 120 chromium --headless --no-sandbox --disable-gpu \
	    --disable-quic --no-first-run --disable-background-networking \
	    --disable-component-update --disable-sync --hide-scrollbars \
	    --user-data-dir="$BATS_TEST_TMPDIR/chromium" "$@" 2>/dev/null
}

@test "sp-report html: rendered by a real browser, not blank, with the top family and artist, hostile names as text" {
	command -v chromium >/dev/null || skip "chromium is not installed (make deps)"
	printf '%s\n' '{"type":"artist","id":"Artist1000000000000000","name":"Ana <script>document.title=\"pwned\"</script>","genres":["indie rock","dream pop"],"families":["rock","pop"],"fetched_at":"2026-11-25T10:00:00Z"}' |
	    sp-load -q
	sp-report html > "$BATS_TEST_TMPDIR/report.html"
	chromium_run --window-size=1000,2000 \
	    --screenshot="$BATS_TEST_TMPDIR/report.png" \
	    "file://$BATS_TEST_TMPDIR/report.html"
	run -0 python3 "$F/pngstat.py" "$BATS_TEST_TMPDIR/report.png"
	# More than 3% of the pixels are not the background.
	awk -v s="$output" 'BEGIN { exit !(s > 0.03) }' ||
	    fail "blank page: $output"
	run -0 chromium_run --dump-dom "file://$BATS_TEST_TMPDIR/report.html"
	assert_output --partial '<td>pop</td>'
	assert_output --partial 'Ana &lt;script&gt;document.title="pwned"&lt;/script&gt;'
	assert_output --partial '<title>Your listening: sp report</title>'
	refute_output --partial 'pwned</title>'
	refute_output --partial '<script'
}

@test "sp-report: an empty store says so, exit 0; no store is a database error" {
	rm -f "$SP_DB"*
	sp-load -q </dev/null
	run -0 --separate-stderr sp-report genres
	assert_output ''
	assert_equal "$stderr" "sp-report: $SP_DB: no plays yet: load an export first (sp-history FILE | sp-load)"
	run -4 --separate-stderr sp-report -d "$BATS_TEST_TMPDIR/none.db" genres
	assert_equal "$stderr" "sp-report: $BATS_TEST_TMPDIR/none.db: no database here (load plays first: sp-history FILE | sp-load)"
}

@test "sp-report: a store from a newer sp is refused" {
	sql 'PRAGMA user_version = 99'
	run -4 --separate-stderr sp-report genres
	assert_equal "$stderr" "sp-report: $SP_DB: database schema version 99 is newer than this sp knows (3): upgrade sp"
}

@test "sp-report: a store of schema 1 gets the report indexes and the listens table, and gives the same figures" {
	run -0 sp-report --csv artists
	local want=$output
	sql 'DROP INDEX plays_listen; DROP INDEX plays_time;
	    DROP INDEX tracks_report; DROP INDEX track_artists_first;
	    DROP INDEX albums_year; DROP TABLE listens;
	    DROP TRIGGER plays_listens_insert; DROP TRIGGER plays_listens_delete;
	    DROP TRIGGER plays_listens_update;
	    CREATE INDEX plays_track ON plays(track_id);
	    ALTER TABLE tracks DROP COLUMN from_listing;
	    ALTER TABLE albums DROP COLUMN tracks_listed;
	    PRAGMA user_version = 1'
	run -0 sp-report --csv artists
	assert_equal "$output" "$want"
	run -0 sql "PRAGMA user_version; SELECT name FROM sqlite_master
	    WHERE name IN ('plays_listen', 'plays_time', 'plays_track',
	    'tracks_report', 'track_artists_first', 'albums_year', 'listens',
	    'plays_listens_insert', 'plays_listens_delete',
	    'plays_listens_update') ORDER BY name"
	assert_output '3
albums_year
listens
plays_listen
plays_listens_delete
plays_listens_insert
plays_listens_update
plays_time
track_artists_first
tracks_report'
}

@test "sp-report: bad operands and options are usage errors; a write error is an I/O error" {
	run -2 --separate-stderr sp-report
	assert_equal "${stderr_lines[0]}" 'usage: sp-report [-hV] [-d file] [--csv | --json] [--from date] [--to date]'
	run -2 --separate-stderr sp-report moods
	assert_equal "${stderr_lines[0]}" 'sp-report: no such report: moods'
	run -2 --separate-stderr sp-report --limit -1 genres
	assert_equal "${stderr_lines[0]}" 'sp-report: --limit is too small: -1'
	run -2 --separate-stderr sp-report --color sometimes genres
	assert_equal "${stderr_lines[0]}" 'sp-report: --color is not auto, always or never: sometimes'
	run -3 --separate-stderr bash -c 'sp-report --csv genres > /dev/full'
	run -3 --separate-stderr bash -c 'sp-report html > /dev/full'
}

@test "sp-report: --help lists the options of the man page, its usage is the SYNOPSIS" {
	run -0 sp-report --help
	assert_equal "$(man_options sp-report)" "$(printf '%s\n' "$output" | help_options)"
	assert_equal "$(man_synopsis sp-report)" "$(printf '%s\n' "$output" | help_synopsis)"
}

@test "sp-report: every report's NDJSON holds the rows and fields of its CSV" {
	local r
	for r in genres families decades years age artists tracks albums \
	    months clock coverage; do
		sp-report --csv --tz UTC "$r" | tr -d '\r' > "$BATS_TEST_TMPDIR/csv"
		sp-report --json --tz UTC "$r" | jq -r '
		    (if input_line_number == 1 then (keys_unsorted | join(","))
		    else empty end),
		    ([.[] | if . == null then "" elif type == "string" and
		    test(",") then "\"" + . + "\"" elif type == "number" then
		    tostring else . end] | join(","))' > "$BATS_TEST_TMPDIR/json"
		# jq prints 1.00 as 1: compare the numbers as numbers.
		run -0 awk -F, 'NR == FNR { a[FNR] = $0; next }
		    { n = split(a[FNR], x, ","); split($0, y, ",")
		      for (i = 1; i <= n; i++)
			if (x[i] != y[i] && !(x[i] ~ /^-?[0-9.]+$/ &&
			    y[i] ~ /^-?[0-9.]+$/ && x[i] + 0 == y[i] + 0)) {
				print FILENAME ": " FNR ": " a[FNR] " / " $0
				exit 1 } }
		    END { if (FNR != length(a)) { print "rows differ"; exit 1 } }' \
		    "$BATS_TEST_TMPDIR/csv" "$BATS_TEST_TMPDIR/json"
		[ "$(wc -l < "$BATS_TEST_TMPDIR/csv")" -gt 1 ] || fail "$r: no rows"
	done
}

@test "sp-report: a store in a folder the user may not write is read as it is; an old one there says what to do" {
	run -0 sp-report --csv artists
	local want=$output
	ro_store
	run -0 --separate-stderr as_reader sp-report --csv artists
	assert_equal "$output" "$want"
	assert_equal "$stderr" ''
	chmod 0755 "$RO_DIR"
	sql 'DROP INDEX tracks_report; PRAGMA user_version = 1'
	chmod 0555 "$RO_DIR"
	run -4 --separate-stderr as_reader sp-report artists
	chmod 0755 "$RO_DIR"
	rm -rf "$RO_DIR"
	assert_equal "$stderr" "sp-report: $SP_DB: opened read-only, and written by an older sp: run sp-report once where the store may be written (database: no such index: tracks_report)"
}

@test "sp-report: the listens the store keeps per track follow plays loaded, changed and deleted; they equal a count of the plays" {
	local q
	q="SELECT coalesce(track_id, ''), count(*), sum(ms_played) FROM plays
	    WHERE ms_played >= 30000 GROUP BY 1 ORDER BY 1"
	run -0 sql "$q"
	local want=$output
	run -0 sql "SELECT track_id, n, ms FROM listens WHERE n > 0 ORDER BY 1"
	assert_equal "$output" "$want"
	# Loading the same records again changes nothing.
	sp-load -q < "$F/store.ndjson"
	run -0 sql "SELECT track_id, n, ms FROM listens WHERE n > 0 ORDER BY 1"
	assert_equal "$output" "$want"
	# By hand: a play made longer, one moved to another track, one gone.
	sql "UPDATE plays SET ms_played = 31000 WHERE ms_played = 10000;
	    UPDATE plays SET track_id = 'Track70000000000000000'
	    WHERE ms_played = 90000;
	    DELETE FROM plays WHERE ms_played = 200000"
	run -0 sql "$q"
	want=$output
	run -0 sql "SELECT track_id, n, ms FROM listens WHERE n > 0 ORDER BY 1"
	assert_equal "$output" "$want"
	# The report from the kept listens equals the report from the plays
	# (--from makes sp-report count the plays themselves).
	run -0 sp-report --csv artists
	want=$output
	run -0 sp-report --csv --from 1970-01-01 artists
	assert_equal "$output" "$want"
	run -0 sp-report --csv coverage
	want=$output
	run -0 sp-report --csv --to 9999-12-30 coverage
	assert_equal "$output" "$want"
}

@test "sp-report: text cuts long names to fit, by display width, and never sends a bidi or C1 control to the terminal" {
	local long
	long=$(printf 'x%.0s' $(seq 300))
	printf '{"type":"track","id":"Track70000000000000000","name":"%s","fetched_at":"2026-11-24T10:00:00Z","album":{"id":"Album30000000000000000","name":"Zero"},"artists":[{"id":"Artist4000000000000000","name":"\\u202eevil\\u0085 \\ud83d\\ude80 \\u5bb6","position":0}]}\n' "$long" |
	    sp-load -q
	run -0 sp-report tracks
	refute_output --partial $'\u202e'
	refute_output --partial $'\u0085'
	assert_output --partial 'xxx...'
	# Every row of the table fits in 80 columns.
	run -0 bash -c 'LC_ALL=C.UTF-8 sp-report tracks | grep "^  " |
	    python3 -c "import sys, unicodedata
print(max(sum(2 if unicodedata.east_asian_width(c) in \"WF\" else 1
    for c in l.rstrip(\"\\n\")) for l in sys.stdin))"'
	[ "$output" -le 80 ] || fail "a row of $output columns"
	LC_ALL=C.UTF-8 run -0 sp-report tracks
	assert_output --partial "xxx…"
	# The rocket and the CJK character take two columns each: the
	# columns after them line up with the other rows'.
	run -0 bash -c 'LC_ALL=C.UTF-8 sp-report tracks | grep -e "  One  " -e "?evil?" |
	    python3 -c "import sys, unicodedata
print(set(sum(2 if unicodedata.east_asian_width(c) in \"WF\" else 1
    for c in l[:l.index(\"%\")]) for l in sys.stdin))"'
	assert_equal "$(wc -w <<<"$output")" 1
}

@test "sp-report: a split time of exactly half a millisecond is rounded half away from zero, as PostgreSQL rounds" {
	rm -f "$SP_DB"*
	printf '%s\n' \
	    '{"type":"track","id":"Track10000000000000000","name":"One","fetched_at":"2026-11-24T10:00:00Z","album":{"id":"Album10000000000000000","name":"A","release_year":2001,"release_date":"2001","release_date_precision":"year"},"artists":[{"id":"Artist1000000000000000","name":"Ana","position":0}]}' \
	    '{"type":"artist","id":"Artist1000000000000000","name":"Ana","genres":["a","b"],"families":["rock","rock"],"fetched_at":"2026-11-24T10:00:00Z"}' \
	    '{"type":"play","ts":"2024-01-01T10:00:00Z","ms_played":30001,"track_id":"Track10000000000000000","source":"extended"}' \
	    '{"type":"play","ts":"2024-01-02T10:00:00Z","ms_played":30000,"track_id":"Track10000000000000000","source":"extended"}' |
	    sp-load -q
	# 60001 ms in two genres: 30000.5 each, listens 1 each (two halves).
	run -0 sp-report --csv genres
	assert_output "$(printf '%s\r\n' 'genre,family,ms_played,listens,share' \
	    'a,rock,30001,1.00,0.5000' 'b,rock,30001,1.00,0.5000')"
	run -0 sp-report --json families
	assert_output '{"family":"rock","ms_played":60001,"listens":2.00,"share":1.0000}'
}

@test "sp-report: what was asked is said: --min-ms, the artists' filter, the time zone; the page ends with the coverage and names the store, not its folder" {
	run -0 sp-report --min-ms 60000 --tz UTC --family 'Hip Hop' artists
	assert_line --index 1 "  credited to each track's first artist; share of all listening, listens of 60000 ms or more, artists with a genre of the family hip hop"
	run -0 sp-report --tz Asia/Tokyo clock
	assert_line --index 1 '  listening time by the hour of the week, darker is more; share of all listening; time zone Asia/Tokyo'
	run -0 sp-report --tz UTC html
	assert_output --partial "<p class=\"meta\">sp.db; time zone UTC &middot; made 2026-11-24T10:00:00Z"
	refute_output --partial "$BATS_TEST_TMPDIR"
	assert_equal "${lines[${#lines[@]} - 6]}" "<footer>"
	assert_line --index $((${#lines[@]} - 5)) --regexp '^<p class="coverage">coverage: 12m00s of listening; 79\.2% enriched'
}

@test "sp-report: --csv with --json, or two reports, are usage errors that say so; a full disk is said once" {
	run -2 --separate-stderr sp-report --csv --json genres
	assert_equal "${stderr_lines[0]}" 'sp-report: --csv and --json: one or the other'
	run -2 --separate-stderr sp-report families decades
	assert_equal "${stderr_lines[0]}" 'sp-report: one report at a time: families decades'
	run -3 --separate-stderr bash -c 'sp-report --csv genres > /dev/full'
	assert_equal "$stderr" 'sp-report: stdout: write error: No space left on device'
	# Without plays lacking a track id, CSV still has the row, at 0.
	sql 'DELETE FROM plays WHERE track_id IS NULL'
	run -0 sp-report --csv coverage
	assert_line --index 4 $'no_track_id,0,0,0.0000\r'
}
