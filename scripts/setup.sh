#!/usr/bin/env bash
# Installs everything Veriport needs on Debian 12, idempotently:
# system packages, Go modules, dlib models, test portraits, demo video.
# Usage: scripts/setup.sh [--models DIR] [--cache DIR] [--skip-apt]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
cache="${VERIPORT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/veriport}"
models="${VERIPORT_MODELS:-}"
skip_apt=0
while [ $# -gt 0 ]; do
  case "$1" in
    --models) models="$2"; shift 2 ;;
    --cache) cache="$2"; shift 2 ;;
    --skip-apt) skip_apt=1; shift ;;
    *) echo "setup: unknown argument $1" >&2; exit 2 ;;
  esac
done
models="${models:-$cache/models}"

say() { printf '[setup] %s\n' "$*"; }
die() { printf '[setup] ERROR: %s\n' "$*" >&2; exit 1; }

# 1. System packages, from one list.
if [ "$skip_apt" = 0 ]; then
  mapfile -t pkgs < <(grep -v '^\s*#' "$here/apt-packages.txt" | awk 'NF{print $1}')
  # One dpkg-query for the whole list; apt runs (update, then one install
  # transaction of every missing package) only when something is missing.
  mapfile -t installed < <(dpkg-query -W -f='${Package} ${Status}\n' "${pkgs[@]}" 2>/dev/null \
    | awk '$NF == "installed" && $(NF-1) == "ok" {print $1}')
  missing=()
  for p in "${pkgs[@]}"; do
    [[ " ${installed[*]} " == *" $p "* ]] || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    command -v apt-get >/dev/null || die "apt-get not found; install by hand: ${missing[*]}"
    sudo=""
    if [ "$(id -u)" != 0 ]; then
      command -v sudo >/dev/null || die "not root and no sudo; install by hand: ${missing[*]}"
      sudo=sudo
    fi
    say "installing system packages: ${missing[*]}"
    $sudo apt-get update -q || die "apt-get update failed"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" \
      || die "apt-get install failed for: ${missing[*]}"
  else
    say "system packages: all ${#pkgs[@]} installed"
  fi
fi
for tool in go pkg-config; do command -v $tool >/dev/null || die "$tool not found on PATH"; done
pkg-config --exists opencv4 || die "OpenCV 4 development files missing (libopencv-dev)"

# 2. Go modules.
say "Go modules: go mod download"
(cd "$root" && go mod download) || die "go mod download failed (Go module proxy reachable?)"

# 3. Models and portraits, checksums pinned.
"$here/fetch-assets.sh" --cache "$cache" --models "$models"

# 4. Demo video for machines without a webcam (made once).
say "building veriport"
(cd "$root" && go build -o "$root/bin/veriport" .) || die "go build failed"
# The clip's file name carries its version (config.DemoVideoName): a new
# version is generated, older ones removed.
demo=$(VERIPORT_CACHE="$cache" "$root/bin/veriport" demo path) || die "veriport demo path failed"
if [ ! -s "$demo" ]; then
  say "generating demo video $demo"
  rm -f "$cache/demo/"demo*.avi "$cache/demo/"*.part.avi
  "$root/bin/veriport" --models "$models" demo video --portraits "$cache/portraits" --out "$demo" \
    || die "demo video generation failed"
else
  say "demo video: present"
fi
# 5. Demo flight gallery: test portraits plus synthetic travelers, signed with a
# demo issuer key, with throw-away TLS certificates for the reference service;
# rebuilt only when it would expire within 12 hours.
say "demo flight gallery"
VERIPORT_CACHE="$cache" VERIPORT_MODELS="$models" "$root/bin/veriport" gallery demo \
  || die "demo gallery generation failed"
say "done (cache $cache, models $models)"
