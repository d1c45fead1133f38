#!/usr/bin/env bash
# Scripted walk of officer administration, the opt-out form and the flight
# picker under Xvfb, for screenshots: a locked officer unlocked at the login
# screen by a supervisor, the opt-out form (dual national, a zone with a
# warning), the flight picker (next date with flights; without a gallery
# service), the supervisor's officer screen, each in both themes.
# Usage: scripts/walk-admin.sh [WIDTHxHEIGHT] (default 1280x800); SERVICE=0
# runs without a gallery service. Screenshots and logs go to $OUT.
set -euo pipefail
size=${1:-1280x800}
bin=$(cd "$(dirname "$0")/.." && pwd)/bin/veriport
out=${OUT:-/tmp/veriport-walk-admin}
. "$(dirname "$0")/demo-lib.sh"
rm -rf "$out"; mkdir -p "$out"
data="$out/data"; mkdir -p "$data"
say() { printf '[walk] %s\n' "$*"; }
port=$((8600 + RANDOM % 300))
pids=()
if [ "${SERVICE:-1}" = 1 ]; then
  demo_config "$data/config.toml" "$port"
  serve_gallery "$out/backend" "$port" "$out/backend.log"
  pids+=("$serve_pid")
fi
# A supervisor for the unlock and the officer screen, in the demo profile's
# own data folder (<data>/demo), where the workstation on the demo video keeps
# its officers.
uri=$(echo 731902 | "$bin" --data-dir "$data/demo" officer add --id s.kim --name "Supervisor Kim" \
  --role supervisor --pin-stdin | grep otpauth)
supsecret=$(sed -E 's/.*secret=([A-Z2-7]+).*/\1/' <<<"$uri")
# Wait for a fresh 30 s step so a code is not refused as reused.
freshstep() { sleep $((31 - $(date +%s) % 30)); }
disp=:$((400 + RANDOM % 50))
Xvfb "$disp" -screen 0 "${size}x24" -nolisten tcp >"$out/xvfb.log" 2>&1 &
pids+=($!)
trap 'kill ${pids[*]} 2>/dev/null || true' EXIT
export DISPLAY=$disp
for _ in $(seq 50); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done
# Under the C locale the window falls back to English quietly; its own
# preferences (theme) stay in $out, not the user's.
LANG=C.UTF-8 XDG_CONFIG_HOME="$out/xdg" "$bin" --data-dir "$data" >"$out/app.log" 2>&1 &
apid=$!; pids+=($apid)
for _ in $(seq 150); do grep -q 'live view started' "$out/app.log" && break; sleep 0.2; done
sleep 3
shot() { import -display "$disp" -window root "$out/$1.png"; say "screenshot $out/$1.png"; }
login() { # id pin code; the cursor is in the officer id (a refused login leaves it in the code)
  xdotool key ctrl+a; xdotool type --delay 30 "$1"; xdotool key Tab; xdotool type --delay 30 "$2"
  xdotool key Tab; xdotool type --delay 30 "$3"; xdotool key Return; sleep 2
}
# Without a window manager a click gives a window the keyboard: the officer
# window's title (it opens at the top left; Tab then focuses its list), the
# booth's status bar.
focus_officers() { xdotool mousemove 60 20 click 1; sleep 0.5; xdotool key Tab; sleep 0.3; }
focus_booth() { xdotool mousemove 20 $(( ${size#*x} - 10 )) click 1; sleep 0.5; }
back_to_id() { xdotool key shift+Tab; xdotool key shift+Tab; }
# 1. The demo officer mistypes the PIN five times: locked.
login demo 000000 "$(totp "$demo_secret")"
for _ in 2 3 4 5; do back_to_id; login demo 000000 "$(totp "$demo_secret")"; done
shot 01-login-locked
# 2. A supervisor unlocks at the booth: Alt+U, own credentials, Enter.
xdotool key alt+u; sleep 1
xdotool type --delay 30 s.kim; xdotool key Tab; xdotool type --delay 30 731902; xdotool key Tab
shot 02-unlock-dialog
xdotool type --delay 30 "$(totp "$supsecret")"; xdotool key Return; sleep 2
shot 03-login-unlocked
# 3. The demo officer logs in; the opt-out form with a one-name zone.
freshstep
login demo 123456 "$(totp "$demo_secret")"
xdotool key alt+o; sleep 1
xdotool type --delay 10 'P<FRA<<CLAIRE<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<'; xdotool key Return
line2=$(python3 - <<'PY'
def cd(s):
    w=[7,3,1]; v=lambda c: int(c) if c.isdigit() else (ord(c)-55 if c.isalpha() else 0)
    return str(sum(v(c)*w[i%3] for i,c in enumerate(s))%10)
n="X4RTBPFW4"; b="850310"; e="330101"; p="<"*14
l=n+cd(n)+"FRA"+b+cd(b)+"F"+e+cd(e)+p+"<"
print(l+cd(l[0:10]+l[13:20]+l[21:43]))
PY
)
xdotool type --delay 10 "$line2"; xdotool key Return; sleep 1
shot 04-optout-warning
xdotool key alt+b; sleep 1
# 4. The flight picker.
xdotool key alt+f; sleep 4
shot 05-flights
xdotool key alt+b; sleep 1
# 5. High contrast: the same screens.
xdotool key alt+h; sleep 1
xdotool key alt+o; sleep 1
shot 06-optout-high-contrast
xdotool key alt+b; sleep 1
xdotool key alt+f; sleep 2
shot 07-flights-high-contrast
xdotool key alt+b; sleep 1
xdotool key alt+l; sleep 1
# 6. The supervisor's officer screen (high contrast, then default).
freshstep
login s.kim 731902 "$(totp "$supsecret")"
xdotool key alt+a; sleep 2; focus_officers
xdotool key space; sleep 1
shot 08-officers-high-contrast
xdotool key alt+b; sleep 1; focus_booth
xdotool key alt+h; sleep 1
xdotool key alt+a; sleep 2; focus_officers
xdotool key space; sleep 1; xdotool key alt+t; sleep 1
shot 09-officers-reset-totp
xdotool key space; sleep 2
shot 10-officers-new-uri
xdotool key alt+b; sleep 1; focus_booth
xdotool key alt+l; sleep 1
kill -TERM $apid; wait $apid || true
if grep -q 'Fyne error' "$out/app.log"; then say "Fyne errors in the app log:"; grep 'Fyne error' "$out/app.log"; fi
grep -E 'officer (unlocked|account changed)' "$out/app.log" || true
