#!/usr/bin/env bash
# valgrind.sh [BATS...]: the suites of the record programs (by default
# sp-history, sp-normalize, sp-ids and sp-load: every program of the
# chain but the networked sp-fetch and sp-emulator, whose tests time
# requests) with every sp program run under valgrind memcheck: any
# invalid access, use of an uninitialised value, or definite or indirect
# leak makes that program exit 99, so its test fails, and leaves a log
# in build-valgrind/log/.  Tests too slow under valgrind skip themselves
# when SP_VALGRIND is set.  The last line: "check-valgrind: N passed,
# N failed, N valgrind reports".
cd "$(dirname "$0")/.." || exit 3
top=$PWD/build-valgrind
rm -rf "$top"
mkdir -p "$top/bin" "$top/log"
for p in bin/sp-*; do
	case $p in *.c) continue ;; esac
	# Found through PATH, so that argv[0] is the bare name, as getopt's
	# messages show it.
	cat >"$top/bin/${p##*/}" <<-WRAP
	#!/bin/sh
	PATH="$PWD/bin:\$PATH" exec valgrind -q --error-exitcode=99 \\
	    --leak-check=full --show-leak-kinds=definite,indirect \\
	    --errors-for-leak-kinds=definite,indirect --track-origins=yes \\
	    --log-file="$top/log/${p##*/}.%p" ${p##*/} "\$@"
	WRAP
	chmod +x "$top/bin/${p##*/}"
done
[ $# -gt 0 ] || set -- tests/sp-history.bats tests/sp-normalize.bats \
    tests/sp-ids.bats tests/sp-load.bats
tap=$top/tap
SP_VALGRIND=1 SP_BIN=$top/bin bats --formatter tap "$@" | tee "$tap"
st=${PIPESTATUS[0]}
passed=$(grep -c '^ok ' "$tap")
failed=$(grep -c '^not ok ' "$tap")
reports=$(find "$top/log" -type f -size +0 | wc -l)
for f in $(find "$top/log" -type f -size +0); do
	echo "# $f:"
	sed 's/^/#   /' "$f" | head -40
done
[ "$st" -eq 0 ] || [ "$failed" -gt 0 ] || failed=1
echo "check-valgrind: $passed passed, $failed failed, $reports valgrind reports"
[ "$failed" -eq 0 ] && [ "$reports" -eq 0 ]
