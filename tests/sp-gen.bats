#!/usr/bin/env bats
# sp-gen: a seeded synthetic catalog and the export that plays it.
load helper

# The 23 fields of an Extended Streaming History record, in order.
FIELDS='["ts","platform","ms_played","conn_country","ip_addr","master_metadata_track_name","master_metadata_album_artist_name","master_metadata_album_album_name","spotify_track_uri","episode_name","episode_show_name","spotify_episode_uri","audiobook_title","audiobook_uri","audiobook_chapter_uri","audiobook_chapter_title","reason_start","reason_end","shuffle","skipped","offline","offline_timestamp","incognito_mode"]'

setup_file() {
	sp-gen -s 42 -t 300 -n 2000 -m 5 -A 40 -S 2023-06-01 -d 400 \
	    "$BATS_FILE_TMPDIR/g" >&3
	export G="$BATS_FILE_TMPDIR/g"
}

@test "sp-gen: the same seed gives the same bytes, another seed others" {
	run -0 sp-gen -s 42 -t 300 -n 2000 -m 5 -A 40 -S 2023-06-01 -d 400 \
	    "$BATS_TEST_TMPDIR/same"
	assert_output ''
	run -0 diff -r "$G" "$BATS_TEST_TMPDIR/same"
	run -0 sp-gen -s 43 -t 300 -n 2000 -m 5 -A 40 -S 2023-06-01 -d 400 \
	    "$BATS_TEST_TMPDIR/other"
	for f in catalog/tracks.ndjson catalog/albums.ndjson \
	    catalog/artists.ndjson export/Streaming_History_Audio_2023_0.json \
	    export/StreamingHistory_music_0.json; do
		run -1 cmp -s "$G/$f" "$BATS_TEST_TMPDIR/other/$f"
	done
}

@test "sp-gen: the export: pretty-printed JSON arrays, one file per year, n plays in time order, 23 fields" {
	cd "$G/export"
	run -0 ls
	assert_output 'StreamingHistory_music_0.json
Streaming_History_Audio_2023_0.json
Streaming_History_Audio_2024_1.json'
	run -0 jq -s 'map(length) | add' Streaming_History_Audio_*.json
	assert_output 2000
	run -0 jq -r -s 'add | map(.ts) | (. == sort) and (.[0] >= "2023-06-01") and
	    (.[-1] < "2024-07-15") and all(test("^20[0-9-]{8}T[0-9:]{8}Z$"))' \
	    Streaming_History_Audio_*.json
	assert_output true
	run -0 jq -r 'map(.ts[:4]) | unique | join(" ")' \
	    Streaming_History_Audio_2024_1.json
	assert_output 2024
	run -0 jq -c -s "add | map(keys_unsorted == $FIELDS) | unique" \
	    Streaming_History_Audio_*.json
	assert_output '[true]'
	run -0 sed -n '1,4p' Streaming_History_Audio_2023_0.json
	assert_line --index 0 '['
	assert_line --index 1 '  {'
	assert_line --index 2 --regexp '^    "ts": "2023-06-0[0-9]T[0-9:]{8}Z",$'
	assert_line --index 3 --regexp '^    "platform": "[a-z_]+",$'
}

@test "sp-gen: the plays: skewed, mostly full, some skips and zeros, podcasts, audiobooks and empty rows" {
	cd "$G/export"
	run -0 jq -r -s 'add | map(select(.spotify_track_uri)) |
	    group_by(.spotify_track_uri) | map(length) | sort | reverse |
	    (.[0] > 10 * .[-1])' Streaming_History_Audio_*.json
	assert_output true
	run -0 jq -r -s 'add | map(select(.spotify_track_uri)) | [
	    (map(select(.reason_end == "trackdone")) | length > 1000),
	    (map(select(.ms_played > 0 and .ms_played < 30000 and .skipped))
	        | length > 100),
	    (map(select(.ms_played == 0)) | length > 5)] | all' \
	    Streaming_History_Audio_*.json
	assert_output true
	run -0 jq -r -s 'add | [
	    (map(select(.episode_name and .episode_show_name and
	        (.spotify_episode_uri | test("^spotify:episode:[0-9A-Za-z]{22}$"))
	        and .spotify_track_uri == null and
	        .master_metadata_track_name == null)) | length),
	    (map(select(.audiobook_title and .audiobook_chapter_uri and
	        .spotify_track_uri == null)) | length),
	    (map(select([.master_metadata_track_name, .spotify_track_uri,
	        .episode_name, .audiobook_title] == [null, null, null, null])) |
	        length)] | map(. > 0) | all' Streaming_History_Audio_*.json
	assert_output true
	# 3 to 5 % of the rows have no track.
	run -0 jq -r -s 'add | map(select(.spotify_track_uri == null)) | length' \
	    Streaming_History_Audio_*.json
	[ "$output" -ge 50 ] && [ "$output" -le 110 ]
}

