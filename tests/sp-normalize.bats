# sp-normalize: fetch envelopes in, normalized records out; the genre rules.
load helper

F="$FIX/sp-normalize"
GENRES="$BATS_TEST_DIRNAME/../../shared/data/spotify-genres.txt"

# normalizes STATUS CASE: sp-normalize < CASE.ndjson writes exactly CASE.out
# and CASE.err, and exits with STATUS.
normalizes() {
	golden "$1" "$F/$2" sp-normalize < "$F/$2.ndjson"
}

# covers FILE PERCENT: the built-in rules give a family to at least PERCENT
# of the genres of FILE (the first tab-separated field of each line; #
# lines are comments); the share goes to the TAP output.
covers() {
	local total n
	grep -v '^#' "$1" | cut -f 1 > "$BATS_TEST_TMPDIR/genres"
	total=$(wc -l < "$BATS_TEST_TMPDIR/genres")
	sp-normalize --explain < "$BATS_TEST_TMPDIR/genres" \
	    > "$BATS_TEST_TMPDIR/explained"
	assert_equal "$(wc -l < "$BATS_TEST_TMPDIR/explained")" "$total"
	n=$(awk -F '\t' '$2 != "-"' "$BATS_TEST_TMPDIR/explained" | wc -l)
	echo "# coverage of ${1##*/}: $n/$total" \
	    "$(awk "BEGIN { printf \"%.1f%%\", 100 * $n / $total }")" >&3
	[ $((n * 100)) -ge $((total * $2)) ]
}

# expects FILE PERCENT: the built-in rules give at least PERCENT of the
# genres of FILE (lines "genre TAB family", "a|b" when either is right; #
# lines are comments) the family expected.  The share, and each genre
# given another family, go to the TAP output.
expects() {
	local total n misfiled
	grep -v '^#' "$1" > "$BATS_TEST_TMPDIR/expected"
	total=$(wc -l < "$BATS_TEST_TMPDIR/expected")
	cut -f 1 "$BATS_TEST_TMPDIR/expected" | sp-normalize --explain |
	    cut -f 2 | paste "$BATS_TEST_TMPDIR/expected" - \
	    > "$BATS_TEST_TMPDIR/filed"
	assert_equal "$(wc -l < "$BATS_TEST_TMPDIR/filed")" "$total"
	awk -F '\t' '{ n = split($2, f, "|")
		for (i = 1; i <= n; i++)
			if (f[i] == $3)
				next
		print }' "$BATS_TEST_TMPDIR/filed" > "$BATS_TEST_TMPDIR/wrong"
	n=$((total - $(wc -l < "$BATS_TEST_TMPDIR/wrong")))
	misfiled=$(awk -F '\t' '$3 != "-"' "$BATS_TEST_TMPDIR/wrong" | wc -l)
	echo "# families as expected in ${1##*/}: $n/$total" \
	    "$(awk "BEGIN { printf \"%.1f%%\", 100 * $n / $total }")," \
	    "$misfiled misfiled, $((total - n - misfiled)) unmapped" >&3
	awk -F '\t' '$3 != "-" { printf "#   %s: %s (expected %s)\n", $1, $3,
	    $2 }' "$BATS_TEST_TMPDIR/wrong" >&3
	[ $((n * 100)) -ge $((total * $2)) ]
}

# The store, table by table, in a stable order.
tables() {
	local t
	for t in tracks albums artists track_artists artist_genres genres; do
		echo "== $t"
		sqlite3 -header "$SP_DB" "SELECT * FROM $t ORDER BY 1, 2"
	done
}

@test "sp-normalize: a full track gives its album, artists and every field" {
	normalizes 0 track-full
}

@test "sp-normalize: a Development Mode track: missing fields are null" {
	normalizes 0 track-devmode
}

@test "sp-normalize: a relinked track is keyed by the id asked for" {
	normalizes 0 track-relinked
}

@test "sp-normalize: a local track is reported and skipped" {
	normalizes 1 track-local
}

@test "sp-normalize: nulls, empty strings, wrong types: null, never 0 or \"\"" {
	normalizes 0 track-nulls
}

@test "sp-normalize: release years from each precision; 0000 and bad dates" {
	normalizes 0 album-dates
}

