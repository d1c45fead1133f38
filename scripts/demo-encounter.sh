#!/usr/bin/env bash
# Acceptance run of a full demo encounter against the reference back end:
# starts `veriport gallery serve` (demo bundles, demo certificates, results
# store), the workstation under Xvfb on the demo video, logs the demo officer
# in, picks the demo flight, waits for the auto-capture's MATCH, moves to the
# next traveler, and reads the result back with `veriport results list`.
# Screenshots and logs go to $OUT (default /tmp/veriport-demo).
# BACKEND_DSN=postgres://… stores the results in that PostgreSQL database
# instead of the embedded SQLite file (scripts/pg-scratch.sh makes one);
# STATION=booth-2 runs the workstation as the second demo booth, with its
# own client certificate.
set -euo pipefail
export LANG=en_US.UTF-8  # Fyne does not accept the "C" locale
bin=$(cd "$(dirname "$0")/.." && pwd)/bin/veriport
out=${OUT:-/tmp/veriport-demo}
. "$(dirname "$0")/demo-lib.sh"
rm -rf "$out"; mkdir -p "$out"
data="$out/data"; mkdir -p "$data"
port=$((8600 + RANDOM % 300))
say() { printf '[demo] %s\n' "$*"; }
station=${STATION:-booth-1}
cert="$demo/certs/client.pem"; key="$demo/certs/client.key"
if [ "$station" != booth-1 ]; then cert="$demo/certs/client-$station.pem"; key="$demo/certs/client-$station.key"; fi
[ -f "$cert" ] || { say "no demo certificate for $station ($cert): run veriport gallery demo"; exit 1; }
results_db=${BACKEND_DSN:-$out/backend/results.db}
demo_config "$data/config.toml" "$port" "$station"
serve_gallery "$out/backend" "$port" "$out/backend.log" "$results_db"
spid=$serve_pid
disp=:$((300 + RANDOM % 50))
Xvfb "$disp" -screen 0 1280x800x24 -nolisten tcp >"$out/xvfb.log" 2>&1 &
xpid=$!
trap 'kill $spid $xpid 2>/dev/null || true' EXIT
export DISPLAY=$disp
for _ in $(seq 50); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done
"$bin" --data-dir "$data" >"$out/app.log" 2>&1 &
apid=$!
for _ in $(seq 150); do grep -q 'live view started' "$out/app.log" && break; sleep 0.2; done
sleep 3
shot() { import -display "$disp" -window root "$out/$1.png"; say "screenshot $out/$1.png"; }
shot 1-login
code=$(totp "$demo_secret")
xdotool type --delay 40 demo; xdotool key Tab; xdotool type --delay 40 123456; xdotool key Tab
xdotool type --delay 40 "$code"; xdotool key Return
sleep 2; shot 2-booth
date=$(python3 -c 'import datetime;print((datetime.date.today()+datetime.timedelta(days=1)).isoformat())')
xdotool key alt+f; sleep 1; xdotool key ctrl+a; xdotool type --delay 40 "$date"; xdotool key Return; sleep 2
xdotool key space; sleep 0.5; xdotool key space; sleep 5; xdotool key space; sleep 3  # select, download, use
shot 3-flight
for _ in $(seq 120); do grep -q 'decision shown' "$out/app.log" && break; sleep 0.5; done
sleep 1; shot 4-decision
grep 'decision shown' "$out/app.log" | head -1 || { say "no decision within 60 s"; exit 1; }
xdotool key alt+n; sleep 3; shot 5-next
"$bin" --data-dir "$data/demo" outbox --json | tee "$out/outbox.json"  # the demo profile keeps its data in <data>/demo
"$bin" results list --server "https://127.0.0.1:$port" --date "$(date -u +%F)" --cert "$cert" \
  --key "$key" --ca "$demo/certs/ca.pem" | tee "$out/results.txt"
sqlite3 "$data/demo/veriport.db" "SELECT flight, outcome, result, traveler_id, category, decision_ms, photo_state, purge_deadline FROM encounters" 2>/dev/null \
  | tee "$out/encounters.txt" || true
kill -TERM $apid; wait $apid && say "workstation exited 0"
