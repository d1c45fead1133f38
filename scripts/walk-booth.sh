#!/usr/bin/env bash
# Scripted walk through the booth under Xvfb, as an officer and a supervisor
# would use it, at 1280x800 and at 1024x700: login (demo officer), flight
# ZZ420 from the reference gallery service, the auto-capture's MATCH, next
# traveler, opt-out of a U.S. citizen (allowed, finished by the manual
# check), opt-out refused for an in-scope traveler, manual check with a bad
# MRZ then Esc, the supervisor's shift report and back, high contrast.
# Screenshots go to the folder given (default /tmp/veriport-walk), with each
# run's app log; at the end scripts/check-capture-log.py checks every log:
# no photo by the camera after an opt-out (accepted or refused) or a manual
# check until Next and the face has left, and a refused opt-out captured
# only by the officer's Capture.
#
#   scripts/walk-booth.sh OUTDIR        (needs bin/veriport: make build)
#   WALK_SIZES=1024x700 scripts/walk-booth.sh OUTDIR   one size only
#   WALK_THEMES="standard high" (default both)   WALK_DISPLAY=:93 (default random)
set -euo pipefail
export LANG=en_US.UTF-8
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$root/bin/veriport
out=$(mkdir -p "${1:-/tmp/veriport-walk}" && cd "${1:-/tmp/veriport-walk}" && pwd)
. "$root/scripts/demo-lib.sh"
say() { printf '[walk] %s\n' "$*"; }
[ -x "$bin" ] || { say "no $bin: run make build"; exit 1; }
command -v xdotool >/dev/null && command -v import >/dev/null || { say "needs xdotool and ImageMagick"; exit 1; }

# mrz NAT SURNAME GIVEN [bad]: a TD3 zone (two lines) with correct check
# digits, or with the document number's check digit wrong when "bad".
mrz() {
  python3 - "$@" <<'PY'
import sys
nat, sur, giv = sys.argv[1:4]; bad = len(sys.argv) > 4
def cd(s):
    v = lambda c: int(c) if c.isdigit() else (0 if c == "<" else ord(c) - 55)
    return str(sum(v(c) * (7, 3, 1)[i % 3] for i, c in enumerate(s)) % 10)
l1 = ("P<" + nat + sur + "<<" + giv).ljust(44, "<")
num, birth, exp = "X4RTBPFW4", "850310", "330101"
ncd = cd(num)
if bad: ncd = str((int(ncd) + 1) % 10)
l2 = num + ncd + nat + birth + cd(birth) + "F" + exp + cd(exp) + "<" * 14 + "<"
l2 += cd(l2[0:10] + l2[13:20] + l2[21:43])
print(l1); print(l2)
PY
}