@test "sp-normalize: a bad release date is reported once for its album, not for each of its tracks" {
	# Three tracks of an album dated "0000", then one of an album
	# dated "19xx", then the first album's again.
	head -n 1 "$F/track-full.ndjson" | jq -c '.object.album.release_date = "0000"' >"$BATS_TEST_TMPDIR/a"
	jq -c '.object.album.id = "4aawyAB9vmqN3uQ7FjRGTy" | .object.album.release_date = "19xx"' "$BATS_TEST_TMPDIR/a" >"$BATS_TEST_TMPDIR/b"
	cat "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/a" \
	    "$BATS_TEST_TMPDIR/b" "$BATS_TEST_TMPDIR/a" >"$BATS_TEST_TMPDIR/in"
	album=$(jq -r .object.album.id "$BATS_TEST_TMPDIR/a")
	run -0 --separate-stderr sp-normalize "$BATS_TEST_TMPDIR/in"
	assert_equal "$stderr" "sp-normalize: $BATS_TEST_TMPDIR/in:1: album $album: release date \"0000\" is not a year; release_year left null
sp-normalize: $BATS_TEST_TMPDIR/in:4: album 4aawyAB9vmqN3uQ7FjRGTy: release date \"19xx\" is not a date; release_year left null"
	assert_equal "$(jq -c .album.release_year <<<"$output" | sort -u)" null
	assert_equal "${#lines[@]}" 5
}

@test "sp-normalize: a full album gives a track record per listed track" {
	normalizes 1 album-full
}

@test "sp-normalize: artists: genres normalized, families, no genres" {
	normalizes 0 artist
}

@test "sp-normalize: error records pass through, compacted" {
	normalizes 0 error
}

@test "sp-normalize: garbage lines are reported with their line and skipped" {
	normalizes 1 garbage
}

@test "sp-normalize: names pass byte for byte; invalid UTF-8 is reported" {
	normalizes 1 names
}

@test "sp-normalize: a bare API object is keyed by its own id, fetched now" {
	normalizes 1 bare
}

@test "sp-normalize: messages name the file given as an argument" {
	cp "$F/garbage.ndjson" "$BATS_TEST_TMPDIR/in.ndjson"
	cd "$BATS_TEST_TMPDIR"
	run -1 --separate-stderr sp-normalize in.ndjson
	assert_equal "${stderr%%$'\n'*}" \
	    'sp-normalize: in.ndjson:1: invalid JSON at byte 5'
}

@test "sp-normalize: streams: a record is written as soon as it is read" {
	[ -z "${SP_VALGRIND:-}" ] || skip "timed: not under valgrind"
	run -124 bash -c '{ head -n 1 "$1"; sleep 5; } |
	    timeout 1 sp-normalize' _ "$F/track-full.ndjson"
	assert_equal "$output" "$(head -n 1 "$F/track-full.out")"
}

@test "sp-normalize: normalized records load; loading twice changes nothing" {
	sp-normalize < "$F/load.ndjson" > "$BATS_TEST_TMPDIR/norm.ndjson"
	run -0 --separate-stderr sp-load < "$BATS_TEST_TMPDIR/norm.ndjson"
	assert_equal "$stderr" \
	    'sp-load: 12 records: 3 track, 1 album, 4 artist, 1 error, 3 listed track (0 enriched); 0 rejected'
	tables > "$BATS_TEST_TMPDIR/once"
	diff -u "$F/load.dump" "$BATS_TEST_TMPDIR/once"
	run -0 sp-load -q < "$BATS_TEST_TMPDIR/norm.ndjson"
	tables > "$BATS_TEST_TMPDIR/twice"
	diff -u "$BATS_TEST_TMPDIR/once" "$BATS_TEST_TMPDIR/twice"
}

@test "sp-normalize: --explain normalizes genres and names the rule" {
	run -0 sp-normalize --explain '  Deep   Underground HIP HOP ' zolo \
	    'ÀÉÎÕÜ ŁŚŽ Ÿ'
	assert_line -n 0 --regexp '^deep underground hip hop	hip hop	genre-rules\.txt:[0-9]+	hip hop$'
	assert_line -n 1 'zolo	-	-	-'
	assert_line -n 2 'àéîõü łśž ÿ	-	-	-'
}

@test "sp-normalize: --explain reads genres from stdin; bad ones rejected" {
	run -1 --separate-stderr sp-normalize -e \
	    < <(printf 'Bossa Nova\n\ntrap\na\001b\n')
	assert_line -n 0 --regexp '^bossa nova	latin	genre-rules\.txt:[0-9]+	bossa$'
	assert_line -n 1 --regexp '^trap	hip hop	genre-rules\.txt:[0-9]+	trap$'
	assert_equal "${#lines[@]}" 2
	assert_equal "$stderr" 'sp-normalize: stdin:4: not a genre (empty, or a control character): "a\u0001b"'
}

