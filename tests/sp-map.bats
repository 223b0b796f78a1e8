#!/usr/bin/env bats
# lib/sp_map, the string set sp-report's tally and timeline number their
# artists, albums and genres with, through tests/unit/sp-map-drive (see
# its header for the commands).
load helper
DRIVE="${SP_BIN:-$BATS_TEST_DIRNAME/../bin}/../tests/unit/sp-map-drive"

@test "sp_map: keys are numbered in the order first added; adding one again gives its number" {
	run -0 "$DRIVE" <<'EOF'
new 4
add 4Z8W4fKeB5YxbusRsdQVPb
add dream pop
add 4Z8W4fKeB5YxbusRsdQVPb
add
len
key 0
key 1
find
EOF
	assert_output '0
1
0
2
3
4Z8W4fKeB5YxbusRsdQVPb
dream pop
2'
}

@test "sp_map: find tells a key's number, -1 for one never added; a number out of range has no key" {
	run -0 "$DRIVE" <<'EOF'
new 0
add rock
add Rock
find Rock
find rock
find roc
find rocks
key 2
key -1
EOF
	assert_output '0
1
1
0
-1
-1
(null)
(null)'
}

@test "sp_map: 100,000 keys in a map sized for 4: each found under its number, its text whole and where it was first put" {
	run -0 "$DRIVE" <<'EOF'
new 4
add first
fill 100000
len
find first
find k99999
key 100000
EOF
	assert_output '0
fill ok
100001
0
100000
k99999'
}

@test "sp_map: a key longer than a block of keys is kept whole, and the keys after it too" {
	run -0 "$DRIVE" <<'EOF'
new 1
add a
long 70000
long 70000
add b
long 100
find a
find b
key 0
key 2
EOF
	assert_output '0
1 70000
1 70000
2
3 100
0
2
a
b'
}

@test "sp_map: room grows the caller's array to hold the item asked for, the new items zeroed, the old ones kept" {
	run -0 "$DRIVE" <<'EOF'
room 0 8
room 1023 8
room 1024 8
room 5000 24
EOF
	assert_output 'room 1024 1024 zero
room 1024 4096 zero
room 2048 4096 zero
room 8192 16384 zero'
}

@test "sp_map: a command it does not understand is said, with its line" {
	run -1 --separate-stderr "$DRIVE" <<'EOF'
new 2
frobnicate x
EOF
	assert_equal "$stderr" 'sp-map-drive: stdin:2: not understood: frobnicate x'
}
