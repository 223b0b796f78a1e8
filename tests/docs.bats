#!/usr/bin/env bats
# The documentation stays true: the runnable blocks of README.md and the
# enrichment guide run against the emulator, every error message the guide
# documents is produced by some test, and every man page lists exactly the
# options of its program's --help.
load helper

TOP="$BATS_TEST_DIRNAME/.."

# blocks FILE: the shell blocks marked <!-- runnable --> in FILE, in order.
blocks() {
	awk '/^<!-- runnable -->$/ { want = 1; next }
	    want && /^```sh$/ { inblock = 1; want = 0; next }
	    inblock && /^```$/ { inblock = 0; print ""; next }
	    inblock { print }
	    { want = want && /^$/ }' "$1"
}

# Run FILE's runnable blocks from the top of the tree, with the bundled
# example behind the emulator and demo credentials.
run_blocks() {
	export SPOTIFY_CLIENT_ID=sp-docs SPOTIFY_CLIENT_SECRET=sp-docs-secret
	EMU_CATALOG="$TOP/examples/catalog" emu_start
	blocks "$TOP/$1" > "$BATS_TEST_TMPDIR/blocks.sh"
	[ -s "$BATS_TEST_TMPDIR/blocks.sh" ] || fail "$1 has no runnable block"
	cd "$TOP"
	run bash -eo pipefail "$BATS_TEST_TMPDIR/blocks.sh"
}

@test "docs: the README's tour runs what make demo runs, sp-enrich, which ends with sp-audit -q" {
	local tour demo
	tour=$(blocks "$TOP/README.md" | grep -v '^$' | head -n 1)
	demo=$(grep '^sp-enrich ' "$TOP/examples/demo.sh")
	assert_equal "$tour" 'sp-enrich examples/export'
	assert_equal "$demo" 'sp-enrich "$top/examples/export"'
	grep -q '^sp-audit -q$' "$TOP/bin/sp-enrich.sh"
	# The README says so, and shows the verdict as the last line.
	grep -q 'ends with `sp-audit -q`' "$TOP/README.md"
}

@test "docs: README.md's runnable blocks run against the emulator" {
	run_blocks README.md
	assert_success
	run sp-ids -q tracks
	assert_output ''
}

@test "docs: the enrichment guide's runnable blocks run against the emulator" {
	run_blocks docs/guides/enrichment.md
	assert_success
	run sqlite3 "$SP_DB" "SELECT count(*) FROM tracks WHERE status = 'ok'"
	assert_output '116'
}

@test "docs: every error message the guide documents is produced by a test" {
	local msg frag missing=
	# The section's messages: code spans that start with "sp-".
	sed -n '/^## Common errors/,/^## Troubleshooting/p' \
	    "$TOP/docs/guides/enrichment.md" | grep -o '`sp-[^`]*`' |
	    tr -d '`' > "$BATS_TEST_TMPDIR/msgs"
	[ "$(wc -l < "$BATS_TEST_TMPDIR/msgs")" -ge 15 ] ||
	    fail "too few messages found in the guide"
	while IFS= read -r msg; do
		# "…" stands for what varies; each fixed part must be in tests/.
		while IFS= read -r frag; do
			frag=${frag#"${frag%%[![:space:]:;]*}"}
			frag=${frag%"${frag##*[![:space:]]}"}
			[ ${#frag} -ge 8 ] || continue
			# As written, or as a test's regex writes it: \( \).
			grep -rqF --exclude=docs.bats -e "$frag" \
			    -e "$(printf '%s' "$frag" | sed 's/[()]/\\&/g')" \
			    "$TOP/tests" ||
			    missing="$missing"$'\n'"$frag  (in: $msg)"
		done < <(printf '%s\n' "$msg" | sed 's/…/\n/g')
	done < "$BATS_TEST_TMPDIR/msgs"
	[ -z "$missing" ] || fail "not produced by any test:$missing"
}

@test "docs: every man page lists exactly the options of its program's --help" {
	local p bad=
	for p in "$TOP"/bin/sp-*.c "$TOP"/bin/sp-*.sh; do
		p=$(basename "$p")
		p=${p%.*}
		[ -f "$TOP/man/$p.1" ] || { bad="$bad $p(no page)"; continue; }
		diff <(man_options "$p") <("$p" --help | help_options) \
		    > /dev/null || bad="$bad $p"
	done
	[ -z "$bad" ] || fail "man page and --help differ:$bad"
}