@test "sp-gen: every track played is in the catalog but the --missing ones" {
	run -0 bash -c "jq -r '.[].spotify_track_uri // empty' \
	    '$G'/export/Streaming_History_Audio_*.json | sed 's/^spotify:track://' |
	    sort -u >'$BATS_TEST_TMPDIR/played'
	    jq -r .id '$G/catalog/tracks.ndjson' | sort -u >'$BATS_TEST_TMPDIR/catalog'
	    comm -23 '$BATS_TEST_TMPDIR/played' '$BATS_TEST_TMPDIR/catalog' | wc -l"
	assert_output 5
	run -1 grep -c -v -E '^[0-9A-Za-z]{22}$' "$BATS_TEST_TMPDIR/played"
	assert_output 0
	run -0 wc -l <"$BATS_TEST_TMPDIR/catalog"
	assert_output 300
}

@test "sp-gen: tracks: the API's full track object" {
	run -0 jq -c -s 'map(keys) | unique' "$G/catalog/tracks.ndjson"
	assert_output '[["album","artists","available_markets","disc_number","duration_ms","explicit","external_ids","external_urls","href","id","is_local","name","popularity","preview_url","track_number","type","uri"]]'
	run -0 jq -c -s 'map(.album | keys) | unique' "$G/catalog/tracks.ndjson"
	assert_output '[["album_type","artists","available_markets","external_urls","href","id","images","name","release_date","release_date_precision","total_tracks","type","uri"]]'
	run -0 jq -r -s 'all(.[];
	    (.id | test("^[0-9A-Za-z]{22}$")) and .type == "track" and
	    .uri == "spotify:track:" + .id and
	    .href == "https://api.spotify.com/v1/tracks/" + .id and
	    .external_urls.spotify == "https://open.spotify.com/track/" + .id and
	    (.external_ids.isrc | test("^[A-Z]{2}[0-9A-Z]{3}[0-9]{7}$")) and
	    .is_local == false and .preview_url == null and
	    (.artists | length >= 1 and length <= 3) and
	    (.artists[0] | keys == ["external_urls","href","id","name","type","uri"]) and
	    (.duration_ms > 0) and (.popularity >= 0 and .popularity <= 100))' \
	    "$G/catalog/tracks.ndjson"
	assert_output true
	run -0 jq -r -s 'map(.artists | length) | unique | join(" ")' \
	    "$G/catalog/tracks.ndjson"
	assert_output '1 2 3'
	# Accents, other scripts, typographic apostrophes, quotes.
	run -0 grep -c -e 'é' -e '’' -e '夜明け' -e '\\"' "$G/catalog/tracks.ndjson"
	[ "$output" -gt 10 ]
}

@test "sp-gen: albums: every track listed, dates of every precision, more than 50 tracks once" {
	run -0 jq -c -s 'map(keys) | unique' "$G/catalog/albums.ndjson"
	assert_output '[["album_type","artists","available_markets","copyrights","external_ids","external_urls","genres","href","id","images","label","name","popularity","release_date","release_date_precision","total_tracks","tracks","type","uri"]]'
	run -0 jq -r -s 'all(.[]; .tracks.total == .total_tracks and
	    (.tracks.items | length) == .total_tracks and
	    .tracks.offset == 0 and .tracks.next == null and
	    (.external_ids.upc | test("^[0-9]{12}$")) and .genres == [] and
	    (.images | map(.width) == [640, 300, 64]) and
	    (.tracks.items[0] | has("album") or has("popularity") or
	        has("external_ids") | not))' "$G/catalog/albums.ndjson"
	assert_output true
	run -0 jq -r -s 'map(.total_tracks) | add' "$G/catalog/albums.ndjson"
	assert_output 300
	run -0 jq -r -s 'map(select(.total_tracks > 50)) | length' \
	    "$G/catalog/albums.ndjson"
	assert_output 1
	run -0 jq -r -s '[(map(.album_type) | unique),
	    (map(.release_date_precision) | unique),
	    (map(select(.release_date == "0000")) | length > 0),
	    all(.[]; .release_date | test("^([0-9]{4}|[0-9]{4}-[0-9]{2}|[0-9]{4}-[0-9]{2}-[0-9]{2})$"))]
	    | tostring' "$G/catalog/albums.ndjson"
	assert_output '[["album","compilation","single"],["day","month","year"],true,true]'
	# The tracks' embedded albums are the albums, simplified.
	run -0 bash -c "jq -c '.album' '$G/catalog/tracks.ndjson' | sort -u | wc -l"
	assert_output "$(wc -l <"$G/catalog/albums.ndjson")"
}