@test "sp-normalize: the man page's --explain example is true" {
	sed -n '/^\.Bd -literal/,/^\.Ed/p' "$BATS_TEST_DIRNAME/../man/sp-normalize.1" |
	    sed -n "/^\\\$ sp-normalize -e 'Deep/,/^\\.Ed/p" | sed '1d;$d' \
	    > "$BATS_TEST_TMPDIR/want"
	sp-normalize -e 'Deep Underground Hip Hop' zolo > "$BATS_TEST_TMPDIR/got"
	diff -u "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
}

@test "sp-normalize: rules match whole words, prefixes and suffixes, in order" {
	run -0 sp-normalize -r "$F/rules-test.txt" -e rap trap 'post-rap' \
	    'uk bass' 'bossa nova' metalcore 'core' 'indietronica' 'zolo' \
	    'zolo pop' 'rap bass'
	assert_output "rap	hip hop	$F/rules-test.txt:3	rap
trap	-	-	-
post-rap	hip hop	$F/rules-test.txt:3	rap
uk bass	electronic	$F/rules-test.txt:4	bass
bossa nova	-	-	-
metalcore	metal	$F/rules-test.txt:5	*core
core	metal	$F/rules-test.txt:5	*core
indietronica	folk	$F/rules-test.txt:6	indie*
zolo	pop	$F/rules-test.txt:2	=zolo
zolo pop	-	-	-
rap bass	hip hop	$F/rules-test.txt:3	rap"
}

@test "sp-normalize: a genre asked again gets the same answer" {
	# Genres seen are remembered: the second time through the list must
	# answer as the first, slots shared by two genres too, and a genre
	# too long to remember.
	{
		grep -v '^#' "$F/heldout-2.tsv" | cut -f 1
		echo 'deep underground melodic progressive atmospheric hip hop'
	} > "$BATS_TEST_TMPDIR/once"
	n=$(wc -l < "$BATS_TEST_TMPDIR/once")
	cat "$BATS_TEST_TMPDIR/once" "$BATS_TEST_TMPDIR/once" |
	    sp-normalize -e > "$BATS_TEST_TMPDIR/twice"
	head -n "$n" "$BATS_TEST_TMPDIR/twice" > "$BATS_TEST_TMPDIR/first"
	tail -n +"$((n + 1))" "$BATS_TEST_TMPDIR/twice" \
	    > "$BATS_TEST_TMPDIR/second"
	assert_equal "$(wc -l < "$BATS_TEST_TMPDIR/second")" "$n"
	diff -u "$BATS_TEST_TMPDIR/first" "$BATS_TEST_TMPDIR/second"
	run -0 tail -n 1 "$BATS_TEST_TMPDIR/second"
	assert_output --regexp '^deep underground melodic progressive atmospheric hip hop	hip hop	genre-rules.txt:[0-9]+	hip hop$'
}

@test "sp-normalize: \$SP_GENRE_RULES overrides the built-in rules; -r wins" {
	SP_GENRE_RULES="$F/rules-test.txt" run -0 sp-normalize -e zolo
	assert_output "zolo	pop	$F/rules-test.txt:2	=zolo"
	SP_GENRE_RULES=/nonexistent run -0 sp-normalize -r "$F/rules-test.txt" \
	    -e zolo
	assert_output "zolo	pop	$F/rules-test.txt:2	=zolo"
	SP_GENRE_RULES= run -0 sp-normalize -e 'hip hop'
	assert_output --regexp '^hip hop	hip hop	genre-rules\.txt:[0-9]+	hip hop$'
}

@test "sp-normalize: the rules decide the families of artist records" {
	run -0 sp-normalize -r "$F/rules-test.txt" < <(sed -n 1p "$F/artist.ndjson")
	assert_output --partial '"genres":["indie folk","chamber pop","stomp and holler"],"families":["folk",null,null]'
}

@test "sp-normalize: a bad rule stops it with the file and line" {
	run -2 --separate-stderr sp-normalize -r "$F/rules-bad.txt" < /dev/null
	assert_equal "$stderr" "sp-normalize: $F/rules-bad.txt:4: unknown family: \"rokc\""
	assert_equal "$output" ''
}

