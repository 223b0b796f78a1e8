# helper.bash: loaded by every test file.
bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert
PATH="${SP_BIN:-$BATS_TEST_DIRNAME/../bin}:$PATH"
FIX="$BATS_TEST_DIRNAME/fixtures"
EXAMPLES="$BATS_TEST_DIRNAME/../examples"
sp_setup() {
	export SP_DB="$BATS_TEST_TMPDIR/sp.db"
	export HOME="$BATS_TEST_TMPDIR/home"
	export XDG_CACHE_HOME="$BATS_TEST_TMPDIR/cache"
	unset XDG_DATA_HOME SPOTIFY_CLIENT_ID SPOTIFY_CLIENT_SECRET
	export SOURCE_DATE_EPOCH=1795514400	# 2026-11-24T10:00:00Z
}
setup() { sp_setup; }

# dump: every table of the store, in a stable order, for comparisons.
dump() {
	local t
	for t in plays tracks albums artists track_artists artist_genres \
	    genres; do
		echo "== $t"
		sqlite3 -header "$SP_DB" "SELECT * FROM $t ORDER BY 1, 2, 3"
	done
}
