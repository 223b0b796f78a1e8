#!/usr/bin/env bats
# sp-ids: the ids of the store that need fetching, most listened first.
load helper

I="$BATS_TEST_DIRNAME/fixtures/sp-ids"

# ids KIND ID...: the id records sp-ids prints for these ids.
ids() {
	local kind=$1 id
	shift
	for id in "$@"; do
		printf '{"type":"%s","id":"%s"}\n' "$kind" "$id"
	done
}

# The store of the fixtures: plays of 8 tracks (and one without an id),
# tracks 4uLU6h... (fetched 2026-08-01) and 6rqhFg... (2026-11-20)
# enriched with their albums and artists, 2TpxZ7... not found, artist Z
# enriched, an artist and an album not found.
load_fixtures() {
	sp-load -q "$I/plays.ndjson" "$I/enriched.ndjson"
}

@test "sp-ids: the pending tracks, most listened first, then by id; the count on stderr" {
	load_fixtures
	run -0 --separate-stderr sp-ids tracks
	# 5zr3 has two plays (500 s); 2bbb and 3aaa tie at 300 s; 0Hq7 has
	# 1 s, 7xGf 0 s.
	assert_output "$(ids track 5zr3QA7YeEEBY3ABp3e2zS 2bbbbbbbbbbbbbbbbbbbbb \
	    3aaaaaaaaaaaaaaaaaaaaa 0Hq7mRt2vXcWbJ4kPe9sLu 7xGfFoTpQ2E7fRF5lN10tr)"
	assert_equal "$stderr" 'sp-ids: 5 tracks'
}

@test "sp-ids: --all prints every track, enriched or not found too" {
	load_fixtures
	run -0 --separate-stderr sp-ids --all tracks
	assert_output "$(ids track 5zr3QA7YeEEBY3ABp3e2zS 4uLU6hMCjMI75M1A2tKUQC \
	    2bbbbbbbbbbbbbbbbbbbbb 3aaaaaaaaaaaaaaaaaaaaa 6rqhFgbbKwnb9MLmUQDhG6 \
	    2TpxZ7JUBn3uw46aR7qd6V 0Hq7mRt2vXcWbJ4kPe9sLu 7xGfFoTpQ2E7fRF5lN10tr)"
	assert_equal "$stderr" 'sp-ids: 8 tracks'
}

@test "sp-ids: --missing adds the tracks Spotify did not find" {
	load_fixtures
	run -0 --separate-stderr sp-ids --missing tracks
	assert_output "$(ids track 5zr3QA7YeEEBY3ABp3e2zS 2bbbbbbbbbbbbbbbbbbbbb \
	    3aaaaaaaaaaaaaaaaaaaaa 2TpxZ7JUBn3uw46aR7qd6V 0Hq7mRt2vXcWbJ4kPe9sLu \
	    7xGfFoTpQ2E7fRF5lN10tr)"
	assert_equal "$stderr" 'sp-ids: 6 tracks'
}

@test "sp-ids: --older-than DAYS adds the tracks fetched more than DAYS days before now (SOURCE_DATE_EPOCH)" {
	load_fixtures
	# Now is 2026-11-24T10:00:00Z: 90 days back is 2026-08-26T10:00:00Z.
	run -0 --separate-stderr sp-ids --older-than 90 tracks
	assert_output "$(ids track 5zr3QA7YeEEBY3ABp3e2zS 4uLU6hMCjMI75M1A2tKUQC \
	    2bbbbbbbbbbbbbbbbbbbbb 3aaaaaaaaaaaaaaaaaaaaa 0Hq7mRt2vXcWbJ4kPe9sLu \
	    7xGfFoTpQ2E7fRF5lN10tr)"
	assert_equal "$stderr" 'sp-ids: 6 tracks'
	run -0 --separate-stderr sp-ids --older-than 0 tracks
	assert_line -n 4 "$(ids track 6rqhFgbbKwnb9MLmUQDhG6)"
	assert_equal "$stderr" 'sp-ids: 7 tracks'
	run -0 --separate-stderr sp-ids -q --older-than 116 tracks
	refute_output --partial 4uLU6hMCjMI75M1A2tKUQC
	run -0 --separate-stderr sp-ids -q --older-than 115 tracks
	assert_output --partial 4uLU6hMCjMI75M1A2tKUQC
}