walk() { # walk WIDTH HEIGHT THEME
  local w=$1 h=$2 theme=$3 dir="$out/${1}x${2}-$3"
  rm -rf "$dir"; mkdir -p "$dir"
  local data="$dir/data"; mkdir -p "$data"
  local port=$((8600 + RANDOM % 300)) disp=${WALK_DISPLAY:-:$((300 + RANDOM % 200))}
  demo_config "$data/config.toml" "$port"
  # The demo flight's date, from the demo gallery itself.
  local fdate; fdate=$(demo_flight_date "$data" ZZ420)
  [ -n "$fdate" ] || { say "no valid demo gallery with ZZ420 in $demo/bundles: run veriport gallery demo"; exit 1; }
  if [ "$theme" = high ]; then printf '[workflow]\nhigh_contrast = true\n' >>"$data/config.toml"; fi
  # The supervisor, enrolled from the command line like any officer.
  local uri secret
  uri=$(echo 246810 | "$bin" --data-dir "$data/demo" officer add --id s.chen --name "Supervisor Chen" \
    --role supervisor --pin-stdin 2>/dev/null | grep otpauth)
  secret=$(python3 -c 'import sys,urllib.parse as u;print(u.parse_qs(u.urlparse(sys.argv[1]).query)["secret"][0])' "$uri")
  serve_gallery "$dir/backend" "$port" "$dir/backend.log"
  local spid=$serve_pid
  Xvfb "$disp" -screen 0 "${w}x${h}x24" -nolisten tcp >"$dir/xvfb.log" 2>&1 &
  local xpid=$!
  trap "kill $spid $xpid 2>/dev/null || true" EXIT
  export DISPLAY=$disp
  for _ in $(seq 50); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done
  # Fyne keeps the theme choice in its preferences: one folder per run.
  XDG_CONFIG_HOME="$dir/xdg" "$bin" --data-dir "$data" >"$dir/app.log" 2>&1 &
  local apid=$!
  for _ in $(seq 150); do grep -q 'live view started' "$dir/app.log" && break; sleep 0.2; done
  sleep 2
  local win; win=$(xdotool search --name '^Veriport$' | head -1)
  xdotool windowmove "$win" 0 0 windowsize "$win" "$w" "$h"; sleep 2
  local n=0
  shot() { n=$((n + 1)); import -display "$disp" -window root "$dir/$(printf %02d "$n")-$1.png"; say "$w x $h: $(printf %02d "$n")-$1"; }
  key() { xdotool key "$@"; sleep 2; } # a loaded 2-core machine redraws slowly
  typ() { xdotool type --delay 25 "$1"; }
  login() { # login ID PIN SECRET
    typ "$1"; key Tab; typ "$2"; key Tab; typ "$(totp "$3")"; key Return; sleep 2
  }
  # optout: Next, then the opt-out form at once. The demo video's next
  # portrait may be taken as the next traveler first (its face came after
  # the last one left): then finish that MATCH and try again.
  optout() {
    local n
    for _ in 1 2 3 4; do
      n=$(grep -c 'why="opt-out form"' "$dir/app.log" || true)
      xdotool key alt+n; sleep 0.2; key alt+o
      [ "$(grep -c 'why="opt-out form"' "$dir/app.log" || true)" -gt "$n" ] && return 0
      say "the next portrait was taken before the opt-out: Next, and again"; sleep 2
    done
    say "FAIL: no opt-out form"; return 1
  }
  zone() { # zone LINE1 LINE2: type the MRZ over what the form holds, and read it
    key ctrl+a; typ "$1"; key Return; key ctrl+a; typ "$2"; key Return
  }

  shot login
  login demo 123456 "$demo_secret"
  shot booth-no-flight
  key alt+f; key ctrl+a; typ "$fdate"; key Return; sleep 2
  say "flight ZZ420 departs $fdate (demo gallery)"
  shot flight-picker
  key space; sleep 0.5; key space; sleep 5; key space; sleep 3 # select, download, use
  shot flight-loaded
  # Auto-capture, or the officer's Alt+C when the traveler does not settle.
  decided() { [ "$(grep -c 'decision shown' "$dir/app.log")" -ge "$1" ]; }
  for _ in $(seq 60); do decided 1 && break; sleep 0.5; done
  decided 1 || { say "no auto-capture in 30 s: Alt+C"; key alt+c; }
  for _ in $(seq 60); do decided 1 && break; sleep 0.5; done
  sleep 1; shot match
  key alt+n; sleep 1; shot next-traveler

  # Opt-out of a U.S. citizen: allowed, straight to the manual check (no photo).
  optout
  mapfile -t us < <(mrz USA SMITH JOHN)
  zone "${us[0]}" "${us[1]}"
  shot optout-us-citizen
  key alt+d; sleep 1
  shot optout-accepted-manual-check
  # Finish it: the attestation (Alt+S), then Verified.
  key alt+s; shot manual-attested
  key alt+v; sleep 1
  shot optout-verified
  # The citizen stays in front of the camera: nothing is taken before Next,
  # nor after it until a face comes after the last one has left (the demo
  # video's next portrait: the banner then says PREVIOUS TRAVELER).
  sleep 6; shot verified-still-in-view
  key alt+n; sleep 6
  shot next-after-verified

  # Opt-out refused: an in-scope traveler is told the photo may be required.
  optout
  mapfile -t fr < <(mrz FRA MARTIN CLAIRE)
  zone "${fr[0]}" "${fr[1]}"
  key alt+d; sleep 0.5
  shot optout-refused
  # The camera never takes the traveler who declined: only Alt+C does.
  sleep 10
  local before; before=$(grep -c 'decision shown' "$dir/app.log" || true)
  shot refused-10s-later
  # The officer's Capture; again, as an officer would, when the photo has
  # no face the matcher can use (the demo video's speaker moves).
  for _ in 1 2 3; do
    key alt+c
    for _ in $(seq 20); do [ "$(grep -c 'decision shown' "$dir/app.log")" -gt "$before" ] && break; sleep 0.5; done
    [ "$(grep -c 'decision shown' "$dir/app.log")" -gt "$before" ] && break
    say "no decision from the officer's capture: Alt+C again"
  done
  sleep 1; shot photo-after-refusal

  # Manual check with a bad MRZ, then Esc: nothing changes but the audit.
  key alt+m
  shot manual-check-opens
  mapfile -t bad < <(mrz FRA MARTIN CLAIRE bad)
  zone "${bad[0]}" "${bad[1]}"
  shot manual-bad-mrz
  key Escape; sleep 1
  shot after-escape
  key alt+n; sleep 1
  key alt+l; sleep 1
  shot logout-warning

  # The supervisor's shift report, in its own window, and back.
  key alt+l; sleep 1
  shot logged-out
  login s.chen 246810 "$secret"
  shot supervisor-booth
  key alt+p; sleep 4
  shot report-window
  key alt+b; sleep 2
  xdotool windowfocus --sync "$win" 2>/dev/null || true # no window manager gives it back
  shot back-from-report

  # The other theme's screens too.
  key alt+h; sleep 1
  shot other-theme-booth
  key alt+m; sleep 1
  shot other-theme-manual
  key Escape; key alt+o; sleep 1
  shot other-theme-optout
  key Escape; key alt+h

  kill -TERM $apid; wait $apid || true
  kill $spid $xpid 2>/dev/null || true
  trap - EXIT
}

for size in ${WALK_SIZES:-1280x800 1024x700}; do
  for theme in ${WALK_THEMES:-standard high}; do walk "${size%x*}" "${size#*x}" "$theme"; done
done

# No photo by the camera after an opt-out or a manual check before Next and
# a new face; a refused opt-out only by the officer's Capture.
caps=$(grep -h 'frame captured' "$out"/*/app.log | wc -l)
say "$caps captures, phases: $(grep -h 'frame captured' "$out"/*/app.log | grep -oE 'phase=[a-z-]+ auto=[a-z]+' | sort | uniq -c | tr '\n' ' ')"
# The check fails on a log it cannot read (no phase line, a capture logged
# under another name): prove it can fail, then run it on every walk's log.
# Each walk takes at least two photos: the first MATCH and the one after
# the refused opt-out.
python3 "$root/scripts/check-capture-log.py" --self-test >/dev/null || { say "FAIL: check-capture-log self-test"; exit 1; }
python3 "$root/scripts/check-capture-log.py" --min-captures 2 "$out"/*/app.log || { say "FAIL: see above"; exit 1; }
say "PASS: screenshots in $out"
