#!/bin/sh
# with-secret-service.sh runs a command inside a private D-Bus session with a
# throwaway, unlocked GNOME Keyring (a real Secret Service), so keyring code
# can be tested without touching the user's own keyrings:
#
#   data/testdata/with-secret-service.sh env LOCALPOST_REAL_KEYRING=1 go test -run TestRealSecretService -v ./data/
#
# Needs dbus (dbus-run-session) and gnome-keyring. The exit status is the
# command's.
set -eu
if [ $# -eq 0 ]; then
	echo "usage: $0 command [args...]" >&2
	exit 2
fi
for tool in dbus-run-session gnome-keyring-daemon; do
	command -v "$tool" >/dev/null 2>&1 || {
		echo "$0: $tool not found; install dbus and gnome-keyring" >&2
		exit 2
	}
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/localpost-keyring.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
# gnome-keyring keeps its files in $XDG_DATA_HOME/keyrings: a throwaway one.
export XDG_DATA_HOME="$tmp/data"
mkdir -p "$XDG_DATA_HOME"
# Its control socket goes in $XDG_RUNTIME_DIR, which containers often lack.
if [ -z "${XDG_RUNTIME_DIR:-}" ] || [ ! -w "${XDG_RUNTIME_DIR:-/nonexistent}" ]; then
	export XDG_RUNTIME_DIR="$tmp/run"
	mkdir -m 700 -p "$XDG_RUNTIME_DIR"
fi

status=0
dbus-run-session -- sh -c '
	printf %s localpost-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null
	exec "$@"
' sh "$@" || status=$?
exit $status