@test "sp-gen: artists: followers, 0 to 4 real genres, a few odd ones" {
	run -0 jq -c -s 'map(keys) | unique' "$G/catalog/artists.ndjson"
	assert_output '[["external_urls","followers","genres","href","id","images","name","popularity","type","uri"]]'
	run -0 jq -r -s 'all(.[]; .followers.href == null and
	    (.followers.total | type) == "number" and (.genres | length <= 5))' \
	    "$G/catalog/artists.ndjson"
	assert_output true
	run -0 jq -r -s 'map(select(.genres == [])) | length > 0' \
	    "$G/catalog/artists.ndjson"
	assert_output true
	run -0 jq -r -s '[.[].genres[]] | map(select(test("^[a-z0-9][a-z0-9 &:'\''-]*[a-z0-9]$") | not)) | unique | .[]' \
	    "$G/catalog/artists.ndjson"
	assert_output ' chamber  pop 
Indie Folk
K-Pop
ROCK'
	run -0 jq -r -s 'map(select(.genres | length != (unique | length))) |
	    length > 0' "$G/catalog/artists.ndjson"
	assert_output true
	run -0 jq -r -s 'map(.name) | map(select(test("[\\p{Han}\\p{Hiragana}\\p{Hangul}]"))) | length > 0' \
	    "$G/catalog/artists.ndjson"
	assert_output true
}

@test "sp-gen: --account: the short export, names and no ids" {
	cd "$G/export"
	run -0 jq -r 'length, (map(keys_unsorted) | unique | tostring),
	    all(.[]; .endTime | test("^20[0-9]{2}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}$")),
	    (map(.endTime) == (map(.endTime) | sort))' StreamingHistory_music_0.json
	assert_output '40
[["endTime","artistName","trackName","msPlayed"]]
true
true'
	run -0 sed -n 3p StreamingHistory_music_0.json
	assert_output --regexp '^    "endTime" : "2023-06-'
}

@test "sp-gen: big exports are split at about 12 MB; no plays give an empty array" {
	run -0 sp-gen -n 20000 -t 400 -d 200 "$BATS_TEST_TMPDIR/big"
	cd "$BATS_TEST_TMPDIR/big/export"
	run -0 ls
	assert_output 'Streaming_History_Audio_2023_0.json
Streaming_History_Audio_2023_1.json'
	run -0 jq -s 'map(length) | add' Streaming_History_Audio_*.json
	assert_output 20000
	size=$(wc -c <Streaming_History_Audio_2023_0.json)
	[ "$size" -ge 12000000 ] && [ "$size" -le 13000000 ]
	run -0 sp-gen -n 0 -t 5 "$BATS_TEST_TMPDIR/none"
	run -0 jq -c . "$BATS_TEST_TMPDIR/none/export/Streaming_History_Audio_2023_0.json"
	assert_output '[]'
	run -0 wc -l "$BATS_TEST_TMPDIR/none/catalog/tracks.ndjson"
	assert_output "5 $BATS_TEST_TMPDIR/none/catalog/tracks.ndjson"
}

@test "sp-gen: usage errors exit 2; an outdir that cannot be made 3" {
	run -2 --separate-stderr sp-gen --plays abc "$BATS_TEST_TMPDIR/x"
	assert_equal "$stderr" 'sp-gen: --plays is invalid: abc'
	run -2 --separate-stderr sp-gen -t 0 "$BATS_TEST_TMPDIR/x"
	assert_equal "$stderr" 'sp-gen: --tracks is too small: 0'
	run -2 --separate-stderr sp-gen -t 5 -a 6 "$BATS_TEST_TMPDIR/x"
	assert_equal "$stderr" 'sp-gen: --albums is larger than --tracks: 6'
	run -2 --separate-stderr sp-gen -n 2 -m 3 "$BATS_TEST_TMPDIR/x"
	assert_equal "$stderr" 'sp-gen: --missing is larger than --plays: 3'
	run -2 --separate-stderr sp-gen -S 2023-02-30 "$BATS_TEST_TMPDIR/x"
	assert_equal "$stderr" 'sp-gen: --start is invalid: 2023-02-30'
	run -2 --separate-stderr sp-gen
	[[ $stderr == "usage: sp-gen [-hV] "* ]]
	run -2 --separate-stderr sp-gen a b
	[ ! -e "$BATS_TEST_TMPDIR/x" ]
	touch "$BATS_TEST_TMPDIR/file"
	run -3 --separate-stderr sp-gen "$BATS_TEST_TMPDIR/file"
	assert_equal "$stderr" "sp-gen: $BATS_TEST_TMPDIR/file/catalog: cannot create directory: Not a directory"
}

