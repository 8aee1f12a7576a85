#!/usr/bin/env bash
# Whole-program figures for BENCHMARKS.md: start-up time to a mapped window,
# peak memory and idle CPU of the release build, started with --demo on a
# fresh data folder under Xvfb, over N runs (default 5).
#
#   bash scripts/bench-program.sh [N]      (make bench runs it)
#
# Needs Xvfb, xdotool (make deps). Linux only: reads /proc.
set -euo pipefail
cd "$(dirname "$0")/.."

runs="${1:-5}"

# Run inside a private Xvfb, whatever display the caller has.
if [[ -z "${LOCALPOST_BENCH_XVFB:-}" ]]; then
	exec env LOCALPOST_BENCH_XVFB=1 xvfb-run -a -s '-screen 0 1280x800x24' bash "$0" "$@"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
bin="$work/localpost"
go build -tags migrated_fynedo -o "$bin" .

ms() { echo $(($(date +%s%N) / 1000000)); }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; } # utime + stime
hz="$(getconf CLK_TCK)"

echo "run  window_ms  VmHWM_MiB  VmRSS_MiB  idle_cpu_%  exit"
for i in $(seq 1 "$runs"); do
	data="$work/data-$i"
	t0="$(ms)"
	XDG_CONFIG_HOME="$work/config" FYNE_THEME=light FYNE_SCALE=1 LANG=en_US.UTF-8 \
		"$bin" --demo --data-dir "$data" 2>"$work/stderr-$i" &
	pid=$!
	if ! timeout 30 xdotool search --sync --name '^Localpost' >/dev/null; then
		echo "run $i: no window within 30 s" >&2
		cat "$work/stderr-$i" >&2
		kill "$pid" 2>/dev/null || true
		exit 1
	fi
	t1="$(ms)"
	sleep 2 # the first frames and the calendar's first load
	c0="$(cpu_ticks "$pid")"
	sleep 5
	c1="$(cpu_ticks "$pid")"
	hwm="$(awk '/^VmHWM/ {printf "%.1f", $2/1024}' "/proc/$pid/status")"
	rss="$(awk '/^VmRSS/ {printf "%.1f", $2/1024}' "/proc/$pid/status")"
	idle="$(awk -v d="$((c1 - c0))" -v hz="$hz" 'BEGIN {printf "%.1f", 100 * d / hz / 5}')"
	kill -TERM "$pid"
	status=0
	wait "$pid" || status=$?
	printf '%3d  %9d  %9s  %9s  %10s  %4d\n' "$i" "$((t1 - t0))" "$hwm" "$rss" "$idle" "$status"
	echo "$((t1 - t0)) $hwm $rss $idle" >>"$work/results"
done

# Median of each column (runs sorted per column).
median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
echo
echo "median over $runs runs:" \
	"window $(cut -d' ' -f1 "$work/results" | median) ms," \
	"peak RSS $(cut -d' ' -f2 "$work/results" | median) MiB," \
	"RSS after 7 s $(cut -d' ' -f3 "$work/results" | median) MiB," \
	"idle CPU $(cut -d' ' -f4 "$work/results" | median) %"
echo "binary: $(du -m "$bin" | cut -f1) MiB ($(go version | cut -d' ' -f3), $(uname -m), $(nproc) cores)"
