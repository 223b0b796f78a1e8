# normalize.jq: sp-normalize's track rules, written in jq, for the CPU
# benchmark (bench/run): a fetch envelope of a track in, one flat row out,
# for "sqlite-utils upsert --nl".  The same columns as sp's tracks table,
# with the album's fields and the artists (as JSON) in the same row.
def str: if type == "string" and length > 0 then . else null end;
def uint: if type == "number" and . >= 0 and . == floor then . else null end;
def bool: if type == "boolean" then . else null end;
def leap($y): ($y % 4 == 0 and $y % 100 != 0) or $y % 400 == 0;
def mdays($y; $m):
	[31, (if leap($y) then 29 else 28 end), 31, 30, 31, 30, 31, 31, 30,
	    31, 30, 31][$m - 1];
# The year of YYYY, YYYY-MM or YYYY-MM-DD, if it is a date in 1900..$max.
def year($max):
	(str // "") as $d
	| ($d | capture("^(?<y>[0-9]{4})(-(?<m>[0-9]{2})(-(?<d>[0-9]{2}))?)?$")
	    // null) as $c
	| if $c == null then null else
	    ($c.y | tonumber) as $y
	    | (if $c.m == null then 1 else $c.m | tonumber end) as $m
	    | (if $c.d == null then 1 else $c.d | tonumber end) as $dd
	    | if $y < 1900 or $y > $max or $m < 1 or $m > 12 or $dd < 1
		or $dd > mdays($y; $m) then null else $y end
	  end;
.object as $o
| ($o.album // {}) as $a
| {
	id: .id,
	linked_id: (if ($o.id | str) != null and $o.id != .id then $o.id
	    else null end),
	name: ($o.name | str),
	album_id: ($a.id | str),
	duration_ms: ($o.duration_ms | uint),
	explicit: ($o.explicit | bool),
	popularity: ($o.popularity | uint),
	isrc: ($o.external_ids.isrc | str),
	disc_number: ($o.disc_number | uint),
	track_number: ($o.track_number | uint),
	status: "ok",
	fetched_at: .fetched_at,
	album_name: ($a.name | str),
	album_type: ($a.album_type | str | if . then ascii_downcase else . end),
	release_date: ($a.release_date | str),
	release_date_precision: ($a.release_date_precision | str),
	release_year: ($a.release_date | year($maxyear)),
	total_tracks: ($a.total_tracks | uint),
	artists: [($o.artists // []) | to_entries[]
	    | select(.value.id | str)
	    | {id: .value.id, name: (.value.name | str), position: .key}]
}