@test "sp-ids: --older-than: a row fetched exactly DAYS days ago is not older" {
	sp-load -q <<'EOF'
{"type":"track","id":"0000000000000000000000","fetched_at":"2026-08-26T10:00:00Z"}
{"type":"track","id":"1111111111111111111111","fetched_at":"2026-08-26T09:59:59Z"}
EOF
	run -0 --separate-stderr sp-ids --older-than 90 tracks
	assert_output "$(ids track 1111111111111111111111)"
	assert_equal "$stderr" 'sp-ids: 1 track'
}

@test "sp-ids: --limit N prints the first N; the count says track or tracks" {
	load_fixtures
	run -0 --separate-stderr sp-ids --limit 2 tracks
	assert_output "$(ids track 5zr3QA7YeEEBY3ABp3e2zS 2bbbbbbbbbbbbbbbbbbbbb)"
	assert_equal "$stderr" 'sp-ids: 2 tracks'
	run -0 --separate-stderr sp-ids --limit 1 tracks
	assert_output "$(ids track 5zr3QA7YeEEBY3ABp3e2zS)"
	assert_equal "$stderr" 'sp-ids: 1 track'
	run -0 --separate-stderr sp-ids --limit 0 tracks
	assert_output ''
	assert_equal "$stderr" 'sp-ids: 0 tracks'
	run -0 --separate-stderr sp-ids --limit=3 --all --missing tracks
	assert_output "$(ids track 5zr3QA7YeEEBY3ABp3e2zS 4uLU6hMCjMI75M1A2tKUQC \
	    2bbbbbbbbbbbbbbbbbbbbb)"
}

@test "sp-ids: the artists of loaded tracks are pending, ordered by the listening time of their tracks" {
	load_fixtures
	# Y is on both enriched tracks (400 s + 250 s), X on one (400 s);
	# Z is enriched, G not found.
	run -0 --separate-stderr sp-ids artists
	assert_output "$(ids artist YyyyyyyyyyyyyyyyyyyyyY XxxxxxxxxxxxxxxxxxxxxX)"
	assert_equal "$stderr" 'sp-ids: 2 artists'
	run -0 --separate-stderr sp-ids --all artists
	assert_output "$(ids artist YyyyyyyyyyyyyyyyyyyyyY XxxxxxxxxxxxxxxxxxxxxX \
	    ZzzzzzzzzzzzzzzzzzzzzZ GggggggggggggggggggggG)"
	run -0 --separate-stderr sp-ids --missing artists
	assert_output "$(ids artist YyyyyyyyyyyyyyyyyyyyyY XxxxxxxxxxxxxxxxxxxxxX \
	    GggggggggggggggggggggG)"
	assert_equal "$stderr" 'sp-ids: 3 artists'
}

@test "sp-ids: the albums of loaded tracks are known (enriched from the track), listed with --all, --missing and --older-than" {
	load_fixtures
	run -0 --separate-stderr sp-ids albums
	assert_output ''
	assert_equal "$stderr" 'sp-ids: 0 albums'
	run -0 --separate-stderr sp-ids --all albums
	assert_output "$(ids album 1AAAAAAAAAAAAAAAAAAAAA 2BBBBBBBBBBBBBBBBBBBBB \
	    3CCCCCCCCCCCCCCCCCCCCC)"
	assert_equal "$stderr" 'sp-ids: 3 albums'
	run -0 --separate-stderr sp-ids --missing albums
	assert_output "$(ids album 3CCCCCCCCCCCCCCCCCCCCC)"
	assert_equal "$stderr" 'sp-ids: 1 album'
	run -0 --separate-stderr sp-ids --older-than 100 albums
	assert_output "$(ids album 1AAAAAAAAAAAAAAAAAAAAA)"
}

@test "sp-ids: -q silences the count" {
	load_fixtures
	run -0 --separate-stderr sp-ids -q tracks
	assert_equal "${#lines[@]}" 5
	assert_equal "$stderr" ''
	run -0 --separate-stderr sp-ids --quiet --all artists
	assert_equal "${#lines[@]}" 4
	assert_equal "$stderr" ''
}

