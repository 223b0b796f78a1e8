#!/usr/bin/env bats
# sp-sync: the store mirrored into a real PostgreSQL server, which this
# file starts (initdb, pg_ctl; a Unix socket in a temporary folder, no
# TCP) and stops at the end, failed tests or not.  Each test has its own
# database.
load helper

T1=2026-11-20T10:00:00Z		# when the first tracks and artists were fetched
T2=2026-11-22T10:00:00Z		# ... the rest of the tracks
PW=sesame-7Qx-not-in-argv	# the password of the role sp_pw

# as_pg CMD...: run CMD as the server's user: postgres when we are root
# (PostgreSQL refuses to run as root), else ourselves.
as_pg() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

# envelopes KIND TIME: the catalog's KIND objects on stdin as sp-fetch's
# envelopes, fetched at TIME.
envelopes() {
	jq -c --arg k "$1" --arg t "$2" \
	    '{type: $k, id: .id, fetched_at: $t, object: .}'
}

setup_file() {
	local d pgbin
	pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
	# Under /tmp, not bats' folder: the server's user must reach it.
	d=$(mktemp -d /tmp/sp-sync-pg.XXXXXX)
	chmod 0755 "$d"
	[ "$(id -u)" -ne 0 ] || chown postgres "$d"
	export PGDIR=$d PGBIN=$pgbin PGHOST=$d PGUSER=postgres
	unset PGPASSWORD PGDATABASE PGSERVICE PGPORT PGHOSTADDR
	as_pg "$pgbin/initdb" -D "$d/data" -A trust -U postgres --no-sync \
	    -E UTF8 --locale=C >"$d/initdb.log" 2>&1 || return
	cat >>"$d/data/postgresql.conf" <<-EOF
	listen_addresses = ''
	unix_socket_directories = '$d'
	fsync = off
	synchronous_commit = off
	full_page_writes = off
	lc_messages = 'C'
	EOF
	# One role must give a password; everyone else is trusted.
	{ echo "local all sp_pw scram-sha-256"
	  cat "$d/data/pg_hba.conf"; } >"$d/hba" &&
	    as_pg cp "$d/hba" "$d/data/pg_hba.conf"
	as_pg "$pgbin/pg_ctl" -D "$d/data" -l "$d/server.log" -w -t 30 \
	    start >/dev/null || return
	psql -qX -c "CREATE ROLE sp_pw LOGIN PASSWORD '$PW'" || return

	# The stores: a catalog and its export, from sp-gen.  part.db: the
	# plays, 40 of the 60 tracks and every artist enriched at T1, the
	# 3 tracks not in the catalog not found.  full.db: the other 20
	# tracks enriched at T2.
	local f=$BATS_FILE_TMPDIR
	export SOURCE_DATE_EPOCH=1795514400 HOME=$f/home
	sp-gen -s 1 -t 60 -n 400 -m 3 "$f/gen" >/dev/null || return
	export SP_DB=$f/part.db
	sp-history "$f"/gen/export/*.json 2>/dev/null | sp-load -q || return
	head -n 40 "$f/gen/catalog/tracks.ndjson" | envelopes track "$T1" |
	    sp-normalize | sp-load -q || return
	envelopes artist "$T1" <"$f/gen/catalog/artists.ndjson" |
	    sp-normalize | sp-load -q || return
	sqlite3 "$SP_DB" "SELECT id FROM tracks WHERE status IS NULL" |
	    grep -vxFf <(jq -r .id "$f/gen/catalog/tracks.ndjson") |
	    jq -Rc --arg t "$T1" '{type: "track", id: ., fetched_at: $t,
		error: {status: 404, message: "non existing id"}}' |
	    sp-load -q || return
	cp "$f/part.db" "$f/full.db"
	export SP_DB=$f/full.db
	tail -n 20 "$f/gen/catalog/tracks.ndjson" | envelopes track "$T2" |
	    sp-normalize | sp-load -q || return
}

teardown_file() {
	[ -n "${PGDIR:-}" ] || return 0
	as_pg "$PGBIN/pg_ctl" -D "$PGDIR/data" -m immediate -w stop \
	    >/dev/null 2>&1
	rm -rf "$PGDIR"
}

setup() {
	sp_setup
	export PGDATABASE=t$BATS_TEST_NUMBER
	unset PGPASSWORD
	cp "$BATS_FILE_TMPDIR/full.db" "$SP_DB"
	createdb "$PGDATABASE"
}

teardown() {
	[ -z "${LOCK_PID:-}" ] || lock_end
	emu_stop
}

# pg QUERY...: rows from PostgreSQL, '|' between columns, NULL as NULL.
pg() { psql -AtqX -P null=NULL "$@"; }

# A timestamp as the store writes it.
TS="to_char(%s AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
ts() { printf "$TS" "$1"; }

# Each table as the store has it (sqlite3) and as PostgreSQL has it,
# in one order.  PostgreSQL's booleans and timestamps are shown the
# store's way.
declare -gA LITE PG
LITE[plays]="SELECT ts, ms_played, track_id, track_name, artist_name,
    album_name, reason_start, reason_end, shuffle, skipped, offline,
    offline_ts, incognito, platform, conn_country, source FROM plays
    ORDER BY 1, 2, 3, 4, 5"
PG[plays]="SELECT $(ts ts), ms_played, track_id, track_name, artist_name,
    album_name, reason_start, reason_end, shuffle::int, skipped::int,
    offline::int, offline_ts, incognito::int, platform, conn_country,
    source FROM sp.plays WHERE listener = :'l'
    ORDER BY 1, 2, 3 NULLS FIRST, 4 NULLS FIRST, 5 NULLS FIRST"
# (tracks.from_listing and albums.tracks_listed stay in the store.)
LITE[tracks]="SELECT id, name, album_id, duration_ms, explicit, popularity,
    isrc, disc_number, track_number, linked_id, status, fetched_at
    FROM tracks ORDER BY id"
PG[tracks]="SELECT id, name, album_id, duration_ms, explicit::int,
    popularity, isrc, disc_number, track_number, linked_id, status,
    $(ts fetched_at) FROM sp.tracks ORDER BY id"
LITE[albums]="SELECT id, name, album_type, release_date,
    release_date_precision, release_year, total_tracks, label, popularity,
    upc, status, fetched_at FROM albums ORDER BY id"
PG[albums]="SELECT id, name, album_type, release_date,
    release_date_precision, release_year, total_tracks, label, popularity,
    upc, status, $(ts fetched_at) FROM sp.albums ORDER BY id"
LITE[artists]="SELECT * FROM artists ORDER BY id"
PG[artists]="SELECT id, name, popularity, followers, genre_count, status,
    $(ts fetched_at) FROM sp.artists ORDER BY id"
LITE[track_artists]="SELECT * FROM track_artists ORDER BY 1, 3"
PG[track_artists]="SELECT * FROM sp.track_artists ORDER BY 1, 3"
LITE[artist_genres]="SELECT * FROM artist_genres ORDER BY 1, 3"
PG[artist_genres]="SELECT * FROM sp.artist_genres ORDER BY 1, 3"
LITE[genres]="SELECT * FROM genres ORDER BY 1"
PG[genres]="SELECT * FROM sp.genres ORDER BY 1"
TABLES="plays tracks albums artists track_artists artist_genres genres"

# same [-l LISTENER] [-d STORE] TABLE...: each TABLE holds, row by row,
# what the store holds (the plays: LISTENER's, default ann).
same() {
	local l=ann db=$SP_DB t
	[ "$1" != -l ] || { l=$2; shift 2; }
	[ "$1" != -d ] || { db=$2; shift 2; }
	for t in "$@"; do
		sqlite3 -nullvalue NULL "$db" "${LITE[$t]}" >"$BATS_TEST_TMPDIR/lite"
		pg -v l="$l" <<<"${PG[$t]}" >"$BATS_TEST_TMPDIR/pg" || return
		[ -s "$BATS_TEST_TMPDIR/lite" ] || { echo "$t: empty" >&2; return 1; }
		diff -u --label "store $t" --label "PostgreSQL $t" \
		    "$BATS_TEST_TMPDIR/lite" "$BATS_TEST_TMPDIR/pg" || return
	done
}

# pgdump: every table of PostgreSQL (plays of all listeners), to compare
# a database with itself before and after.
pgdump() {
	local t
	for t in $TABLES; do
		echo "== $t"
		if [ "$t" = plays ]; then
			pg -c "SELECT listener, $(ts ts), ms_played, track_id,
			    track_name FROM sp.plays ORDER BY 1, 2, 3, 4, 5"
		else
			pg -v l= -c "${PG[$t]}"
		fi
	done
	pg -c "SELECT listener, store_id, plays_rowid FROM sp.sync_state
	    ORDER BY 1, 2"
}

# whole [STORE]: what a first sync of STORE sends, as its summary says.
whole() {
	local t n out=
	for t in plays tracks albums artists genres; do
		n=$(sqlite3 "${1:-$SP_DB}" "SELECT count(*) FROM $t")
		[ "$n" != 1 ] || t=${t%s}
		out="$out${out:+, }$n $t"
	done
	echo "$out sent; 0 unchanged; T s"
}

# summary: sp-sync's stderr with its time as "T s".
summary() { sed -E 's/; [0-9]+\.[0-9] s$/; T s/' <<<"$stderr"; }

# new_plays N: N new plays of the store's first tracks, a year later.
new_plays() {
	sql "SELECT id FROM tracks WHERE status = 'ok' ORDER BY id LIMIT $1" |
	    awk '{ printf "{\"type\":\"play\",\"ts\":\"2025-02-0%dT10:00:00Z\",\"ms_played\":%d,\"track_id\":\"%s\",\"track_name\":\"New %d\",\"artist_name\":\"A\",\"source\":\"extended\"}\n", NR, 60000 + NR, $1, NR }' |
	    sp-load -q
}

# lock_start: another session locks sync_state, which a sync writes
# last, so a sync waits there inside its transaction with every row
# sent; lock_end lets it go.  wait_sync: until a sync so waits.
lock_start() {
	mkfifo "$BATS_TEST_TMPDIR/lock.in"
	psql -AtqX <"$BATS_TEST_TMPDIR/lock.in" >"$BATS_TEST_TMPDIR/lock.out" \
	    2>&1 3>&- &
	LOCK_PID=$!
	exec 5>"$BATS_TEST_TMPDIR/lock.in"
	echo "BEGIN; LOCK TABLE sp.sync_state IN EXCLUSIVE MODE;
	    SELECT 'locked';" >&5
	for i in $(seq 100); do
		grep -q locked "$BATS_TEST_TMPDIR/lock.out" && return 0
		sleep 0.1
	done
	echo "lock_start: no lock: $(cat "$BATS_TEST_TMPDIR/lock.out")" >&2
	return 1
}
lock_end() {
	echo "COMMIT;" >&5
	exec 5>&-
	wait "$LOCK_PID"
	LOCK_PID=
}
wait_sync() {
	local i
	for i in $(seq 150); do
		[ "$(pg -c "SELECT count(*) FROM pg_stat_activity WHERE
		    application_name = 'sp-sync' AND wait_event_type = 'Lock'")" = 1 ] &&
		    return 0
		sleep 0.1
	done
	echo "wait_sync: no sp-sync waits for the lock" >&2
	return 1
}
# gone: until no sp-sync session is left on the server.
gone() {
	local i
	for i in $(seq 150); do
		[ "$(pg -c "SELECT count(*) FROM pg_stat_activity WHERE
		    application_name = 'sp-sync'")" = 0 ] && return 0
		sleep 0.1
	done
	return 1
}

@test "sp-sync: a first sync: every table, row by row, as in the store; the summary; schema version 1" {
	run -0 --separate-stderr sp-sync --listener ann
	assert_output ''
	run -0 summary
	assert_output 'sp-sync: 380 plays, 63 tracks, 6 albums, 12 artists, 28 genres sent; 0 unchanged; T s'
	same $TABLES
	run -0 pg -c "SELECT version FROM sp.meta"
	assert_output 1
	# The catalog's foreign keys hold.
	run -0 pg -c "SELECT conrelid::regclass, pg_get_constraintdef(oid)
	    FROM pg_constraint WHERE contype = 'f' ORDER BY 1, 2"
	assert_output "sp.tracks|FOREIGN KEY (album_id) REFERENCES sp.albums(id) DEFERRABLE INITIALLY DEFERRED
sp.track_artists|FOREIGN KEY (artist_id) REFERENCES sp.artists(id) DEFERRABLE INITIALLY DEFERRED
sp.track_artists|FOREIGN KEY (track_id) REFERENCES sp.tracks(id) DEFERRABLE INITIALLY DEFERRED
sp.artist_genres|FOREIGN KEY (artist_id) REFERENCES sp.artists(id) DEFERRABLE INITIALLY DEFERRED
sp.artist_genres|FOREIGN KEY (genre) REFERENCES sp.genres(genre) DEFERRABLE INITIALLY DEFERRED"
	run -1 pg -c "INSERT INTO sp.track_artists VALUES ('nope', 'nope', 0)"
	# The fixture holds what the rules below are about.
	run -0 sql "SELECT count(*) FROM tracks WHERE status = 'not_found'"
	assert_output 3
	run -0 sql "SELECT count(*) FROM plays WHERE ms_played < 30000"
	refute_output 0
}

@test "sp-sync: a second run sends only new plays and newly enriched tracks, counted; then nothing" {
	cp "$BATS_FILE_TMPDIR/part.db" "$SP_DB"
	want="sp-sync: $(whole)"
	run -0 sql "SELECT count(*) FROM tracks WHERE status IS NULL"
	[ "$output" -gt 0 ]
	run -0 --separate-stderr sp-sync --listener ann
	run -0 summary
	assert_output "$want"
	same $TABLES
	new_plays 5
	tail -n 20 "$BATS_FILE_TMPDIR/gen/catalog/tracks.ndjson" |
	    envelopes track "$T2" | sp-normalize | sp-load -q
	# What changed: 5 plays, 20 tracks, the albums they embed.
	run -0 sql "SELECT count(*) FROM albums WHERE fetched_at = '$T2'"
	albums=$output
	[ "$albums" -gt 0 ]
	run -0 --separate-stderr sp-sync --listener ann
	run -0 summary
	assert_output "sp-sync: 5 plays, 20 tracks, $albums albums, 0 artists, 0 genres sent; $((385 + 63 + 6 + 12 + 28 - 25 - albums)) unchanged; T s"
	same $TABLES
	run -0 --separate-stderr sp-sync --listener ann
	run -0 summary
	assert_output "sp-sync: 0 plays, 0 tracks, 0 albums, 0 artists, 0 genres sent; $((385 + 63 + 6 + 12 + 28)) unchanged; T s"
	same $TABLES
}

@test "sp-sync: two listeners share one catalog: each one's plays intact, the newer rows kept, a not_found never over an ok" {
	# bob's store: the first 200 plays of the export, his tracks
	# fetched at T2 (later), one of them renamed since, and one track
	# ann has ok that Spotify did not find for him, later still.
	local bob=$BATS_TEST_TMPDIR/bob.db f=$BATS_FILE_TMPDIR
	jq '.[:200]' "$f"/gen/export/*.json >"$BATS_TEST_TMPDIR/bob.json"
	sp-history "$BATS_TEST_TMPDIR/bob.json" 2>/dev/null | SP_DB=$bob sp-load -q
	# Two of bob's tracks that ann has enriched.
	mapfile -t ids < <(LC_ALL=C comm -12 \
	    <(sqlite3 "$bob" "SELECT id FROM tracks ORDER BY id") \
	    <(sql "SELECT id FROM tracks WHERE status = 'ok' ORDER BY id"))
	renamed=${ids[0]} lost=${ids[1]}
	grep -F "\"id\":\"$renamed\"" "$f/gen/catalog/tracks.ndjson" |
	    jq -c '.name = "Renamed"' | envelopes track 2026-11-23T10:00:00Z |
	    sp-normalize | SP_DB=$bob sp-load -q
	envelopes artist "$T1" <"$f/gen/catalog/artists.ndjson" |
	    sp-normalize | SP_DB=$bob sp-load -q
	echo "{\"type\":\"track\",\"id\":\"$lost\",\"fetched_at\":\"2026-11-24T10:00:00Z\",\"error\":{\"status\":404,\"message\":\"non existing id\"}}" |
	    SP_DB=$bob sp-load -q
	run -0 sql "SELECT status FROM tracks WHERE id IN ('$renamed', '$lost')"
	assert_output $'ok\nok'

	run -0 --separate-stderr sp-sync --listener ann
	want="sp-sync: $(whole "$bob")"
	run -0 --separate-stderr sp-sync --listener bob -d "$bob"
	run -0 summary
	assert_output "$want"
	same plays
	same -l bob -d "$bob" plays
	run -0 sqlite3 "$bob" "SELECT count(*) FROM plays"
	assert_equal "$(pg -c "SELECT listener, count(*) FROM sp.plays GROUP BY 1 ORDER BY 1")" "ann|380
bob|$output"
	# The renamed track is bob's (fetched later), the lost one ann's ok.
	run -0 pg -c "SELECT name, status, $(ts fetched_at) FROM sp.tracks WHERE id = '$renamed'"
	assert_output "Renamed|ok|2026-11-23T10:00:00Z"
	run -0 sql "SELECT name || '|' || status || '|' || fetched_at FROM tracks WHERE id = '$lost'"
	want=$output
	run -0 pg -c "SELECT name || '|' || status || '|' || $(ts fetched_at) FROM sp.tracks WHERE id = '$lost'"
	assert_output "$want"
	# Every other catalog row is ann's: bob's are not newer.
	sqlite3 -nullvalue NULL "$SP_DB" "${LITE[tracks]}" |
	    grep -v -e "^$renamed|" >"$BATS_TEST_TMPDIR/want"
	pg -c "${PG[tracks]}" | grep -v -e "^$renamed|" >"$BATS_TEST_TMPDIR/got"
	diff -u "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
	same artists artist_genres genres
	# The renamed track's album came with it, newer: bob's.
	run -0 pg -c "SELECT $(ts al.fetched_at) FROM sp.albums al
	    JOIN sp.tracks t ON t.album_id = al.id WHERE t.id = '$renamed'"
	assert_output 2026-11-23T10:00:00Z
	# ann again: nothing of hers changed, nothing goes back.
	run -0 --separate-stderr sp-sync --listener ann
	run -0 summary
	assert_output "sp-sync: 0 plays, 0 tracks, 0 albums, 0 artists, 0 genres sent; $((380 + 63 + 6 + 12 + 28)) unchanged; T s"
	run -0 pg -c "SELECT name FROM sp.tracks WHERE id = '$renamed'"
	assert_output Renamed
}

@test "sp-sync: a sync killed (SIGKILL) inside its transaction leaves the database as it was; the next run completes it" {
	run -0 --separate-stderr sp-sync --listener ann
	pgdump >"$BATS_TEST_TMPDIR/before"
	new_plays 4
	sql "UPDATE tracks SET name = 'Changed', fetched_at = '2026-11-24T00:00:00Z' WHERE rowid = 1"
	lock_start
	sp-sync --listener ann 2>"$BATS_TEST_TMPDIR/killed.err" 3>&- &
	pid=$!
	wait_sync
	# It has sent every row: the plays are in, uncommitted.
	run -0 pg -c "SELECT query FROM pg_stat_activity WHERE application_name = 'sp-sync'"
	assert_output --partial 'INSERT INTO sync_state'
	kill -KILL "$pid"
	st=0
	wait "$pid" || st=$?
	assert_equal "$st" 137
	lock_end
	gone
	pgdump >"$BATS_TEST_TMPDIR/after"
	diff -u "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
	run -0 --separate-stderr sp-sync --listener ann
	run -0 summary
	assert_output "sp-sync: 4 plays, 1 track, 0 albums, 0 artists, 0 genres sent; $((384 + 63 + 6 + 12 + 28 - 5)) unchanged; T s"
	same $TABLES
}

@test "sp-sync: SIGINT or SIGTERM inside the transaction: the statement cancelled, rolled back, status 130 or 143, the database as it was" {
	local sig want i
	run -0 --separate-stderr sp-sync --listener ann
	pgdump >"$BATS_TEST_TMPDIR/before"
	new_plays 2
	for sig in INT:130 TERM:143; do
		want=${sig#*:} sig=${sig%:*}
		lock_start
		sp-sync --listener ann 2>"$BATS_TEST_TMPDIR/int.err" 3>&- &
		pid=$!
		wait_sync
		kill -"$sig" "$pid"
		# It ends while the lock is still held: it did not wait.
		for i in $(seq 100); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		run ! kill -0 "$pid"
		st=0
		wait "$pid" || st=$?
		assert_equal "$st" "$want"
		run -0 cat "$BATS_TEST_TMPDIR/int.err"
		assert_output 'sp-sync: interrupted: nothing was changed'
		lock_end
		rm "$BATS_TEST_TMPDIR/lock.in"
		gone
		pgdump >"$BATS_TEST_TMPDIR/after"
		diff -u "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
	done
}

@test "sp-sync: --prune deletes this listener's plays the store no longer has, and no one else's" {
	run -0 --separate-stderr sp-sync --listener ann
	run -0 --separate-stderr sp-sync --listener bob
	sql "DELETE FROM plays WHERE id IN (3, 50, 377)"
	run -0 --separate-stderr sp-sync -q --listener ann
	assert_equal "$stderr" ''
	run -0 pg -c "SELECT count(*) FROM sp.plays WHERE listener = 'ann'"
	assert_output 380
	run -0 --separate-stderr sp-sync --listener ann --prune
	run -0 summary
	assert_output "sp-sync: 377 plays, 0 tracks, 0 albums, 0 artists, 0 genres sent; $((63 + 6 + 12 + 28)) unchanged; 3 pruned; T s"
	same plays
	run -0 pg -c "SELECT listener, count(*) FROM sp.plays GROUP BY 1 ORDER BY 1"
	assert_output $'ann|377\nbob|380'
}

@test "sp-sync: -n says what it would send and changes nothing, in PostgreSQL or in the store" {
	run -0 --separate-stderr sp-sync -n --listener ann
	assert_output '380 plays, 63 tracks, 6 albums, 12 artists, 28 genres to send; 0 unchanged'
	assert_equal "$stderr" ''
	run -0 pg -c "SELECT count(*) FROM pg_namespace WHERE nspname = 'sp'"
	assert_output 0
	run -0 sql "SELECT count(*) FROM sqlite_master WHERE name = 'sp_sync'"
	assert_output 0
	run -0 --separate-stderr sp-sync --listener ann
	new_plays 3
	pgdump >"$BATS_TEST_TMPDIR/before"
	run -0 --separate-stderr sp-sync -n --listener ann
	assert_output "3 plays, 0 tracks, 0 albums, 0 artists, 0 genres to send; $((383 + 63 + 6 + 12 + 28 - 3)) unchanged"
	pgdump >"$BATS_TEST_TMPDIR/after"
	diff -u "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
	run -0 --separate-stderr sp-sync --listener ann
	run -0 summary
	assert_output "sp-sync: 3 plays, 0 tracks, 0 albums, 0 artists, 0 genres sent; $((383 + 63 + 6 + 12 + 28 - 3)) unchanged; T s"
}

# The counting rules, computed on the store: a listen is a play of 30 s
# or more, credited to its track's first artist; its time and count are
# split equally among that artist's distinct genres, if it is enriched.
SPLIT="WITH l AS (SELECT p.ms_played, ta.artist_id FROM plays p
    JOIN track_artists ta ON ta.track_id = p.track_id AND ta.position = 0
    JOIN artists a ON a.id = ta.artist_id AND a.status = 'ok'
    WHERE p.ms_played >= 30000),
  g AS (SELECT DISTINCT artist_id, genre FROM artist_genres),
  n AS (SELECT artist_id, count(*) AS n FROM g GROUP BY artist_id),
  s AS (SELECT g.genre, ge.family, l.ms_played * 1.0 / n.n AS ms,
    1.0 / n.n AS c FROM l JOIN g USING (artist_id) JOIN n USING (artist_id)
    LEFT JOIN genres ge ON ge.genre = g.genre),
  tot AS (SELECT sum(ms) AS t FROM s)"

@test "sp-sync: the genre, family, decade and top-artist views agree with the store to the millisecond" {
	# A second genre for one artist, and an unmapped genre: splits.
	sql "INSERT INTO genres VALUES ('zz unmapped', NULL);
	    INSERT INTO artist_genres SELECT artist_id, 'zz unmapped', 9
	    FROM track_artists WHERE position = 0 LIMIT 1"
	run -0 --separate-stderr sp-sync --listener ann
	run -0 --separate-stderr sp-sync --listener bob
	run -0 sql "$SPLIT SELECT genre, ifnull(family, 'NULL'),
	    CAST(round(sum(ms)) AS INTEGER), printf('%.3f', sum(c)),
	    printf('%.6f', sum(ms) / (SELECT t FROM tot)) FROM s
	    GROUP BY genre ORDER BY genre"
	want=$output
	[ "${#lines[@]}" -gt 5 ]
	assert_output --partial '|NULL|'
	run -0 pg -c "SELECT genre, family, ms_played, listens, round(share, 6)
	    FROM sp.listener_genres WHERE listener = 'ann' ORDER BY genre"
	assert_output "$want"
	run -0 sql "$SPLIT SELECT ifnull(family, 'NULL'),
	    CAST(round(sum(ms)) AS INTEGER), printf('%.3f', sum(c)),
	    printf('%.6f', sum(ms) / (SELECT t FROM tot)) FROM s
	    GROUP BY family ORDER BY family IS NULL, family"
	want=$output
	run -0 pg -c "SELECT family, ms_played, listens, round(share, 6)
	    FROM sp.listener_families WHERE listener = 'ann'
	    ORDER BY family NULLS LAST"
	assert_output "$want"
	run -0 sql "SELECT ifnull(al.release_year / 10 * 10, 'NULL'),
	    sum(p.ms_played), count(*) FROM plays p
	    LEFT JOIN tracks t ON t.id = p.track_id
	    LEFT JOIN albums al ON al.id = t.album_id
	    WHERE p.ms_played >= 30000 GROUP BY 1 ORDER BY 1"
	want=$output
	run -0 pg -c "SELECT decade, ms_played, listens FROM sp.listener_decades
	    WHERE listener = 'ann' ORDER BY decade::text"
	assert_output "$want"
	run -0 sql "SELECT a.id, a.name, sum(p.ms_played), count(*) FROM plays p
	    JOIN track_artists ta ON ta.track_id = p.track_id AND ta.position = 0
	    JOIN artists a ON a.id = ta.artist_id
	    WHERE p.ms_played >= 30000 GROUP BY a.id ORDER BY 3 DESC, 1"
	want=$output
	run -0 pg -c "SELECT artist_id, name, ms_played, listens
	    FROM sp.listener_artists WHERE listener = 'ann'
	    ORDER BY ms_played DESC, artist_id"
	assert_output "$want"
	# Per listener: bob's figures are his own (the same store here).
	run -0 pg -c "SELECT count(DISTINCT listener) FROM sp.listener_genres"
	assert_output 2
}

@test "sp-sync: a refused connection: a clear message, status 75" {
	run -75 --separate-stderr sp-sync --dsn "host=$BATS_TEST_TMPDIR dbname=x"
	assert_equal "$stderr" "sp-sync: cannot connect to PostgreSQL: connection to server on socket \"$BATS_TEST_TMPDIR/.s.PGSQL.5432\" failed: No such file or directory Is the server running locally and accepting connections on that socket?"
}

@test "sp-sync: a missing database: a clear message, status 4" {
	run -4 --separate-stderr sp-sync --dsn "dbname=nowhere"
	assert_equal "$stderr" "sp-sync: cannot connect to PostgreSQL: connection to server on socket \"$PGDIR/.s.PGSQL.5432\" failed: FATAL: database \"nowhere\" does not exist"
}

@test "sp-sync: a wrong password: status 5, and the password is never shown; none given: asked for" {
	export PGPASSWORD=wrong-$PW
	run -5 --separate-stderr sp-sync --dsn "user=sp_pw"
	assert_equal "$stderr" "sp-sync: authentication failed: connection to server on socket \"$PGDIR/.s.PGSQL.5432\" failed: FATAL: password authentication failed for user \"sp_pw\""
	refute_output --partial "$PW"
	unset PGPASSWORD
	run -5 --separate-stderr sp-sync --dsn "user=sp_pw"
	assert_equal "$stderr" "sp-sync: the server asks for a password: set PGPASSWORD, or use ~/.pgpass or a service file"
}

@test "sp-sync: the password from PGPASSWORD works and is never in sp-sync's argv (ps); application_name is sp-sync" {
	psql -qX -c "ALTER DATABASE $PGDATABASE OWNER TO sp_pw"
	PGPASSWORD=$PW run -0 --separate-stderr sp-sync --dsn "user=sp_pw" --listener ann
	same plays
	lock_start
	new_plays 1
	PGPASSWORD=$PW sp-sync --dsn "user=sp_pw" --listener ann \
	    >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" 3>&- &
	pid=$!
	wait_sync
	# What ps shows: the process's argv.
	run -0 bash -c "tr '\\0' ' ' </proc/$pid/cmdline"
	assert_output --partial 'sp-sync --dsn user=sp_pw --listener ann'
	refute_output --partial "$PW"
	run -0 pg -c "SELECT usename FROM pg_stat_activity WHERE application_name = 'sp-sync'"
	assert_output sp_pw
	lock_end
	wait "$pid"
	run -0 cat "$BATS_TEST_TMPDIR/out" "$BATS_TEST_TMPDIR/err"
	assert_output --partial 'sp-sync: 1 play,'
	refute_output --partial "$PW"
}

@test "sp-sync: a schema newer than this sp-sync is refused, status 4" {
	run -0 --separate-stderr sp-sync --listener ann
	pg -c "UPDATE sp.meta SET version = 99"
	run -4 --separate-stderr sp-sync --listener ann
	assert_equal "$stderr" 'sp-sync: schema sp is version 99, newer than this sp-sync knows (1): upgrade sp'
}

@test "sp-sync: --schema puts everything in another schema; a bad option is a usage error" {
	run -0 --separate-stderr sp-sync --listener ann --schema 'My "Music"'
	run -0 pg -c "SELECT count(*) FROM \"My \"\"Music\"\"\".plays"
	assert_output 380
	run -0 pg -c "SELECT count(*) FROM pg_namespace WHERE nspname = 'sp'"
	assert_output 0
	run -2 --separate-stderr sp-sync --bogus
	assert_equal "${stderr_lines[0]}" "sp-sync: unrecognized option '--bogus'"
	assert_equal "${stderr_lines[1]}" 'usage: sp-sync [-hnqV] [-d file] [--dsn dsn] [--listener name] [--schema name]'
}

@test "sp-sync: a server older than PostgreSQL 12 is refused, naming both versions, status 4" {
	# A stand-in that answers the start-up as PostgreSQL 11.22 would.
	local d=$BATS_TEST_TMPDIR/old i
	command -v python3 >/dev/null || skip "python3 is needed for the stand-in"
	mkdir "$d"
	python3 - "$d/.s.PGSQL.5432" 3>&- <<-'EOF' &
	import socket, struct, sys
	s = socket.socket(socket.AF_UNIX)
	s.bind(sys.argv[1])
	s.listen(1)
	c, _ = s.accept()
	n = struct.unpack('!i', c.recv(4))[0]
	c.recv(n - 4)
	def msg(t, b):
	    c.sendall(t + struct.pack('!i', len(b) + 4) + b)
	msg(b'R', struct.pack('!i', 0))
	msg(b'S', b'server_version\0' + b'11.22\0')
	msg(b'K', struct.pack('!ii', 1, 2))
	msg(b'Z', b'I')
	c.recv(64)
	EOF
	for i in $(seq 50); do
		[ -S "$d/.s.PGSQL.5432" ] && break
		sleep 0.1
	done
	run -4 --separate-stderr sp-sync --dsn "host=$d gssencmode=disable dbname=x"
	assert_equal "$stderr" 'sp-sync: PostgreSQL 11.22 is too old: sp-sync needs PostgreSQL 12 or later'
	wait
}

@test "sp-sync: a second store of the same listener adds only the plays the first did not have" {
	run -0 --separate-stderr sp-sync --listener ann
	# The same export's first 100 plays, and 2 of its own, elsewhere.
	local other=$BATS_TEST_TMPDIR/other.db
	sqlite3 "$SP_DB" ".backup '$other'"
	sqlite3 "$other" "DELETE FROM sp_sync; DELETE FROM plays WHERE id > 100"
	SP_DB=$other new_plays 2
	run -0 --separate-stderr sp-sync --listener ann -d "$other"
	run -0 summary
	assert_output --regexp '^sp-sync: 102 plays, '
	run -0 pg -c "SELECT count(*) FROM sp.plays WHERE listener = 'ann'"
	assert_output 382
	new_plays 2
	same plays
}

@test "sp-sync: a play whose track is not in the store's tracks fails the sync (status 4); nothing is changed" {
	run -0 sql "SELECT track_id FROM plays WHERE track_id IS NOT NULL LIMIT 1"
	id=$output
	sql "DELETE FROM tracks WHERE id = '$id'; DELETE FROM track_artists WHERE track_id = '$id'"
	run -4 --separate-stderr sp-sync --listener ann
	assert_equal "$stderr" "sp-sync: a play names track $id, which is not in tracks: run sp-audit"
	run -0 pg -c "SELECT count(*) FROM pg_namespace WHERE nspname = 'sp'"
	assert_output 0
}

@test "sp-sync: no store: status 4 before any connection" {
	run -4 --separate-stderr sp-sync -d "$BATS_TEST_TMPDIR/none.db" --dsn "host=$BATS_TEST_TMPDIR"
	assert_equal "$stderr" "sp-sync: $BATS_TEST_TMPDIR/none.db: no database here (load plays first: sp-history FILE | sp-load)"
}

@test "sp-sync: the views and sp-report give the same figures, to the millisecond" {
	sql "INSERT INTO genres VALUES ('zz unmapped', NULL);
	    INSERT INTO artist_genres SELECT artist_id, 'zz unmapped', 9
	    FROM track_artists WHERE position = 0 LIMIT 1"
	run -0 --separate-stderr sp-sync --listener ann
	# genre, family, ms_played, listens: sp-report's CSV and the view's.
	want=$(sp-report --csv genres | tr -d '\r' | tail -n +2 |
	    cut -d, -f1-4 | LC_ALL=C sort)
	[ "$(wc -l <<<"$want")" -gt 5 ]
	run -0 pg -F , -P null= -c "SELECT genre, family, ms_played,
	    round(listens, 2) FROM sp.listener_genres WHERE listener = 'ann'"
	assert_equal "$(LC_ALL=C sort <<<"$output")" "$want"
	want=$(sp-report --csv families | tr -d '\r' | tail -n +2 |
	    cut -d, -f1-3 | LC_ALL=C sort)
	run -0 pg -F , -P null= -c "SELECT family, ms_played, round(listens, 2)
	    FROM sp.listener_families WHERE listener = 'ann'"
	assert_equal "$(LC_ALL=C sort <<<"$output")" "$want"
	want=$(sp-report --csv decades | tr -d '\r' | tail -n +2 |
	    cut -d, -f1-3 | LC_ALL=C sort)
	run -0 pg -F , -P null= -c "SELECT decade, ms_played, listens
	    FROM sp.listener_decades WHERE listener = 'ann'"
	assert_equal "$(LC_ALL=C sort <<<"$output")" "$want"
	want=$(sp-report --csv artists | tr -d '\r' | tail -n +2 |
	    awk -F, '{ print $1 "," $(NF - 2) "," $(NF - 1) }' | LC_ALL=C sort)
	run -0 pg -F , -c "SELECT artist_id, ms_played, listens
	    FROM sp.listener_artists WHERE listener = 'ann'"
	assert_equal "$(LC_ALL=C sort <<<"$output")" "$want"
}
