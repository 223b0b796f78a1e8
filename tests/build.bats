#!/usr/bin/env bats
# The build: install, uninstall, warnings that CFLAGS cannot drop.
load helper

TOP="$BATS_TEST_DIRNAME/.."

@test "build: make install honours DESTDIR and PREFIX; make uninstall removes it all" {
	run make -C "$TOP" --no-print-directory SP_NODEPS=1 \
	    DESTDIR="$BATS_TEST_TMPDIR/root" PREFIX=/opt/sp install
	assert_success
	cd "$BATS_TEST_TMPDIR/root"
	for p in "$TOP"/bin/sp-*.c "$TOP"/bin/sp-*.sh; do
		p=$(basename "$p")
		p=${p%.*}
		[ -x "opt/sp/bin/$p" ] || fail "opt/sp/bin/$p not installed"
		[ -f "opt/sp/share/man/man1/$p.1" ] || fail "$p.1 not installed"
	done
	[ -f opt/sp/share/man/man7/sp.7 ] || fail "sp.7 not installed"
	[ -f opt/sp/share/man/man5/sp-records.5 ] || fail "sp-records.5 not installed"
	[ -f opt/sp/share/sp/genre-rules.txt ] || fail "genre rules not installed"
	run stat -c %a opt/sp/bin/sp-load opt/sp/share/man/man1/sp-load.1
	assert_output $'755\n644'
	run make -C "$TOP" --no-print-directory SP_NODEPS=1 \
	    DESTDIR="$BATS_TEST_TMPDIR/root" PREFIX=/opt/sp uninstall
	assert_success
	run find . -type f
	assert_output ''
}

@test "build: make CFLAGS=... keeps -std=c11 -Wall -Wextra -Werror" {
	run make -C "$TOP" --no-print-directory -n -B SP_NODEPS=1 \
	    CFLAGS=-O0 BUILD="$BATS_TEST_TMPDIR/b" "$BATS_TEST_TMPDIR/b/lib/sp.o"
	assert_success
	assert_output --partial '-O0 -std=c11 -Wall -Wextra -Werror'
	# Nor can CFLAGS turn the warnings off.
	run make -C "$TOP" --no-print-directory -n -B SP_NODEPS=1 \
	    CFLAGS='-O0 -w -Wno-error' BUILD="$BATS_TEST_TMPDIR/b" \
	    "$BATS_TEST_TMPDIR/b/lib/sp.o"
	assert_success
	assert_output --partial '-O0 -std=c11 -Wall -Wextra -Werror'
	refute_output --regexp ' -w |-Wno-error'
}

@test "build: deps does nothing when every package is there" {
	run sh "$TOP/tests/deps.sh" bash coreutils
	assert_success
	assert_output ''
}