@test "sp-normalize: each kind of bad rule is reported" {
	local r=$BATS_TEST_TMPDIR/r.txt
	printf 'pop\n' > "$r"
	run -2 --separate-stderr sp-normalize -r "$r" -e pop
	assert_equal "$stderr" "sp-normalize: $r:1: expected \"family: pattern, ...\""
	printf 'pop: a, , b\n' > "$r"
	run -2 --separate-stderr sp-normalize -r "$r" -e pop
	assert_equal "$stderr" "sp-normalize: $r:1: empty pattern"
	printf '# x\npop: a*b\n' > "$r"
	run -2 --separate-stderr sp-normalize -r "$r" -e pop
	assert_equal "$stderr" "sp-normalize: $r:2: bad wildcard in \"a*b\" (a word may start or end with one *)"
	printf 'pop: *\n' > "$r"
	run -2 --separate-stderr sp-normalize -r "$r" -e pop
	assert_equal "$stderr" "sp-normalize: $r:1: bad wildcard in \"*\" (a word may start or end with one *)"
	printf 'pop: a\001b\n' > "$r"
	run -2 --separate-stderr sp-normalize -r "$r" -e pop
	assert_equal "$stderr" "sp-normalize: $r:1: control character in pattern \"a\\u0001b\""
}

@test "sp-normalize: an unreadable rules file is an I/O error" {
	run -3 --separate-stderr sp-normalize -r /nonexistent/rules.txt < /dev/null
	assert_equal "$stderr" 'sp-normalize: /nonexistent/rules.txt: cannot open: No such file or directory'
}

@test "sp-normalize: the built-in rules map 95% of a real genre list" {
	[ -f "$GENRES" ] || skip "no $GENRES"
	covers "$GENRES" 95
}

@test "sp-normalize: the built-in rules map 92% of genres they never saw" {
	covers "$F/unseen-genres.txt" 92
}

@test "sp-normalize: the built-in rules map 92% of a second held-out list" {
	covers "$F/heldout-2.tsv" 92
}

@test "sp-normalize: 90% of the second held-out list get the family expected" {
	expects "$F/heldout-2.tsv" 90
}

@test "sp-normalize: names no rule lists take the family of their structure" {
	# Made-up names built like Spotify's: a suffix (vaporsynth), a word
	# for song or music beside a place (musica asturiana is folk, musica
	# chilena latin), a dance form, Brazilian funk with a tempo.
	expects "$F/structural.tsv" 100
	# None of them is named by a rule: each takes a pattern shorter than
	# the genre.
	grep -v '^#' "$F/structural.tsv" | cut -f 1 | sp-normalize -e |
	    awk -F '\t' '$4 == $1 { print; n++ } END { exit n > 0 }'
}

@test "sp-normalize: no obvious genre gets a wrong family" {
	printf '%s\t%s\n' 'uk drill' 'hip hop' 'chicago drill' 'hip hop' \
	    'death metal' metal 'norwegian black metal' metal \
	    'bossa nova' 'jazz|latin' 'k-pop' pop 'j-pop' pop 'c-pop' pop \
	    'j-idol' pop 'k-rap' 'hip hop' 'j-rock' rock 'k-indie' 'rock|pop' \
	    'drum and bass' electronic 'deep house' electronic \
	    'uk garage' electronic 'trip hop' electronic 'synthwave' electronic \
	    'german hip hop' 'hip hop' 'uk hip hop' 'hip hop' grime 'hip hop' \
	    trap 'hip hop' 'emo rap' 'hip hop' 'deep underground hip hop' \
	    'hip hop' 'classic rock' rock 'modern rock' rock 'indie rock' rock \
	    shoegaze rock 'pop punk' punk metalcore metal 'indie folk' folk \
	    'neo soul' r\&b 'delta blues' blues bebop jazz reggaeton latin \
	    salsa latin tango latin 'brazilian funk' latin dancehall reggae \
	    bluegrass country 'country pop' 'country|pop' opera classical \
	    gospel religious 'christian rock' 'religious|rock' \
	    "children's music" children comedy spoken \
	    'video game music' soundtrack 'new age' 'easy listening' \
	    fado world flamenco world 'latin pop' 'latin|pop' \
	    'lo-fi beats' 'electronic|hip hop' > "$BATS_TEST_TMPDIR/obvious.tsv"
	expects "$BATS_TEST_TMPDIR/obvious.tsv" 100
}

