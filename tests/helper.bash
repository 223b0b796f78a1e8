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
	local t order
	for t in plays tracks albums artists track_artists artist_genres \
	    genres; do
		echo "== $t"
		order='1, 2, 3'
		[ "$t" != genres ] || order='1, 2'	# it has two columns
		sqlite3 -header "$SP_DB" "SELECT * FROM $t ORDER BY $order"
	done
}

# golden STATUS CASE CMD...: run CMD; its exact stdout and stderr must be
# CASE.out and CASE.err (compared with diff -u; a missing file stands for
# an empty output), and its exit status STATUS.
golden() {
	local want=$1 case=$2 st=0 f
	shift 2
	"$@" >"$BATS_TEST_TMPDIR/golden.out" 2>"$BATS_TEST_TMPDIR/golden.err" ||
	    st=$?
	for f in out err; do
		if [ -e "$case.$f" ]; then
			diff -u "$case.$f" "$BATS_TEST_TMPDIR/golden.$f"
		else
			diff -u /dev/null "$BATS_TEST_TMPDIR/golden.$f"
		fi
	done
	assert_equal "$st" "$want"
}

# sql QUERY...: rows of the store, NULL shown as NULL.
sql() { sqlite3 -nullvalue NULL "$SP_DB" "$@"; }

# man_options PROG: the options man/PROG.1 documents, one a line, sorted.
# help_options: the same, from a --help text on stdin.
man_options() {
	grep '^\.It Fl' "$BATS_TEST_DIRNAME/../man/$1.1" |
	    grep -o 'Fl [^ ]*' | sed 's/^Fl /-/' | LC_ALL=C sort
}
help_options() {
	sed -n 's/^ *\(-.*\)/\1/p' | sed 's/  .*//' |
	    grep -o -- '--*[A-Za-z][-A-Za-z0-9]*' | LC_ALL=C sort
}

# man_synopsis PROG: the SYNOPSIS of man/PROG.1, on one line.
# help_synopsis: the same, from the usage lines of a --help text on stdin.
man_synopsis() {
	mandoc -Tascii "$BATS_TEST_DIRNAME/../man/$1.1" | col -bx |
	    sed -n '/^SYNOPSIS/,/^DESCRIPTION/{/^[A-Z]/!p;}' |
	    tr -s ' \n' '  ' | sed 's/^ //; s/ $//'
}
help_synopsis() {
	sed '/^ *-/,$d; s/^usage: //' | tr -s ' \n' '  ' |
	    sed 's/^ //; s/ $//'
}

# emu_start [ARGS...]: start sp-emulator with ARGS on a free port of
# 127.0.0.1, serving $EMU_CATALOG (by default a small catalog that sp-gen
# makes under $BATS_TEST_TMPDIR/gen, with its export), and wait (5 s at
# most) until it listens.  Exports SP_API_URL, SP_TOKEN_URL, EMU_PORT,
# EMU_LOG (its request log), EMU_ERR (its stderr) and EMU_CATALOG.
# teardown stops it; emu_stop stops it earlier.
emu_start() {
	local d="$BATS_TEST_TMPDIR" i
	if [ -z "${EMU_CATALOG:-}" ]; then
		sp-gen -s 1 -t 150 -n 300 -m 3 "$d/gen" || return
		export EMU_CATALOG="$d/gen/catalog"
	fi
	export EMU_LOG="$d/emu.log" EMU_ERR="$d/emu.err"
	rm -f "$d/emu.port"
	# Closing fd 3 keeps bats from waiting for the server.
	sp-emulator --port-file "$d/emu.port" --log "$EMU_LOG" "$@" \
	    "$EMU_CATALOG" 2>"$EMU_ERR" 3>&- &
	EMU_PID=$!
	for ((i = 0; i < 100; i++)); do
		[ -s "$d/emu.port" ] && break
		kill -0 "$EMU_PID" 2>/dev/null || break
		sleep 0.05
	done
	if [ ! -s "$d/emu.port" ]; then
		echo "emu_start: sp-emulator did not start" >&2
		cat "$EMU_ERR" >&2
		emu_stop
		return 1
	fi
	EMU_PORT=$(cat "$d/emu.port")
	export EMU_PORT SP_API_URL="http://127.0.0.1:$EMU_PORT/v1" \
	    SP_TOKEN_URL="http://127.0.0.1:$EMU_PORT/api/token"
}

# emu_stop: stop the emulator emu_start started, and wait for it; its
# exit status goes to EMU_STATUS.
emu_stop() {
	[ -n "${EMU_PID:-}" ] || return 0
	kill "$EMU_PID" 2>/dev/null
	EMU_STATUS=0
	wait "$EMU_PID" 2>/dev/null || EMU_STATUS=$?
	EMU_PID=
}

teardown() { emu_stop; }

# ro_store: move the store ($SP_DB, closed, in WAL mode, without -wal or
# -shm files) into a fresh folder that the user of `as_reader` may read
# but not write, and point SP_DB at it; RO_DIR is the folder (the caller
# removes it).  as_reader CMD...: CMD as that user: nobody when we are
# root (the folder's permissions do not bind root), else ourselves, the
# folder being mode 0555.
ro_store() {
	RO_DIR=$(mktemp -d /tmp/sp-ro.XXXXXX) || return
	mv "$SP_DB" "$RO_DIR/sp.db" || return
	chmod 0644 "$RO_DIR/sp.db"
	chmod 0555 "$RO_DIR"
	export SP_DB="$RO_DIR/sp.db"
}
as_reader() {
	if [ "$(id -u)" -eq 0 ]; then
		setpriv --reuid=nobody --regid=nogroup --clear-groups \
		    env HOME=/nonexistent XDG_CACHE_HOME=/nonexistent "$@"
	else
		"$@"
	fi
}

# screen: the lines a terminal shows for the bytes on stdin: \r goes back
# to the start of the line, ESC [ K clears it from there, \n starts a
# new line.
screen() {
	python3 -c '
import sys
data = sys.stdin.buffer.read().decode("utf-8", "replace")
lines, cur, col, i = [], [], 0, 0
while i < len(data):
    if data.startswith("\x1b[K", i):
        del cur[col:]
        i += 3
        continue
    c = data[i]
    if c == "\r":
        col = 0
    elif c == "\n":
        lines.append("".join(cur))
        cur, col = [], 0
    else:
        if col < len(cur):
            cur[col] = c
        else:
            cur.append(c)
        col += 1
    i += 1
if cur:
    lines.append("".join(cur))
print("\n".join(lines))'
}
