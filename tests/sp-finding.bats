#!/usr/bin/env bats
# lib/sp_finding, the findings of one sp-audit check and its verdict,
# through tests/unit/sp-finding-drive (see its header for the commands).
load helper
DRIVE="${SP_BIN:-$BATS_TEST_DIRNAME/../bin}/../tests/unit/sp-finding-drive"

@test "sp_finding: a share is judged and shown rounded toward failing" {
	run -0 "$DRIVE" <<'EOF2'
new 5
check max% 5
part 5001 100000
judge
check max% 5
part 5000 100000
judge
check min% 95
part 9499 10000
judge
check min% 95
part 95 100
judge
check max% 2
judge
EOF2
	assert_output 'pass 0 value 5.1%
pass 1 value 5.0%
pass 0 value 94.9%
pass 1 value 95.0%
pass 1 value n/a'
}

@test "sp_finding: a count over its threshold fails; the first examples are kept, the rest counted" {
	run -0 "$DRIVE" <<'EOF2'
new 2
check max 1
add a 1
add b 2
add c
judge
text
json
EOF2
	assert_output 'pass 0 value 3
  FAIL  check                  3  max 1     what it judges
        a  1
        b  2
        ... and 1 more
{"name":"check","what":"what it judges","value":3,"unit":"count","limit":"max","threshold":1,"flag":"--max","pass":false,"count":3,"examples":[{"id":"a","n":1},{"id":"b","n":2}],"more":1}'
}

@test "sp_finding: a note never fails and has no threshold; a share shows its parts in JSON" {
	run -0 "$DRIVE" <<'EOF2'
new 5
check note 0
add x
text
json
check min% 80
part 3 4
json
EOF2
	assert_output '  note  check                  1            what it judges
        x  -
{"name":"check","what":"what it judges","value":1,"unit":"count","limit":null,"threshold":null,"flag":"--max","pass":true,"count":1,"examples":[{"id":"x","n":null}],"more":0}
{"name":"check","what":"what it judges","value":75.00,"unit":"percent","limit":"min","threshold":80,"flag":"--max","pass":false,"numerator":3,"denominator":4,"count":0,"examples":[],"more":0}'
}
