# Sourced by the scripts that drive the workstation on the demo data
# (demo-encounter.sh, soak.sh, walk-booth.sh, walk-admin.sh); they set $bin.
cache="${VERIPORT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/veriport}"
demo="$cache/demo/gallery"
# The demo officer's documented TOTP secret.
demo_secret=VERIPORTDEMOOFFICERAAAAAAAAAAAAA

# demo_config FILE PORT [CERT KEY [STATION]]: settings for a workstation that
# fetches galleries from the reference service on 127.0.0.1:PORT with the
# demo certificates (booth-1's unless CERT and KEY are given).
demo_config() {
  local file=$1 port=$2 cert=${3:-$demo/certs/client.pem} key=${4:-$demo/certs/client.key} station=${5:-}
  {
    if [ -n "$station" ]; then echo "station = \"$station\""; fi
    cat <<TOML
[gallery]
service = "https://127.0.0.1:$port"
client_cert = "$cert"
client_key = "$key"
ca = "$demo/certs/ca.pem"
issuer_keys = ["$demo/issuer.pub"]
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
