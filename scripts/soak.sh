#!/usr/bin/env bash
# Soak run: the workstation on the demo video for MINUTES minutes (default
# 10) with captures: the reference back end serves the demo flight, the demo
# officer logs in and loads it, and every decision is cleared with Next so the
# next pass of the traveler in the video is captured again. Prints the
# resident memory (RSS), threads and open files of the workstation every
# 10 s, then the RSS slope (MB per hour, least squares over the samples after
# the first 10 minutes, or over all samples in a shorter run) and the number
# of decisions. Logs and samples go to $OUT (default /tmp/veriport-soak).
# Runs itself under xvfb-run -a (any free display).
set -euo pipefail
export LANG=en_US.UTF-8  # Fyne does not accept the "C" locale
minutes=${1:-10}
if [ -z "${SOAK_DISPLAY_READY:-}" ]; then
  exec env SOAK_DISPLAY_READY=1 xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" "$0" "$@"
fi
bin=$(cd "$(dirname "$0")/.." && pwd)/bin/veriport
out=${OUT:-/tmp/veriport-soak}
. "$(dirname "$0")/demo-lib.sh"
rm -rf "$out"; mkdir -p "$out/data"
data="$out/data"
port=$((8900 + RANDOM % 300))
say() { printf '[soak] %s\n' "$*"; }
demo_config "$data/config.toml" "$port"
serve_gallery "$out/backend" "$port" "$out/backend.log"
spid=$serve_pid
"$bin" --data-dir "$data" --heap-profile-dir "$out/heap" >"$out/app.log" 2>&1 &
apid=$!
trap 'kill $spid $apid 2>/dev/null || true' EXIT
demo_login_and_fly "$out/app.log" "$data"
say "workstation pid $apid, sampling every 10 s for $minutes min"
printf 'seconds\trss_mb\tthreads\tfds\tdecisions\n' | tee "$out/samples.tsv"
start=$(date +%s)
end=$((start + minutes * 60))
while [ "$(date +%s)" -lt "$end" ]; do
  kill -0 $apid 2>/dev/null || { say "workstation exited early"; exit 1; }
  rss=$(awk '/^VmRSS/ {print $2}' /proc/$apid/status)
  thr=$(awk '/^Threads/ {print $2}' /proc/$apid/status)
  fds=$(ls /proc/$apid/fd | wc -l)
  dec=$(grep -c 'decision shown' "$out/app.log" || true)
  printf '%d\t%.1f\t%d\t%d\t%d\n' $(( $(date +%s) - start )) "$(echo "$rss / 1024" | bc -l)" "$thr" "$fds" "$dec" \
    | tee -a "$out/samples.tsv"
  xdotool key alt+n  # clear the decision: the next pass of the traveler is captured
  sleep 10
done
python3 - "$out/samples.tsv" <<'PY'
import sys
rows = [l.split('\t') for l in open(sys.argv[1]).read().split('\n')[1:] if l]
t = [float(r[0]) for r in rows]; m = [float(r[1]) for r in rows]
keep = [i for i in range(len(t)) if t[i] >= 600] if t[-1] >= 1200 else list(range(len(t)))
xs = [t[i] for i in keep]; ys = [m[i] for i in keep]
n = len(xs); mx = sum(xs) / n; my = sum(ys) / n
sxx = sum((x - mx) ** 2 for x in xs)
slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx if sxx else 0.0
print("[soak] rss first %.1f MB, last %.1f MB, max %.1f MB; slope %.1f MB/h over %d samples from %ds; %s decisions"
      % (m[0], m[-1], max(m), slope * 3600, n, xs[0], rows[-1][4]))
if t[-1] >= 1200:
    i10 = min(range(len(t)), key=lambda i: abs(t[i] - 600))
    print("[soak] rss at %ds %.1f MB, at %ds %.1f MB: %+.1f%% (target: within 5%%)"
          % (t[i10], m[i10], t[-1], m[-1], 100 * (m[-1] - m[i10]) / m[i10]))
PY
# The Go side: heap in use from the workstation's "memory" log lines, and
# what grew in the Go heap between the profile at 10 minutes and the last.
grep ' msg=memory ' "$out/app.log" | sed -n '1p;10p;$p' | sed 's/^/[soak] /' || true
profiles=("$out"/heap/heap-*.pb.gz)
if [ "${#profiles[@]}" -ge 11 ] && command -v go >/dev/null; then
  say "Go heap growth, profile ${profiles[9]##*/} to ${profiles[-1]##*/} (inuse_space):"
  go tool pprof -top -nodecount=15 -sample_index=inuse_space -diff_base "${profiles[9]}" "${profiles[-1]}" 2>/dev/null \
    | sed 's/^/[soak]   /' || true
fi
kill -TERM $apid; wait $apid && say "workstation exited 0"