@test "sp-gen: --help and the man page list the same options and synopsis" {
	assert_equal "$(sp-gen --help | help_options)" "$(man_options sp-gen)"
	assert_equal "$(sp-gen --help | help_synopsis)" "$(man_synopsis sp-gen)"
	run -0 sp-gen -V
	assert_output 'sp-gen 0.1.0'
}

@test "sp-gen: examples/regen.sh makes the bundled example again, byte for byte" {
	run -0 sh "$BATS_TEST_DIRNAME/../examples/regen.sh" "$BATS_TEST_TMPDIR/ex"
	run -0 diff -r "$BATS_TEST_DIRNAME/../examples/catalog" \
	    "$BATS_TEST_TMPDIR/ex/catalog"
	run -0 diff -r "$BATS_TEST_DIRNAME/../examples/export" \
	    "$BATS_TEST_TMPDIR/ex/export"
}

@test "issue 15: a start date whose plays would go past 9999-12-31 is a usage error, not plays at 1970" {
	run -2 --separate-stderr sp-gen -S 9999-12-31 -d 400 -n 10 "$BATS_TEST_TMPDIR/out"
	assert_output ''
	assert_equal "$stderr" 'sp-gen: --start 9999-12-31 with --days 400 goes past 9999-12-31'
	[ ! -e "$BATS_TEST_TMPDIR/out" ]
	# The last days that can be written are.
	run -0 sp-gen -S 9999-12-01 -d 30 -n 10 "$BATS_TEST_TMPDIR/ok"
	assert_equal "$(jq -r '.[].ts[:7]' "$BATS_TEST_TMPDIR"/ok/export/*.json | sort -u)" 9999-12
}

@test "issue 13: --per-album n: the listener plays at most the first n tracks of each album; album listings hold exactly their tracks, in order, as the tracks' own objects say" {
	local d=$BATS_TEST_TMPDIR/g
	sp-gen -s 5 -t 300 -n 2000 -p 2 "$d"
	# Played tracks per album, from the catalog's track objects.
	jq -r '.[] | .spotify_track_uri // empty' "$d"/export/*.json |
	    sed 's/^spotify:track://' | sort -u >"$BATS_TEST_TMPDIR/played"
	jq -r '[.id, .album.id, .disc_number, .track_number] | @tsv' \
	    "$d/catalog/tracks.ndjson" | sort >"$BATS_TEST_TMPDIR/tracks"
	join "$BATS_TEST_TMPDIR/played" "$BATS_TEST_TMPDIR/tracks" \
	    >"$BATS_TEST_TMPDIR/j"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/j")" -gt 50 ]
	# At most 2 a album, each among its first two.
	assert_equal "$(awk '{ n[$2]++ } END { for (a in n) if (n[a] > 2) print a }' \
	    "$BATS_TEST_TMPDIR/j")" ''
	assert_equal "$(awk '$3 != 1 || $4 > 2' "$BATS_TEST_TMPDIR/j")" ''
	# Listings: the album's items are its tracks, in order, as the
	# tracks' own objects have them.
	key='{id, name, artists: [.artists[] | {id, name}], disc_number,
	    track_number, duration_ms, explicit}'
	jq -c ".tracks.items[] | $key" "$d/catalog/albums.ndjson" \
	    >"$BATS_TEST_TMPDIR/listed"
	jq -c "$key" "$d/catalog/tracks.ndjson" >"$BATS_TEST_TMPDIR/own"
	diff -u "$BATS_TEST_TMPDIR/own" "$BATS_TEST_TMPDIR/listed"
	assert_equal "$(jq -c '[.id, .tracks.total, (.tracks.items | length), .total_tracks] | select(.[1] != .[2] or .[1] != .[3])' "$d/catalog/albums.ndjson")" ''
}
