#!/bin/sh
# regen.sh [DIR]: make the bundled example again, in DIR (by default the
# directory of this script): DIR/catalog, the catalog sp-emulator serves,
# and DIR/export, about 400 plays of it from October 2023 to April 2024,
# with podcasts, audiobooks, empty rows, 3 tracks unknown to the API, and
# 50 plays of account data.  The same sp-gen gives the same bytes.
here=$(cd "$(dirname "$0")" && pwd) || exit 3
out=${1:-$here}
PATH="${SP_BIN:-$here/../bin}:$PATH"
rm -rf "$out/catalog" "$out/export"
exec sp-gen -s 7 -t 160 -n 400 -m 3 -A 50 -S 2023-10-01 -d 200 "$out"
