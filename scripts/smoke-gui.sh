#!/usr/bin/env bash
# GUI smoke test: starts the real workstation under Xvfb on the demo video,
# waits for live frames, takes two screenshots, checks the live view is not
# blank and changes between them, then closes the window and expects exit 0.
set -euo pipefail
bin=${1:-bin/veriport}
cache="${VERIPORT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/veriport}"
video=$(VERIPORT_CACHE="$cache" "$bin" demo path 2>/dev/null) || { echo "[smoke] FAIL: $bin demo path failed (run make build)" >&2; exit 1; }
out=${SMOKE_OUT:-$(mktemp -d)}
mkdir -p "$out"
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
say() { printf '[smoke] %s\n' "$*"; }
fail() { printf '[smoke] FAIL: %s\n' "$*" >&2; [ -f "$out/app.log" ] && tail -20 "$out/app.log" >&2; exit 1; }
[ -s "$video" ] || fail "demo video $video missing (run make setup)"

# One Xvfb for the whole test: the app and the screenshots share its display.
disp=:$((90 + RANDOM % 100))
Xvfb "$disp" -screen 0 1280x800x24 -nolisten tcp >"$out/xvfb.log" 2>&1 &
xpid=$!
trap 'kill $xpid 2>/dev/null || true; rm -rf "$data"' EXIT
export DISPLAY=$disp
for _ in $(seq 50); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done
xdpyinfo >/dev/null 2>&1 || fail "Xvfb did not start"

"$bin" --data-dir "$data" --camera "$video" >"$out/app.log" 2>&1 &
apid=$!
for _ in $(seq 150); do
  grep -q 'live view started' "$out/app.log" && break
  kill -0 $apid 2>/dev/null || fail "workstation exited before showing frames"
  sleep 0.2
done
grep -q 'live view started' "$out/app.log" || fail "no live frame within 30 s"
sleep 2
import -display "$disp" -window root "$out/shot1.png"
sleep 1.5
import -display "$disp" -window root "$out/shot2.png"

# The live view fills the middle of the window; measure a central region.
region=640x360+320+200
sd1=$(convert "$out/shot1.png" -crop "$region" +repage -colorspace Gray -format '%[fx:standard_deviation]' info:)
sd2=$(convert "$out/shot2.png" -crop "$region" +repage -colorspace Gray -format '%[fx:standard_deviation]' info:)
convert "$out/shot1.png" -crop "$region" +repage "$out/live1.png"
convert "$out/shot2.png" -crop "$region" +repage "$out/live2.png"
diff=$(compare -metric AE -fuzz 2% "$out/live1.png" "$out/live2.png" null: 2>&1 || true)
say "live view std dev: $sd1, $sd2 (floor 0.05); pixels changed between shots: $diff"
awk -v a="$sd1" -v b="$sd2" 'BEGIN{exit !(a>0.05 && b>0.05)}' || fail "live view is blank"
[ "${diff%%.*}" -gt 1000 ] 2>/dev/null || fail "live view did not change between screenshots ($diff pixels)"

kill -TERM $apid
code=0; wait $apid || code=$?
[ "$code" = 0 ] || fail "workstation exited with code $code on SIGTERM"
say "PASS: live view not blank, changing, clean exit (screenshots in $out)"