@test "sp-normalize: the built-in rules are not a lookup table" {
	# Exact names (=...) are for the few genres not made of genre words:
	# fewer than 2% of the 761 of spotify-genres.txt.
	run -0 bash -c 'grep -v "^#" "$1" | grep -o "=[^,]*" | wc -l' _ \
	    "$BATS_TEST_DIRNAME/../lib/genre-rules.txt"
	[ "$output" -lt 16 ]
}

@test "sp-normalize: the rules' genre tree is beets' tree as lib/genre-tree.awk reads it" {
	local yaml=/usr/share/beets/beetsplug/lastgenre/genres-tree.yaml
	local rules=$BATS_TEST_DIRNAME/../lib/genre-rules.txt
	[ -f "$yaml" ] || skip "no $yaml (Debian package beets)"
	awk -f "$BATS_TEST_DIRNAME/../lib/genre-tree.awk" "$yaml" \
	    > "$BATS_TEST_TMPDIR/want"
	sed -n '/^# BEGIN genre tree/,/^# END genre tree/p' "$rules" |
	    grep -v '^#' > "$BATS_TEST_TMPDIR/got"
	diff -u "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
}

@test "sp-normalize: styles no hand-written rule names take the tree's family" {
	local rules=$BATS_TEST_DIRNAME/../lib/genre-rules.txt first last g
	first=$(grep -n '^# BEGIN genre tree' "$rules" | cut -d : -f 1)
	last=$(grep -n '^# END genre tree' "$rules" | cut -d : -f 1)
	run -0 sp-normalize -e kwela 'deep schranz' cantata hokum
	assert_line -n 0 --regexp '^kwela	world	genre-rules\.txt:[0-9]+	kwela$'
	assert_line -n 1 --regexp '^deep schranz	electronic	genre-rules\.txt:[0-9]+	schranz$'
	assert_line -n 2 --regexp '^cantata	classical	genre-rules\.txt:[0-9]+	cantata$'
	assert_line -n 3 --regexp '^hokum	country	genre-rules\.txt:[0-9]+	hokum$'
	# Each from a line of the tree's section.
	for g in "${lines[@]}"; do
		g=$(cut -f 3 <<<"$g")
		[ "${g#*:}" -gt "$first" ]
		[ "${g#*:}" -lt "$last" ]
	done
}

@test "sp-normalize: the issue's examples: trap is not rap, bossa is not bass" {
	run -0 sp-normalize -e trap 'bossa nova' metalcore 'deathcore' \
	    'neo mellow' 'drum and bass'
	assert_line -n 0 --regexp '^trap	hip hop	genre-rules.txt:[0-9]+	trap$'
	assert_line -n 1 --regexp '^bossa nova	latin	'
	assert_line -n 2 --regexp '^metalcore	metal	genre-rules.txt:[0-9]+	\*core$'
	assert_line -n 3 --regexp '^deathcore	metal	'
	assert_line -n 4 --regexp '^neo mellow	pop	'
	assert_line -n 5 --regexp '^drum and bass	electronic	'
}

@test "sp-normalize: --help and the man page agree" {
	run -0 sp-normalize --help
	assert_equal "$(help_synopsis <<<"$output")" \
	    "$(man_synopsis sp-normalize)"
	assert_equal "$(help_options <<<"$output")" \
	    "$(man_options sp-normalize)"
}

@test "sp-normalize: a bad option is a usage error" {
	run -2 --separate-stderr sp-normalize --bogus < /dev/null
	assert_equal "${stderr%%$'\n'*}" "sp-normalize: unrecognized option '--bogus'"
	run -0 sp-normalize --version
	assert_output --regexp '^sp-normalize [0-9]+\.[0-9]+\.[0-9]+$'
}

# enrich: the issue's pipeline, tracks then artists, against the emulator.
enrich() {
	sp-ids -q "$@" tracks | sp-fetch -q | sp-normalize | sp-load -q
	sp-ids -q "$@" artists | sp-fetch -q | sp-normalize | sp-load -q
}

