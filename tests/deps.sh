#!/bin/sh
# deps.sh PACKAGE...: install the Debian packages that are missing.
# Runs apt-get update first, since a fresh machine's lists may be empty.
# Uses sudo when not root.  SP_NODEPS=1 skips the whole step.
[ "${SP_NODEPS:-0}" = 1 ] && exit 0
missing=
for p in "$@"; do
	s=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)
	case $s in *" installed") ;; *) missing="$missing $p" ;; esac
done
[ -z "$missing" ] && exit 0
echo "deps: installing:$missing" >&2
if [ "$(id -u)" -eq 0 ]; then
	sudo=
elif command -v sudo >/dev/null 2>&1; then
	sudo=sudo
else
	echo "deps: need root or sudo to install:$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq || exit 1
# shellcheck disable=SC2086
exec $sudo apt-get install -y -qq --no-install-recommends $missing
