# hostile.py DIR FIXTURES SCALE: write the hostile inputs of hostile.sh.
# For each case and reader, DIR/CASE.READER holds a good record, the
# hostile one, then another good record (for sp-history: a JSON array of
# the three).  SCALE is "small" (sizes a test can afford) or "full" (the
# issue's: a 100 MB line, 100,000 keys, 100,000 artists).
import json
import os
import random
import sys

out, fix, scale = sys.argv[1], sys.argv[2], sys.argv[3]
full = scale == "full"
BIG = 100 * 1024 * 1024 if full else 9 * 1024 * 1024
MANY = 100000 if full else 10000
rnd = random.Random(15)

load = json.loads(open(fix + "/sp-load/track.ndjson").readline())
api = json.loads(open(fix + "/sp-normalize/bare.ndjson").readline())
exp = json.load(open(fix + "/sp-history/extended.json"))[0]
GOOD = ["5zr3QA7YeEEBY3ABp3e2zS", "0123456789ABCDEFGHIJab"]


def good(reader, k):
    if reader == "load":
        return dict(load, id=GOOD[k])
    if reader == "normalize":
        return dict(api, id=GOOD[k])
    if reader == "history":
        return dict(exp, ts="2024-06-02T18:4%d:00Z" % k,
                    spotify_track_uri="spotify:track:" + GOOD[k])
    return GOOD[k]


def enc(o):
    return json.dumps(o, ensure_ascii=False, separators=(",", ":")).encode()


def numbers(o, v):
    o = dict(o)
    for k in ("ms_played", "duration_ms", "popularity", "track_number",
              "offline_timestamp", "disc_number"):
        if k in o:
            o[k] = "@NUM@"
    return enc(o).replace(b'"@NUM@"', v)


def dates(o, ts, day):
    o = dict(o)
    if "ts" in o:
        o["ts"] = ts
    if "album" in o:
        o["album"] = dict(o["album"], release_date=day,
                          release_date_precision="day")
    if "fetched_at" in o:
        o["fetched_at"] = ts
    return enc(o)


def hostile(case, reader, base):
    """The hostile record for reader, from base (a good one)."""
    if reader == "fetch":
        base = {"type": "track", "id": GOOD[0]}
    if case == "garbage":
        return bytes(rnd.randrange(256) for _ in range(65536)).replace(
            b"\n", b"\x00")
    if case == "nul":
        return enc(dict(base, name="x")).replace(b'"x"', b'"a\x00b"')
    if case == "utf8":
        return enc(dict(base, name="@")).replace(
            b'"@"', b'"\xff\xfe \xc0\xaf \xed\xa0\x80 \xf4\x90\x80\x80"')
    if case == "huge-number":
        return numbers(base, b"123456789012345678901234567890e400")
    if case == "negative-number":
        return numbers(base, b"-9223372036854775809")
    if case == "before-1970":
        return dates(base, "1969-12-31T23:59:59Z", "0001-01-01")
    if case == "after-9999":
        return dates(base, "10000-01-01T00:00:00Z", "10000-01-01")
    if case == "duplicate-keys":
        t = enc(base)
        return b'{"type":"album","id":"' + GOOD[1].encode() + b'",' + t[1:]
    if case == "not-an-object":
        return enc([base, base])
    if case == "big-line":
        return enc(dict(base, name="@")).replace(b'"@"', b'"' + b"x" * BIG + b'"')
    if case == "many-keys":
        o = dict(base)
        for i in range(MANY):
            o["k%d" % i] = i
        return enc(o)
    if case == "many-artists":
        o = dict(base)
        if reader == "load":
            o["artists"] = [{"id": "%022d" % i, "name": "a%d" % i,
                             "position": i} for i in range(MANY)]
        elif reader == "normalize":
            o["artists"] = [{"id": "%022d" % i, "name": "a%d" % i,
                             "type": "artist"} for i in range(MANY)]
        else:
            o["master_metadata_album_artist_name"] = ", ".join(
                "a%d" % i for i in range(MANY))
        return enc(o)
    if case == "deep":
        return b'{"a":' + b"[" * MANY + b"]" * MANY + b"}"
    raise ValueError(case)


CASES = ["garbage", "nul", "utf8", "huge-number", "negative-number",
         "before-1970", "after-9999", "duplicate-keys", "not-an-object",
         "big-line", "many-keys", "many-artists", "deep"]
for case in CASES:
    for reader in ("load", "normalize", "history", "fetch"):
        g0, g1 = good(reader, 0), good(reader, 1)
        h = hostile(case, reader, g0)
        with open(os.path.join(out, case + "." + reader), "wb") as f:
            if reader == "history":
                f.write(b"[\n" + enc(g0) + b",\n" + h + b",\n" + enc(g1) +
                        b"\n]\n")
            elif reader == "fetch":
                f.write(g0.encode() + b"\n" + h + b"\n" + g1.encode() + b"\n")
            else:
                f.write(enc(g0) + b"\n" + h + b"\n" + enc(g1) + b"\n")
# An export that is an object, not an array.
with open(os.path.join(out, "object.history"), "wb") as f:
    f.write(enc(exp) + b"\n")
print(" ".join(CASES))
