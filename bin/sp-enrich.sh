#!/bin/sh
# sp-enrich: the whole job as one command.  Loads a Spotify export (its
# JSON files, their folder or the zip archive Spotify sends), enriches
# its tracks, albums and artists, and checks the store.  It is the
# pipelines of the small programs, which stay the interface:
#   sp-history EXPORT... | sp-load
#   sp-ids --by-album tracks | sp-fetch | sp-normalize | sp-load
#   sp-ids --by-album albums | sp-fetch | sp-normalize | sp-load
#   sp-ids tracks  | sp-fetch | sp-normalize | sp-load
#   sp-ids albums  | sp-fetch | sp-normalize | sp-load
#   sp-ids artists | sp-fetch | sp-normalize | sp-load
#   sp-audit -q
# Album-first: a track of each album the export names three or more
# pending tracks of, which gives the album's id; then those albums whose
# listing costs fewer requests than their pending tracks, each listing
# enriching the played tracks it holds; then the rest one by one.
# Run again, it resumes: sp-ids lists only what is still pending.  The
# first stage that did not finish gives its exit status; on 75 the time
# to come back is said again as the last line.
set -u

usage() {
	cat <<'EOF'
usage: sp-enrich [-hqV] [-d file] export ...
  -d, --db file  the database (default $SP_DB, else ~/.local/share/sp/sp.db)
  -h, --help     print this help and exit
  -q, --quiet    no progress and no summaries; warnings, errors and the
                 audit's verdict are still printed
  -V, --version  print the version and exit
EOF
	exit "$1"
}

# The programs next to this one come first: an installed suite, or bin/.
case $0 in
*/*)	PATH=${0%/*}:$PATH ;;
esac
export PATH

q=
while [ $# -gt 0 ]; do
	case $1 in
	-d | --db)
		[ $# -ge 2 ] || usage 2 >&2
		[ -n "$2" ] || usage 2 >&2
		SP_DB=$2
		export SP_DB
		shift 2
		continue ;;
	-d*)	SP_DB=${1#-d}; export SP_DB ;;
	--db=*)	SP_DB=${1#--db=}; export SP_DB ;;
	-h | --help)
		usage 0 ;;
	-q | --quiet)
		q=-q ;;
	-V | --version)
		v=$(sp-load -V) || exit 3
		echo "sp-enrich ${v#sp-load }"
		exit 0 ;;
	--)	shift; break ;;
	-?*)	echo "sp-enrich: unknown option: $1" >&2
		usage 2 >&2 ;;
	*)	break ;;
	esac
	shift
done
[ $# -gt 0 ] || usage 2 >&2

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sp-enrich.XXXXXX") || exit 3
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# status FILE...: the status the stage's programs left in FILEs: the
# first that is not 0, but a 141 (a reader that went away, because a
# later program failed) only when nothing else failed.
status() {
	st=0
	for f in "$@"; do
		s=$(cat "$tmp/$f" 2>/dev/null) || s=3
		[ -n "$s" ] || s=3
		if [ "$s" -ne 0 ] && { [ "$st" -eq 0 ] || [ "$st" -eq 141 ]; }
		then
			st=$s
		fi
	done
	echo "$st"
}

# stopped WHAT STATUS: the stage did not finish; say so and leave with
# its status.  On 75, the time to come back, as sp-fetch said it.
stopped() {
	if [ "$2" -eq 75 ]; then
		when=$(sed -n 's/.*; \(retry after [^;]*\);.*/\1/p' \
		    "$tmp/fetch.err" 2>/dev/null | tail -n 1)
		if [ -n "$when" ]; then
			echo "sp-enrich: $1: stopped (status 75): $when;" \
			    "run sp-enrich again then to resume" >&2
		else
			echo "sp-enrich: $1: stopped (status 75): some ids" \
			    "were not fetched; run sp-enrich again later to" \
			    "resume" >&2
		fi
	else
		echo "sp-enrich: $1: stopped (status $2)" >&2
	fi
	exit "$2"
}

# The plays.  A status of 1 (some entries rejected, the rest loaded) is
# kept for the end; the run goes on.
final=0
{ sp-history $q "$@"; echo $? >"$tmp/history"; } |
    { sp-load $q; echo $? >"$tmp/load"; }
st=$(status history load)
[ "$st" -le 1 ] || stopped plays "$st"
[ "$final" -ne 0 ] || final=$st

# Progress goes through a pipe (to keep the reason of a stop): on a
# terminal, ask for it.
progress=
[ -n "$q" ] || [ ! -t 2 ] || progress=--progress

# stage NAME SP-IDS-ARGS...: one enrichment pipeline.
stage() {
	name=$1
	shift
	: >"$tmp/fetch.err"
	{ sp-ids $q "$@"; echo $? >"$tmp/ids"; } |
	    { { sp-fetch $q $progress 2>&1 >&3 3>&-; echo $? >"$tmp/fetch"; } |
	    tee "$tmp/fetch.err" >&2; } 3>&1 |
	    { sp-normalize; echo $? >"$tmp/normalize"; } |
	    { sp-load $q; echo $? >"$tmp/load"; }
	st=$(status ids fetch normalize load)
	[ "$st" -le 1 ] || stopped "$name" "$st"
	[ "$final" -ne 0 ] || final=$st
}

stage "tracks, one per album" --by-album tracks
stage "album listings" --by-album albums
stage tracks tracks
stage albums albums
stage artists artists

sp-audit -q
st=$?
[ "$st" -le 1 ] || stopped audit "$st"
[ "$final" -ne 0 ] || final=$st
exit "$final"
