# bench/albums.sh: section albums of bench/run (sourced by it): album-first
# enrichment (sp-enrich's plan) against one id at a time, on an
# album-listening library (sp-gen --per-album 8: several tracks of most
# albums) and a playlist library (--per-album 1: one track per album).
# The figures: the track stages' requests (to /tracks/ and /albums/, from
# the emulator's log) per distinct track played, and the wall time of the
# whole enrichment (tracks, albums, artists; the plays loaded before).
# Targets (issue 13): at most 0.6 requests per track on the first, 1.02 on
# the second.

ALB_GEN_ALBUMS="-s $SEED -t 3000 -a 300 -n 12000 -d 400 -p 8 -m 10"
ALB_GEN_PLAYLIST="-s $SEED -t 3000 -a 1500 -n 6000 -d 400 -p 1 -m 10"
ALB_EMU="--latency $LAT --rate-limit $WIN_N --window $WIN_T"

# albums_stage DIR NAME SP-IDS-ARGS...: one pipeline, as sp-enrich runs it.
albums_stage() {
	local d=$1 name=$2
	shift 2
	sp-ids "$@" 2>"$d/ids-$name.err" | sp-fetch -j "$JOBS" \
	    2>"$d/fetch-$name.err" | sp-normalize 2>"$d/normalize-$name.err" |
	    sp-load 2>"$d/load-$name.err"
	local st=("${PIPESTATUS[@]}")
	[ "${st[*]}" = "0 0 0 0" ]
}

# albums_run LIB PATH RUN: enrich library LIB (albums or playlist) by
# PATH: obo (one by one) or af (album-first).
albums_run() {
	local lib=$1 path=$2 r=$3 d=$OUT/albums/$1-$2-$3 g=$OUT/albums/lib-$1
	local t0 t1 t2 ok=1 n tracks k
	fresh "$d"
	emu_start "$d" $ALB_EMU --log "$d/requests.log" "$g/catalog"
	sp-history "$g"/export/*.json 2>"$d/history.err" |
	    sp-load 2>"$d/load-plays.err" || ok=0
	t0=$(now)
	if [ "$path" = af ]; then
		albums_stage "$d" reps --by-album tracks || ok=0
		albums_stage "$d" listings --by-album albums || ok=0
	fi
	albums_stage "$d" tracks tracks || ok=0
	albums_stage "$d" albums albums || ok=0
	t1=$(now)
	albums_stage "$d" artists artists || ok=0
	t2=$(now)
	emu_stop
	[ "$(count "SELECT count(*) FROM tracks WHERE status IS NULL
	    UNION ALL SELECT count(*) FROM artists WHERE status IS NULL" |
	    sort -u)" = 0 ] || ok=0
	[ $ok = 1 ] || add "albums.$lib.$path.failed" "$r"
	n=$(jq -r 'select(.method == "GET") | .path' "$d/requests.log" |
	    grep -c -E '^/v1/(tracks|albums)/')
	tracks=$(count "SELECT count(DISTINCT track_id) FROM plays")
	R[albums.$lib.tracks]=$tracks
	R[albums.$lib.plays]=$(count "SELECT count(*) FROM plays")
	R[albums.$lib.listed]=$(count "SELECT count(*) FROM tracks WHERE from_listing")
	k=albums.$lib.$path
	add "$k.req" "$n"
	add "$k.rpt" "$(calc "$n / $tracks" 3)"
	add "$k.tracks_s" "$(calc "$t1 - $t0" 3)"
	add "$k.wall" "$(calc "$t2 - $t0" 3)"
	add "$k.r429" "$(grep -c '"status":429' "$d/requests.log")"
	say "albums: $lib, $path, run $r/$RUNS: $n requests for $tracks" \
	    "tracks ($(calc "$n / $tracks" 3)/track), $(calc "$t2 - $t0" 1) s" \
	    "$([ $ok = 1 ] || echo '(FAILED)')"
}

sec_albums() {
	local lib path r gen
	mkdir -p "$OUT/albums"
	for lib in albums playlist; do
		gen=$ALB_GEN_ALBUMS
		[ $lib = albums ] || gen=$ALB_GEN_PLAYLIST
		if [ ! -s "$OUT/albums/lib-$lib/catalog/tracks.ndjson" ]; then
			say "albums: generating the $lib library: sp-gen $gen"
			sp-gen $gen "$OUT/albums/lib-$lib" || die "sp-gen failed"
		fi
		for ((r = 1; r <= RUNS; r++)); do
			for path in obo af; do
				albums_run "$lib" "$path" "$r"
			done
		done
	done
}

table_albums() {
	local lib name path pname k note
	for lib in albums playlist; do
		name="an album-listening library (sp-gen $ALB_GEN_ALBUMS)"
		[ $lib = albums ] || name="a playlist library (sp-gen $ALB_GEN_PLAYLIST)"
		for path in af obo; do
			k=albums.$lib.$path
			pname="album-first (sp-enrich)"
			[ $path = af ] || pname="one by one"
			note=
			[ -z "${R[$k.failed]:-}" ] || note=" **(runs ${R[$k.failed]} FAILED)**"
			row "8. $pname, $name: ${R[albums.$lib.tracks]} tracks, track-stage requests per track$note" \
			    "$(fig "$k.rpt" 3) ($(fig "$k.req" 0) requests)" "-" "-"
			row "8. ... wall time of the enrichment (tracks, albums, artists; --jobs $JOBS), s; the track stages" \
			    "$(fig "$k.wall" 2); $(fig "$k.tracks_s" 2)" "-" "-"
		done
	done
}

verdicts_albums() {
	local a p
	a=$(med albums.albums.af.rpt) p=$(med albums.playlist.af.rpt)
	echo "- 8. album-first: at most 0.6 requests per track on the" \
	    "album-listening library: $(ok "$a <= 0.6") ($a; one by one" \
	    "$(med albums.albums.obo.rpt), ${R[albums.albums.listed]} tracks" \
	    "from listings); at most 1.02 on the playlist library:" \
	    "$(ok "$p <= 1.02") ($p)"
}