@test "sp-ids: -d and --db name the database, over \$SP_DB" {
	load_fixtures
	mv "$SP_DB" "$BATS_TEST_TMPDIR/other.db"
	rm -f "$SP_DB"-*
	run -0 --separate-stderr sp-ids -d "$BATS_TEST_TMPDIR/other.db" --limit 1 tracks
	assert_output "$(ids track 5zr3QA7YeEEBY3ABp3e2zS)"
	run -0 --separate-stderr sp-ids --db="$BATS_TEST_TMPDIR/other.db" -q --limit 1 artists
	assert_output "$(ids artist YyyyyyyyyyyyyyyyyyyyyY)"
	[ ! -e "$SP_DB" ]
}

@test "sp-ids: tracks | head -1 ends quietly: killed by SIGPIPE, nothing on stderr, the pipeline succeeds" {
	awk 'BEGIN {
		for (i = 1; i <= 5000; i++)
			printf "{\"type\":\"play\",\"ts\":\"2024-01-01T00:00:00Z\",\"ms_played\":%d,\"track_id\":\"%022d\",\"source\":\"extended\"}\n", i, i
	}' >"$BATS_TEST_TMPDIR/plays.ndjson"
	sp-load -q "$BATS_TEST_TMPDIR/plays.ndjson"
	# About 250 kB of ids: more than a pipe holds.
	run -0 --separate-stderr bash -c 'sp-ids tracks | head -1; echo "${PIPESTATUS[*]}"'
	assert_output "$(ids track 0000000000000000005000)
141 0"
	assert_equal "$stderr" ''
	run -0 --separate-stderr bash -c 'set -o pipefail; sp-ids tracks | tail -1'
	assert_output "$(ids track 0000000000000000000001)"
	assert_equal "$stderr" 'sp-ids: 5,000 tracks'
}

@test "sp-ids: no database: exit 4 with the message, and no database created" {
	export SP_DB="$BATS_TEST_TMPDIR/none/sp.db"
	run -4 --separate-stderr sp-ids tracks
	assert_output ''
	assert_equal "$stderr" "sp-ids: $SP_DB: no database here (load plays first: sp-history FILE | sp-load)"
	[ ! -e "$BATS_TEST_TMPDIR/none" ]
	unset SP_DB
	run -4 --separate-stderr sp-ids albums
	assert_equal "$stderr" "sp-ids: $HOME/.local/share/sp/sp.db: no database here (load plays first: sp-history FILE | sp-load)"
}

@test "sp-ids: a bad kind, no kind or two kinds: usage on stderr, exit 2" {
	load_fixtures
	run -2 --separate-stderr sp-ids songs
	assert_output ''
	assert_equal "${stderr_lines[0]}" 'sp-ids: not tracks, albums or artists: songs'
	assert_equal "${stderr_lines[1]}" 'usage: sp-ids [-hqV] [--all] [--missing] [--older-than days] [--limit n]'
	run -2 --separate-stderr sp-ids
	assert_output ''
	assert_equal "${stderr_lines[0]}" 'usage: sp-ids [-hqV] [--all] [--missing] [--older-than days] [--limit n]'
	run -2 --separate-stderr sp-ids tracks albums
	assert_output ''
	assert_equal "${stderr_lines[0]}" 'usage: sp-ids [-hqV] [--all] [--missing] [--older-than days] [--limit n]'
}

@test "sp-ids: --limit and --older-than take numbers in range: usage error otherwise" {
	load_fixtures
	run -2 --separate-stderr sp-ids --limit abc tracks
	assert_output ''
	assert_equal "${stderr_lines[0]}" 'sp-ids: --limit is invalid: abc'
	assert_equal "${stderr_lines[1]}" 'usage: sp-ids [-hqV] [--all] [--missing] [--older-than days] [--limit n]'
	run -2 --separate-stderr sp-ids --limit -1 tracks
	assert_equal "${stderr_lines[0]}" 'sp-ids: --limit is too small: -1'
	run -2 --separate-stderr sp-ids --older-than 7d tracks
	assert_equal "${stderr_lines[0]}" 'sp-ids: --older-than is invalid: 7d'
	run -2 --separate-stderr sp-ids --older-than 36501 tracks
	assert_equal "${stderr_lines[0]}" 'sp-ids: --older-than is too large: 36501'
}

