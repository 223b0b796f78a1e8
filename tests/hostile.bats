#!/usr/bin/env bats
# hostile: tests/hostile.sh at small sizes (make hostile runs the full
# ones against the ASan+UBSan build): every reader, every hostile input,
# the good records around it through.
load helper

@test "issue 15: hostile inputs through every reader: no crash or hang, the line named, the good records around through" {
	command -v python3 >/dev/null || skip "python3 makes the inputs"
	run -0 --separate-stderr bash "$BATS_TEST_DIRNAME/hostile.sh" small
	assert_equal "${lines[-1]}" 'hostile: 53 passed, 0 failed'
	# Some verdicts, exactly.
	assert_line --regexp '^hostile: deep sp-history: ok, exit 1, [0-9.]+ s: sp-history: deep.history:3: entry 2: nested deeper than 512 at byte 517$'
	assert_line --regexp '^hostile: nul sp-load: ok, exit 1, [0-9.]+ s: sp-load: nul.load:2: NUL byte at byte 93$'
	assert_line --regexp '^hostile: big-line sp-normalize: ok, exit 1, [0-9.]+ s: sp-normalize: big-line.normalize:2: line too long \(9437759 bytes, the limit is 8388608\)$'
}
