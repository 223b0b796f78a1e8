#!/usr/bin/env bats
# lib/sp_pace on a fake clock: the window rule, the learned limit, the
# backoff, the ETA and the state file, through tests/unit/sp-pace-drive,
# which reads commands with the times given (see its header) and prints
# what the pacer answers.  No clock is read, nothing sleeps.
load helper
DRIVE="${SP_BIN:-$BATS_TEST_DIRNAME/../bin}/../tests/unit/sp-pace-drive"
R=1700000000		# the real-time clock when a test's pacer is made

# learned W N: a pacer with a W s window that learned N requests from a
# 429: N sent at 0 and answered at 0.1, the next refused at 0.2 with a
# Retry-After of 1 s.
learned() {
	cat <<EOF
new $1 0 0 $R
send 0 $2
land 0.1 0 200 $2
send 0.1
land 0.2 0.1 429
refuse 0.2 0 1
EOF
}

@test "sp_pace: no limit known: every request may go at once" {
	run -0 "$DRIVE" <<EOF
new 30 0 0 $R
send 0 500
land 0.05 0 200 500
next 0.05
count 0.05
limit
EOF
	assert_output 'next 0.050
count 500
limit 0'
}

@test "sp_pace: a request goes while fewer than the limit are in the window, answers counting a window after they came" {
	run -0 "$DRIVE" <<EOF
$(learned 10 4)
limit
count 10.099
next 1.2
next 10.099
count 10.1
next 10.1
send 10.1 3
next 10.1
send 10.1
next 10.1
land 10.15 10.1 200 4
next 10.15
next 20.149
next 20.15
EOF
	# The limit is what got through; the pause, then the four answers
	# of 0.1 leave at exactly 10.1; three in flight leave room for one;
	# four in flight none until a window after their answers.
	assert_output 'pause 1.000
limit 4
count 4
next 10.100
next 10.100
count 0
next 10.100
next 10.100
next 20.100
next 20.150
next 20.150
next 20.150'
}

@test "sp_pace: a request in flight counts in the window from its send on" {
	run -0 "$DRIVE" <<EOF
$(learned 10 2)
send 10.1
count 10.1
send 10.2
count 10.2
next 10.2
land 12 10.1 200
next 12
EOF
	assert_output 'pause 1.000
count 1
count 2
next 20.200
next 22.000'
}

@test "sp_pace: --rate spaces requests evenly at exactly 1/r" {
	run -0 "$DRIVE" <<EOF
new 30 4 0 $R
send 0
next 0
next 0.25
send 0.25
next 0.3
EOF
	assert_output 'next 0.250
next 0.250
next 0.500'
}

@test "sp_pace: a 429 lowers the limit to what the window held, at once with those in flight sent before it, then with what got through" {
	run -0 "$DRIVE" <<EOF
$(learned 30 300)
limit
# 31 s on: 250 answered, then a 429 with 5 sent before it in flight.
send 31 256
land 31.1 31 200 250
land 31.2 31 429
refuse 31.2 5 2
limit
# Those 5 are refused too: 250 got through.
land 31.3 31 429 5
refuse 31.3 0 2
limit
# A 429 whose window held more does not raise it.
send 70 260
land 70.1 70 200 259
land 70.2 70 429
refuse 70.2 0 1
limit
EOF
	assert_output 'pause 1.000
limit 300
pause 2.000
limit 255
-
limit 250
pause 1.000
limit 250'
}

@test "sp_pace: a request the server let through ahead of the refused one, sent with it, counts once it lands" {
	run -0 "$DRIVE" <<EOF
new 30 0 0 $R
send 0 10
land 0.1 0 200 8
land 0.11 0 429
refuse 0.11 0 1
limit
land 0.12 0 200
limit
# Sending again ends the burst: one still in flight is not counted,
# nor are the requests sent after it.
new 30 0 0 $R
send 0 10
land 0.1 0 200 8
land 0.11 0 429
refuse 0.11 0 1
send 1.2
limit
land 1.25 1.2 200
land 1.3 0 200
limit
EOF
	assert_output 'pause 1.000
limit 8
limit 9
pause 1.000
limit 8
limit 8'
}

# full FROM TO [N]: from FROM on, every 10 s to TO, a window filled with
# N requests (100), answered 0.1 s later, and the next held back (its
# next time printed); each tick a second after.
full() {
	local t
	for ((t = $1; t <= $2; t += 10)); do
		echo "send $t.1 ${3:-100}"
		echo "land $t.2 $t.1 200 ${3:-100}"
		echo "next $t.3"
		echo "tick $((t + 1)).2"
	done
}

@test "sp_pace: the limit is raised 5% a window only after 10 windows without a 429, and only when it held a request back" {
	run -0 "$DRIVE" <<EOF
$(learned 10 100)
# Nine full windows from the end of the pause (1.2): no raise.
$(full 10 90)
limit
# The tenth: 5% more (the 429 came at 0.2).
$(full 100 100)
limit
# A window that held nothing back: no raise.
tick 111.2
limit
# A full one: 5% more again, rounded up; not twice in one window.
$(full 120 120 105)
tick 121.3
limit
EOF
	assert_output "pause 1.000
$(for ((t = 10; t <= 90; t += 10)); do echo "next $((t + 10)).200"; done)
limit 100
next 110.200
limit 105
limit 105
next 130.200
limit 111"
}

