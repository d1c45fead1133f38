# Sourced by the scripts that drive the workstation on the demo data
# (demo-encounter.sh, soak.sh, walk-booth.sh, walk-admin.sh); they set $bin.
cache="${VERIPORT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/veriport}"
demo="$cache/demo/gallery"
# The demo officer's documented TOTP secret.
demo_secret=VERIPORTDEMOOFFICERAAAAAAAAAAAAA

# demo_config FILE PORT [STATION]: settings for a workstation in the demo
# profile (demo = true) that fetches demo galleries from, and sends demo
# results to, the reference service on 127.0.0.1:PORT. The demo profile
# presents the demo certificate of its station (booth-1 unless STATION) and
# trusts the demo issuer only; it never uses [gallery] service or [backend].
demo_config() {
  local file=$1 port=$2 station=${3:-}
  {
    if [ -n "$station" ]; then echo "station = \"$station\""; fi
    cat <<TOML
demo = true
[gallery]
demo_service = "https://127.0.0.1:$port"
TOML
  } >"$file"
}

# serve_gallery DIR PORT LOG [RESULTS_DB]: the reference gallery service in
# the background, its data under DIR, results in RESULTS_DB (default
# DIR/results.db); its pid is left in $serve_pid.
serve_gallery() {
  "$bin" --data-dir "$1" gallery serve --addr "127.0.0.1:$2" --results-db "${4:-$1/results.db}" >"$3" 2>&1 &
  serve_pid=$!
}

# demo_flight_date DATADIR FLIGHT: the departure date (YYYY-MM-DD) of FLIGHT
# in the demo gallery, read from the signed bundle's own header (`gallery
# verify --json`): the demo gallery is rebuilt for the next day when it runs
# out, so its date is never fixed. Prints nothing when no bundle has FLIGHT.
demo_flight_date() {
  local f
  for f in "$demo"/bundles/*.bundle; do
    [ -e "$f" ] || continue
    "$bin" --data-dir "$1" gallery verify --pub "$demo/issuer.pub" --json "$f" 2>/dev/null |
      python3 -c 'import json, sys
s = json.load(sys.stdin)
if s.get("valid") and s.get("flight") == sys.argv[1]:
    print(s["date"])' "$2" || true
  done | head -1
}

# totp SECRET: the current 6-digit code of a base32 secret.
totp() {
  python3 - "$1" <<'PY'
import base64, hashlib, hmac, struct, sys, time
s = sys.argv[1]; s += "=" * (-len(s) % 8)
h = hmac.new(base64.b32decode(s), struct.pack(">Q", int(time.time()) // 30), hashlib.sha1).digest()
o = h[-1] & 15
print("%06d" % ((struct.unpack(">I", h[o:o+4])[0] & 0x7fffffff) % 1000000))
PY
}

# demo_login_and_fly LOG DATADIR: once the workstation writing LOG shows
# live frames, log the demo officer in (xdotool, TOTP computed) and pick,
# download and use demo flight ZZ420 on the date its bundle says (the
# demo gallery is rebuilt for the next day when it runs out).
demo_login_and_fly() {
  for _ in $(seq 150); do grep -q 'live view started' "$1" && break; sleep 0.2; done
  sleep 3
  local code date
  code=$(totp "$demo_secret")
  xdotool type --delay 40 demo; xdotool key Tab; xdotool type --delay 40 123456; xdotool key Tab
  xdotool type --delay 40 "$code"; xdotool key Return
  sleep 2
  date=$(demo_flight_date "$2" ZZ420)
  [ -n "$date" ] || { echo "[demo] no valid demo gallery with ZZ420 in $demo/bundles: run veriport gallery demo" >&2; return 1; }
  xdotool key alt+f; sleep 1; xdotool key ctrl+a; xdotool type --delay 40 "$date"; xdotool key Return; sleep 2
  local try
  for try in 1 2 3; do # a loaded machine lists or downloads late: choose again
    xdotool key space; sleep 0.5; xdotool key space; sleep 5; xdotool key space; sleep 3 # select, download, use
    for _ in $(seq 40); do grep -q 'gallery in use' "$1" && return 0; sleep 0.5; done
  done
  echo "[demo] the demo flight was not put in use (see $1)" >&2
  return 1
}