@test "sp-ids: --help prints the usage on stdout, exit 0, with the SYNOPSIS and exactly the options of the man page; --version the version" {
	run -0 --separate-stderr sp-ids --help
	assert_equal "$stderr" ''
	assert_line -n 0 'usage: sp-ids [-hqV] [--all] [--missing] [--older-than days] [--limit n]'
	assert_equal "$(help_synopsis <<<"$output")" "$(man_synopsis sp-ids)"
	assert_equal "$(help_options <<<"$output")" "$(man_options sp-ids)"
	run -0 --separate-stderr sp-ids --version
	assert_output --regexp '^sp-ids [0-9]+\.[0-9]+\.[0-9]+$'
	assert_equal "$stderr" ''
}

@test "sp-ids: an unknown option: usage on stderr, exit 2" {
	load_fixtures
	run -2 --separate-stderr sp-ids --bogus tracks
	assert_output ''
	assert_equal "${stderr_lines[0]}" "sp-ids: unrecognized option '--bogus'"
	assert_equal "${stderr_lines[1]}" 'usage: sp-ids [-hqV] [--all] [--missing] [--older-than days] [--limit n]'
}

@test "sp-ids: the bundled example: sp-history | sp-load, then sp-ids tracks lists exactly the export's track ids" {
	export_dir="$EXAMPLES/export"
	[ -d "$export_dir" ] || skip "examples/export not generated yet"
	jq -r '.[] | .spotify_track_uri // empty' \
	    "$export_dir"/Streaming_History_Audio_*.json |
	    sed 's/spotify:track://' | LC_ALL=C sort -u >"$BATS_TEST_TMPDIR/want"
	[ -s "$BATS_TEST_TMPDIR/want" ]
	run -0 --separate-stderr bash -c 'set -o pipefail
	    sp-history "$1"/*.json | sp-load' _ "$export_dir"
	run -0 --separate-stderr sp-ids tracks
	jq -r .id <<<"$output" | LC_ALL=C sort >"$BATS_TEST_TMPDIR/got"
	diff -u "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
	n=$(wc -l <"$BATS_TEST_TMPDIR/want" | rev |
	    sed 's/\([0-9]\{3\}\)/\1,/g; s/,$//' | rev)
	assert_equal "$stderr" "sp-ids: $n tracks"
}

@test "sp-ids: artists or albums before any track is enriched: the count says why there are none" {
	sp-load -q "$I/plays.ndjson"
	run -0 --separate-stderr sp-ids artists
	assert_output ''
	assert_equal "$stderr" 'sp-ids: 0 artists: no track is enriched yet, and artists come from tracks: enrich tracks first (sp-ids tracks | sp-fetch | sp-normalize | sp-load)'
	run -0 --separate-stderr sp-ids albums
	assert_equal "$stderr" 'sp-ids: 0 albums: no track is enriched yet, and albums come from tracks: enrich tracks first (sp-ids tracks | sp-fetch | sp-normalize | sp-load)'
	# Once tracks are enriched, none pending is just none.
	sp-load -q "$I/enriched.ndjson"
	run -0 --separate-stderr sp-ids --limit 0 artists
	assert_equal "$stderr" 'sp-ids: 0 artists'
}

@test "sp-ids: a store in a folder the user may not write is read read-only, and said so" {
	load_fixtures
	want=$(sp-ids -q tracks)
	ro_store
	run -0 --separate-stderr as_reader sp-ids tracks
	rm -rf "$RO_DIR"
	assert_output "$want"
	assert_equal "$stderr" "sp-ids: $SP_DB: opened read-only (its folder is not writable)
sp-ids: 5 tracks"
}

# by_album_store: plays grouped by album as the export names them.
#   album "A" by X: 3 pending tracks (a1 most listened)
#   album "B" by Y: 2 pending tracks, too few to pay off
#   album "C" by P, Q, R, S: one pending track each, a compilation's way
#   album "D" by Z: 3 tracks, d1 enriched already (an album of 120
#   tracks: 3 listing pages, more than its 2 pending tracks)
#   album "E" by W: 3 tracks, e1 enriched, its album fetched whole
# (ids: the letter and digit, then "A"s, 22 characters.)
by_album_store() {
	local n=0
	id() { printf '%s%s' "$1" AAAAAAAAAAAAAAAAAAAA; }
	play() {	# ID ALBUM ARTIST MS
		n=$((n + 1))
		printf '{"type":"play","ts":"2024-01-01T00:%02d:00Z","ms_played":%d,"track_id":"%s","track_name":"T","artist_name":"%s","album_name":"%s","source":"extended"}\n' \
		    "$n" "$4" "$(id "$1")" "$3" "$2"
	}
	track() {	# ID ALBUM-ID TYPE TOTAL
		printf '{"type":"track","id":"%s","fetched_at":"2026-11-24T10:00:00Z","name":"T","album":{"id":"%s","name":"N","album_type":"%s","total_tracks":%d},"artists":[]}\n' \
		    "$(id "$1")" "$(id "$2")" "$3" "$4"
	}
	{
		play a1 A X 9000; play a2 A X 5000; play a3 A X 4000
		play a1 A X 1000
		play b1 B Y 8000; play b2 B Y 8000
		play c1 C P 3000; play c2 C Q 7000; play c3 C R 6000
		play c4 C S 2000
		play d1 D Z 100; play d2 D Z 100; play d3 D Z 100
		play e1 E W 50; play e2 E W 50; play e3 E W 50
		track d1 LD album 120
		track e1 LE album 10
		printf '{"type":"album","id":"%s","fetched_at":"2026-11-24T10:00:00Z","name":"E"}\n' "$(id LE)"
	} | sp-load -q
}

@test "issue 13: sp-ids --by-album tracks: a track of each album named with three or more pending tracks, two of a compilation's" {
	by_album_store
	run -0 --separate-stderr sp-ids --by-album tracks
	assert_output "$(ids track a1AAAAAAAAAAAAAAAAAAAA c2AAAAAAAAAAAAAAAAAAAA \
	    c3AAAAAAAAAAAAAAAAAAAA)"
	assert_equal "$stderr" 'sp-ids: 3 tracks, one per album'
	run -0 sp-ids -q --by-album --limit 1 tracks
	assert_output "$(ids track a1AAAAAAAAAAAAAAAAAAAA)"
}

@test "issue 13: sp-ids --by-album albums: the albums whose listings cost fewer requests than their pending tracks" {
	by_album_store
	run -0 --separate-stderr sp-ids --by-album albums
	assert_output ''
	assert_equal "$stderr" 'sp-ids: 0 albums, whole: their listings pay off'
	# The representatives fetched: a1 on album LA; c2 and c3 both on the
	# compilation LC, whose listing then counts the album name alone.
	{
		printf '{"type":"track","id":"%s","fetched_at":"2026-11-24T10:00:00Z","name":"T","album":{"id":"%s","name":"N","album_type":"%s","total_tracks":%d},"artists":[]}\n' \
		    a1AAAAAAAAAAAAAAAAAAAA LAAAAAAAAAAAAAAAAAAAAA album 12 \
		    c2AAAAAAAAAAAAAAAAAAAA LCAAAAAAAAAAAAAAAAAAAA compilation 20 \
		    c3AAAAAAAAAAAAAAAAAAAA LCAAAAAAAAAAAAAAAAAAAA compilation 20
	} | sp-load -q
	run -0 --separate-stderr sp-ids --by-album albums
	assert_output "$(ids album LAAAAAAAAAAAAAAAAAAAAA LCAAAAAAAAAAAAAAAAAAAA)"
	assert_equal "$stderr" 'sp-ids: 2 albums, whole: their listings pay off'
	# Had c3 been on another album of the same name, C's tracks would not
	# count for LC by name.
	printf '{"type":"track","id":"c3AAAAAAAAAAAAAAAAAAAA","fetched_at":"2026-11-24T10:00:00Z","name":"T","album":{"id":"LXAAAAAAAAAAAAAAAAAAAA","name":"N","album_type":"compilation","total_tracks":20},"artists":[]}\n' |
	    sp-load -q
	run -0 sp-ids -q --by-album albums
	assert_output "$(ids album LAAAAAAAAAAAAAAAAAAAAA)"
}

@test "issue 13: sp-ids --by-album lists pending tracks and albums only: not with artists, --all, --missing or --older-than" {
	by_album_store
	run -2 --separate-stderr sp-ids --by-album artists
	assert_equal "${stderr_lines[0]}" 'sp-ids: --by-album lists pending tracks or albums only: not with artists'
	run -2 --separate-stderr sp-ids --by-album --all tracks
	assert_equal "${stderr_lines[0]}" 'sp-ids: --by-album lists pending tracks or albums only: not with --all'
	run -2 --separate-stderr sp-ids --by-album --older-than 3 albums
	assert_equal "${stderr_lines[0]}" 'sp-ids: --by-album lists pending tracks or albums only: not with --older-than'
}
