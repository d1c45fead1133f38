#!/usr/bin/env bash
# Stops the workstation with SIGTERM N times (default 20), each time after
# its face models have loaded and a random fraction of a second more, on the
# demo video under a private Xvfb, and counts the exits other than 0 (a
# panic on the way out exits 2). Logs of failed runs are kept in $OUT
# (default /tmp/veriport-stop-loop).
set -euo pipefail
export LANG=en_US.UTF-8
if [ -z "${STOP_LOOP_DISPLAY:-}" ]; then
  exec env STOP_LOOP_DISPLAY=1 xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" "$0" "$@"
fi
n=${1:-20}
bin=$(cd "$(dirname "$0")/.." && pwd)/bin/veriport
video=$("$bin" demo path)
out=${OUT:-/tmp/veriport-stop-loop}
rm -rf "$out"; mkdir -p "$out"
bad=0
for i in $(seq "$n"); do
  d=$(mktemp -d)
  "$bin" --data-dir "$d" --camera "$video" >"$d/log" 2>&1 &
  p=$!
  for _ in $(seq 150); do grep -q "face models loaded" "$d/log" && break; sleep 0.1; done
  sleep "0.$((RANDOM % 9))"
  kill -TERM "$p"
  rc=0; wait "$p" || rc=$?
  if [ "$rc" != 0 ]; then
    bad=$((bad + 1)); cp "$d/log" "$out/run-$i.log"
    printf '[stop-loop] run %d exited %d: %s\n' "$i" "$rc" "$(grep -m1 panic "$d/log" || echo 'see log')"
  fi
  rm -rf "$d"
done
printf '[stop-loop] %d of %d stops exited other than 0\n' "$bad" "$n"
[ "$bad" = 0 ]
