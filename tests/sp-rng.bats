#!/usr/bin/env bats
# lib/sp_rng, the random source sp-gen makes its libraries with, through
# tests/unit/sp-rng-drive (see its header for the commands).  sp-gen's
# bytes for a seed hang on every draw here staying the same.  The exact
# values expected were worked out apart from the C, by a Python model of
# the same formulas (splitmix64's published outputs for states 0 and
# 1234567 anchor it).
load helper
DRIVE="${SP_BIN:-$BATS_TEST_DIRNAME/../bin}/../tests/unit/sp-rng-drive"

# cmds N LINE: LINE, N times.
cmds() { local i; for ((i = 0; i < $1; i++)); do echo "$2"; done; }

@test "sp_rng: next is splitmix64 (the reference outputs for states 0 and 1234567)" {
	run -0 "$DRIVE" <<'EOF2'
set 0
next
next
next
set 1234567
next
next
EOF2
	assert_output '0xe220a8397b1dcdaf
0x6e789e6aa1b965f4
0x06c45d188009454f
0x599ed017fb08fc85
0x2c73f08458540fa5'
}

@test "sp_rng: a generator is its seed, purpose and index, whatever was drawn before" {
	run -0 "$DRIVE" <<'EOF2'
seed 7 3 42
next
next
seed 7 3 42
next
seed 7 3 43
next
seed 7 4 42
next
seed 8 3 42
next
EOF2
	assert_output '0xd23f295edd7d7609
0x49f2498dbb5a2a30
0xd23f295edd7d7609
0xd62e99801614d738
0xedf98eb4a0f089ae
0x4912a34752ed96ec'
}

@test "sp_rng: uni N gives every value of [0, N) and nothing else; uni 1 only 0" {
	run -0 bash -c "{ echo 'seed 1 1 0'; $(declare -f cmds); cmds 2000 'uni 7'; } | '$DRIVE' | sort -n | uniq -c | awk '{ print \$2, (\$1 > 200) }'"
	assert_output '0 1
1 1
2 1
3 1
4 1
5 1
6 1'
	run -0 bash -c "{ echo 'seed 1 1 0'; $(declare -f cmds); cmds 100 'uni 1'; } | '$DRIVE' | sort -u"
	assert_output '0'
}

@test "sp_rng: range LO HI covers both ends, negative ones too" {
	run -0 bash -c "{ echo 'seed 2 1 0'; $(declare -f cmds); cmds 1000 'range -2 2'; } | '$DRIVE' | sort -n | uniq | tr '\n' ' '"
	assert_output '-2 -1 0 1 2 '
	run -0 bash -c "{ echo 'seed 2 1 0'; $(declare -f cmds); cmds 50 'range 5 5'; } | '$DRIVE' | sort -u"
	assert_output '5'
}

@test "sp_rng: dbl is in [0, 1) and spread over it" {
	run -0 bash -c "{ echo 'seed 3 1 0'; $(declare -f cmds); cmds 4000 dbl; } | '$DRIVE' | awk '\$1 < 0 || \$1 >= 1 { bad++ } { b[int(\$1 * 4)]++ } END { print bad + 0, (b[0] > 900), (b[1] > 900), (b[2] > 900), (b[3] > 900) }'"
	assert_output '0 1 1 1 1'
}

@test "sp_rng: an id is 22 base-62 characters (128 bits: the first 0-7), the same for the same seed, purpose and index, distinct across indexes" {
	run -0 "$DRIVE" <<'EOF2'
id 7 1 0
set 99
next
id 7 1 0
id 7 1 1
id 7 2 0
EOF2
	assert_output '0TCtVgQqj7dKMAhumgc4p5
0x42f3a9364c476be3
0TCtVgQqj7dKMAhumgc4p5
0MdUcf6do2cg4ZS23UvNHl
7CP0jkZSqxIlEM0cY0M1RN'
	run -0 bash -c "for i in \$(seq 0 300); do echo \"id 5 3 \$i\"; done | '$DRIVE' | grep -E '^[0-7][0-9A-Za-z]{21}\$' | sort -u | wc -l"
	assert_output '301'
}

@test "sp_rng: the bundled example's first artist has the id of seed 7, purpose artist, index 0" {
	run -0 bash -c "'$DRIVE' <<< 'id 7 1 0'"
	assert_output "$(head -1 "$BATS_TEST_DIRNAME/../examples/catalog/artists.ndjson" | jq -r .id)"
}

@test "sp_rng: digits N gives N decimal digits" {
	run -0 "$DRIVE" <<'EOF2'
seed 4 5 0
digits 12
digits 0
digits 1
EOF2
	assert_output '592707498258

8'
}

@test "sp_rng: cum picks by weight; a weight of 0 is never picked; one weight, always it" {
	run -0 "$DRIVE" <<'EOF2'
seed 1 6 0
cum 4000 1 0 3
cum 100 0 0 5
cum 10 2
EOF2
	assert_output '985 0 3015
0 0 100
10'
}