@test "sp_pace: a raise too far is learned back at the next 429" {
	run -0 "$DRIVE" <<EOF
$(learned 10 100)
$(full 10 100)
limit
send 120 101
land 120.1 120 200 100
land 120.2 120 429
refuse 120.2 0 1
limit
EOF
	assert_output --partial 'limit 105
pause 1.000
limit 100'
}

@test "sp_pace: 429s without Retry-After: 1 s, doubling to 60 s while they go on; an answer to a later request ends it" {
	run -0 "$DRIVE" <<EOF
new 30 0 0 $R
send 0
land 0.1 0 429
refuse 0.1 0 0
send 1.1
land 1.2 1.1 429
refuse 1.2 0 0
send 3.2
land 3.3 3.2 429
refuse 3.3 0 0
send 7.3
land 7.4 7.3 429
refuse 7.4 0 0
send 15.4
land 15.5 15.4 429
refuse 15.5 0 0
send 31.5
land 31.6 31.5 429
refuse 31.6 0 0
send 63.6
land 63.7 63.6 429
refuse 63.7 0 0
send 123.7
land 123.8 123.7 200
send 124
land 124.1 124 429
refuse 124.1 0 0
EOF
	assert_output 'pause 1.000
pause 2.000
pause 4.000
pause 8.000
pause 16.000
pause 32.000
pause 60.000
pause 1.000'
}

@test "sp_pace: a 429 during a pause does not start another; a longer Retry-After extends it" {
	run -0 "$DRIVE" <<EOF
new 30 0 0 $R
send 0 3
land 0.1 0 429
refuse 0.1 0 5
land 0.2 0 429
refuse 0.2 0 2
paused
land 0.3 0 429
refuse 0.3 0 9
paused
next 1
EOF
	assert_output 'pause 5.000
-
paused 5.100
-
paused 9.300
next 9.300'
}

@test "sp_pace: ETA: the wait running, then the window rule with the learned limit" {
	run -0 "$DRIVE" <<EOF
$(learned 30 300)
eta 0.2 0 100
eta 0.2 1 100
eta 0.2 300 100
eta 0.2 1200 100
eta 30.1 1200 100
eta 31 1200 100
EOF
	# The first goes when the window frees (30.1), the 300th 2.99 s
	# later at 100 a second, the 1,200th three windows after that.
	assert_output 'pause 1.000
eta 1.000
eta 29.900
eta 32.890
eta 122.890
eta 92.990
eta 92.990'
}

@test "sp_pace: ETA with no limit known: the requests at the rate given, after the wait" {
	run -0 "$DRIVE" <<EOF
new 30 0 0 $R
pause 5
eta 1 100 50
eta 6 100 50
EOF
	assert_output 'eta 6.000
eta 2.000'
}

@test "sp_pace: the state file: limit, window, pause and 429 kept across runs; the next run starts where this one was" {
	f=$BATS_TEST_TMPDIR/pace.json
	run -0 "$DRIVE" <<EOF
$(learned 30 300)
send 20 5
land 20.5 20 200 5
pause 50.2
save 21 $f
# Ten seconds later, with a monotonic clock that started elsewhere.
new 30 0 500 $((R + 10))
load 500 $f
limit
count 500
next 500
blocked
EOF
	assert_output 'pause 1.000
limit 300
count 305
next 520.100
blocked 1700000051'
	run -0 jq -c '{blocked_until, limit, refused, refused_at,
	    sent: (.sent | length), first: .sent[0], last: .sent[-1]}' "$f"
	assert_output '{"blocked_until":1700000051,"limit":300,"refused":300,"refused_at":1700000000,"sent":305,"first":1700000000100,"last":1700000020500}'
	run -0 stat -c %a "$f"
	assert_output 600
}

@test "sp_pace: the state file: answers a window old are forgotten; what cannot be read is left unknown" {
	f=$BATS_TEST_TMPDIR/pace.json
	run -0 "$DRIVE" <<EOF
$(learned 30 300)
save 1 $f
new 30 0 0 $((R + 31))
load 0 $f
count 0
limit
new 30 0 0 $R
load 0 $BATS_TEST_TMPDIR/none.json
limit
count 0
EOF
	assert_output 'pause 1.000
count 0
limit 300
limit 0
count 0'
	printf '{"limit":"x","sent":[1,"a",' >"$f"
	run -0 "$DRIVE" <<EOF
new 30 0 0 $R
load 0 $f
limit
count 0
next 0
EOF
	assert_output 'limit 0
count 0
next 0.000'
}

@test "sp_pace: the real clock set back between runs: the last window's answers count as just now, never a burst" {
	f=$BATS_TEST_TMPDIR/pace.json
	run -0 "$DRIVE" <<EOF
$(learned 30 300)
save 1 $f
# An hour earlier by the real clock.
new 30 0 0 $((R - 3600))
load 0 $f
count 0
next 0
EOF
	assert_output 'pause 1.000
count 300
next 30.000'
}

@test "sp_pace: a monotonic clock that goes back: an answer never leaves the window earlier than one before it" {
	run -0 "$DRIVE" <<EOF
$(learned 10 2)
send 12 2
land 15 12 200
land 14 12 200
count 24.9
next 24.9
count 25
EOF
	assert_output 'pause 1.000
count 2
next 25.000
count 0'
}