# pipeline_setup [EMULATOR ARGS...]: a store with a history, and the
# emulator serving its catalog.
pipeline_setup() {
	local p
	for p in sp-fetch sp-emulator sp-gen sp-history; do
		command -v "$p" > /dev/null || skip "no $p"
	done
	export SPOTIFY_CLIENT_ID=myid SPOTIFY_CLIENT_SECRET=mysecret
	emu_start "$@"
	sp-history "$BATS_TEST_TMPDIR"/gen/export/*.json | sp-load -q
}

@test "issue: sp-ids | sp-fetch | sp-normalize | sp-load fills the store, twice the same" {
	pipeline_setup
	enrich
	# Nothing pending; every track has its album and artists.
	assert_equal "$(sql 'SELECT count(*) FROM tracks WHERE status IS NULL')" 0
	assert_equal "$(sql 'SELECT count(*) FROM artists WHERE status IS NULL')" 0
	assert_equal "$(sql "SELECT count(*) FROM tracks WHERE status = 'ok'
	    AND (album_id IS NULL OR id NOT IN (SELECT track_id FROM
	    track_artists))")" 0
	assert_equal "$(sql "SELECT count(*) FROM albums WHERE status = 'ok'")" \
	    "$(sql 'SELECT count(DISTINCT album_id) FROM tracks')"
	# Every genre stored, normalized, with its family from the rules.
	assert_equal "$(sql 'SELECT sum(genre_count) FROM artists')" \
	    "$(sql 'SELECT count(*) FROM artist_genres')"
	[ "$(sql 'SELECT count(*) FROM artist_genres')" -gt 0 ]
	sql "SELECT genre, coalesce(family, '-') FROM genres ORDER BY 1" \
	    > "$BATS_TEST_TMPDIR/stored"
	cut -d '|' -f 1 "$BATS_TEST_TMPDIR/stored" | sp-normalize -e |
	    cut -f 1,2 | tr '\t' '|' > "$BATS_TEST_TMPDIR/rules"
	diff -u "$BATS_TEST_TMPDIR/rules" "$BATS_TEST_TMPDIR/stored"
	assert_equal "$(sql 'SELECT count(*) FROM genres WHERE genre NOT IN
	    (SELECT genre FROM artist_genres)')" 0
	# Running both again changes nothing, even fetching everything again.
	dump > "$BATS_TEST_TMPDIR/once"
	assert_equal "$(sp-ids -q tracks; sp-ids -q artists)" ''
	enrich
	enrich --all
	dump > "$BATS_TEST_TMPDIR/twice"
	diff -u "$BATS_TEST_TMPDIR/once" "$BATS_TEST_TMPDIR/twice"
}

@test "issue: Development Mode objects without genres store NULL, never 0" {
	pipeline_setup --dev-mode --no-genres
	enrich
	assert_equal "$(sql "SELECT count(*) FROM tracks WHERE status = 'ok'")" \
	    "$(sql "SELECT count(*) FROM tracks WHERE status = 'ok' AND
	    popularity IS NULL AND isrc IS NOT NULL")"
	assert_equal "$(sql "SELECT count(*) FROM artists WHERE status = 'ok'
	    AND (popularity IS NOT NULL OR followers IS NOT NULL OR
	    genre_count IS NOT NULL)")" 0
	assert_equal "$(sql 'SELECT count(*) FROM artist_genres')" 0
	assert_equal "$(sql "SELECT count(*) FROM albums WHERE label IS NOT NULL
	    OR popularity IS NOT NULL")" 0
	assert_equal "$(sql "SELECT count(*) FROM albums WHERE status = 'ok'
	    AND release_date IS NOT NULL AND release_date != '0000' AND
	    release_year IS NULL")" 0
}

@test "issue: a relinked track is stored under the id asked for" {
	command -v sp-gen > /dev/null || skip "no sp-gen"
	sp-gen -s 1 -t 150 -n 300 -m 3 "$BATS_TEST_TMPDIR/gen"
	asked=$(sed -n 1p "$BATS_TEST_TMPDIR/gen/catalog/tracks.ndjson" | jq -r .id)
	other=$(sed -n 2p "$BATS_TEST_TMPDIR/gen/catalog/tracks.ndjson" | jq -r .id)
	EMU_CATALOG="$BATS_TEST_TMPDIR/gen/catalog" \
	    pipeline_setup --relink "$asked=$other"
	echo "{\"type\":\"track\",\"id\":\"$asked\"}" | sp-fetch -q |
	    sp-normalize | sp-load -q
	assert_equal "$(sql "SELECT id, linked_id, status FROM tracks
	    WHERE id = '$asked'")" "$asked|$other|ok"
}

@test "issue 15: nesting past 512 is said to be that, not 'invalid JSON at byte 1'" {
	run -0 bash -c 'printf "{\"a\":%.0s" {1..600}; printf 1; printf "}%.0s" {1..600}; echo'
	run -1 --separate-stderr sp-normalize <<<"$output"
	assert_output ''
	assert_equal "$stderr" 'sp-normalize: stdin:1: nested deeper than 512 at byte 2561'
}
