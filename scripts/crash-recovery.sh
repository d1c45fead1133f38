#!/usr/bin/env bash
# Crash recovery, from outside: kill the real workstation (SIGKILL) between
# the decision and Next, restart it twice, and count the encounter's result
# at the reference back end. Exits non-zero unless the back end holds that
# result exactly once after each restart.
#   scripts/crash-recovery.sh BIN OUTDIR [DISPLAY]   (default display :97)
# Needs Xvfb, xdotool, sqlite3 and ImageMagick; the demo assets in the cache.
set -euo pipefail
export LANG=en_US.UTF-8
[ $# -ge 2 ] || { echo "usage: $0 BIN OUTDIR [DISPLAY]" >&2; exit 2; }
bin=$(realpath "$1"); out=$2
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/demo-lib.sh"
say() { printf '[accept] %s\n' "$*"; }
rm -rf "$out"; mkdir -p "$out"; data="$out/data"; mkdir -p "$data"
port=$((8600 + RANDOM % 300))
demo_config "$data/config.toml" "$port"
serve_gallery "$out/backend" "$port" "$out/backend.log"
spid=$serve_pid
disp=${3:-:97}
Xvfb "$disp" -screen 0 1280x800x24 -nolisten tcp >"$out/xvfb.log" 2>&1 &
xpid=$!
apid=
trap 'kill $spid $xpid $apid 2>/dev/null || true' EXIT
export DISPLAY=$disp
for _ in $(seq 50); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done
db="$data/demo/veriport.db"; rdb="$out/backend/results.db"
q() { sqlite3 -header -column "$@"; }

say "run 1: start, log in, pick the demo flight, wait for the decision"
"$bin" --data-dir "$data" >"$out/app1.log" 2>&1 &
apid=$!
demo_login_and_fly "$out/app1.log" "$data"
for _ in $(seq 240); do grep -q 'decision shown' "$out/app1.log" && break; sleep 0.25; done
grep -m1 'decision shown' "$out/app1.log" || { say "no decision"; exit 1; }
for _ in $(seq 200); do
  [ "$(sqlite3 "$db" 'SELECT COUNT(*) FROM encounters WHERE done_at IS NULL' 2>/dev/null || echo 0)" -ge 1 ] && break
  sleep 0.02
done
kill -KILL "$apid"; wait "$apid" 2>/dev/null || true; apid=
say "workstation killed (SIGKILL) after the decision was recorded, before Next"
import -display "$disp" -window root "$out/after-kill.png" 2>/dev/null || true
say "store after the kill:"
q "$db" "SELECT id, outcome, result, done_at, photo_state FROM encounters"
q "$db" "SELECT COUNT(*) AS outbox_rows FROM outbox"
id=$(sqlite3 "$db" "SELECT id FROM encounters ORDER BY started_at LIMIT 1")
say "back end before the restart:"
q "$rdb" "SELECT COUNT(*) AS results_for_encounter FROM results WHERE encounter_id = '$id'"

for run in 2 3; do
  say "run $run: restart, no login; wait 20 s"
  "$bin" --data-dir "$data" >"$out/app$run.log" 2>&1 &
  apid=$!
  for _ in $(seq 150); do grep -q 'live view started' "$out/app$run.log" && break; sleep 0.2; done
  sleep 20
  kill -TERM "$apid"; wait "$apid" || true; apid=
  grep -E 'left open by a crash|result delivered' "$out/app$run.log" || true
  say "store after run $run:"
  q "$db" "SELECT id, outcome, result, done_at, photo_state FROM encounters"
  q "$db" "SELECT encounter_id, delivered_at IS NOT NULL AS delivered, dead_at IS NOT NULL AS dead FROM outbox"
  q "$db" "SELECT kind, actor, subject FROM audit_log WHERE kind = 'encounter-interrupted'" 2>/dev/null || true
  say "back end after run $run:"
  q "$rdb" "SELECT encounter_id, outcome, final, result FROM results"
  q "$rdb" "SELECT COUNT(*) AS results_for_encounter FROM results WHERE encounter_id = '$id'"
  n=$(sqlite3 "$rdb" "SELECT COUNT(*) FROM results WHERE encounter_id = '$id'")
  [ "$n" = 1 ] || { say "FAIL: the back end holds $n results for the interrupted encounter after run $run, want 1"; exit 1; }
done
say "ok: the interrupted encounter's result reached the back end exactly once"
