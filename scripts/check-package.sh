#!/usr/bin/env bash
# Packaging check (part of make test): builds the .deb (scripts/package.sh),
# lists its contents and control fields, checks what must and must not be
# inside, validates the desktop entry, the AppStream metainfo and the
# systemd unit, runs lintian (no errors allowed), installs the package with
# dpkg into a temporary root, checks that the installed binary runs on any
# x86-64-v2 CPU (isa TestPortableBinary), runs the installed veriport
# --version and --help, and removes and purges it cleanly.
# Usage: scripts/check-package.sh [DEB]   (DEB: check this file, build nothing)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export LANG=en_US.UTF-8
say() { printf '[check-package] %s\n' "$*"; }
fail() { printf '[check-package] FAIL: %s\n' "$*" >&2; exit 1; }

deb=${1:-}
if [ -z "$deb" ]; then
  deb=$(scripts/package.sh) || fail "scripts/package.sh failed"
fi
[ -f "$deb" ] || fail "$deb missing"
eval "$(scripts/version.sh)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

say "package $deb, $(du -h "$deb" | cut -f1)"
dpkg-deb -f "$deb"
dpkg-deb -c "$deb" | awk '{print $1, $3, $6}' > "$tmp/contents"
cat "$tmp/contents"

# Control fields.
field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = veriport ] || fail "Package is not veriport"
[ "$(field Architecture)" = amd64 ] || fail "Architecture is not amd64"
deb_version=$(field Version)
[ "$deb" = "dist/veriport_${deb_version}_amd64.deb" ] || [ "$(basename "$deb")" = "veriport_${deb_version}_amd64.deb" ] \
  || fail "file name does not carry Version $deb_version"
depends=$(field Depends)
for d in opencv-data libopenblas0-pthread libopencv-core406 libdlib19.1 libc6 libgl1; do
  grep -E "(^|, )$d( |,|$)" <<<"$depends" >/dev/null || fail "Depends lacks $d: $depends"
done
dpkg-deb -I "$deb" conffiles | grep -x /etc/veriport/config.toml >/dev/null || fail "config.toml is not a conffile"
for s in postinst prerm postrm; do
  if dpkg-deb -I "$deb" "$s" | grep -nE '\b(curl|wget|pip|setup-models|fetch)\b'; then
    fail "$s reaches for the network"
  fi
done

# Contents: what must be there, and no face models.
for want in ./usr/bin/veriport ./usr/share/applications/veriport.desktop \
  ./usr/share/metainfo/org.veriport.workstation.metainfo.xml \
  ./usr/share/icons/hicolor/16x16/apps/org.veriport.workstation.png \
  ./usr/share/icons/hicolor/48x48/apps/org.veriport.workstation.png \
  ./usr/share/icons/hicolor/256x256/apps/org.veriport.workstation.png \
  ./usr/share/man/man1/veriport.1.gz ./usr/share/man/man1/veriport-setup-models.1.gz \
  ./usr/share/man/man1/veriport-gallery-serve.1.gz \
  ./usr/share/bash-completion/completions/veriport ./usr/share/zsh/vendor-completions/_veriport \
  ./usr/share/fish/vendor_completions.d/veriport.fish \
  ./lib/systemd/system/veriport-backend.service ./usr/lib/sysusers.d/veriport.conf \
  ./usr/lib/systemd/user/veriport-purge.service ./usr/lib/systemd/user/veriport-purge.timer \
  ./usr/lib/systemd/user/timers.target.wants/veriport-purge.timer \
  ./etc/veriport/config.toml ./usr/share/doc/veriport/copyright ./usr/share/doc/veriport/changelog.gz; do
  awk '{print $3}' "$tmp/contents" | grep -xF "$want" >/dev/null || fail "$want not in the package"
done
if awk '{print $3}' "$tmp/contents" | grep -E '\.dat$|models/'; then fail "face models inside the package"; fi
pages=$(grep -c 'usr/share/man/man1/.*\.1\.gz$' "$tmp/contents")
say "$pages man pages"

# Desktop entry, metainfo, unit.
dpkg-deb -x "$deb" "$tmp/x"
desktop-file-validate "$tmp/x/usr/share/applications/veriport.desktop" || fail "desktop entry invalid"
appstreamcli validate --no-net "$tmp/x/usr/share/metainfo/org.veriport.workstation.metainfo.xml" \
  || fail "AppStream metainfo invalid"
grep -q "<release version=\"$deb_version\"" "$tmp/x/usr/share/metainfo/org.veriport.workstation.metainfo.xml" \
  || fail "metainfo release is not $deb_version"
unit="$tmp/x/lib/systemd/system/veriport-backend.service"
for k in 'User=_veriport' 'ProtectSystem=strict' 'PrivateTmp=yes' 'NoNewPrivileges=yes' 'StateDirectory=veriport-backend'; do
  grep -qx "$k" "$unit" || fail "unit lacks $k"
done
if command -v systemd-analyze >/dev/null; then
  # The unit as written, its binary pointed at the extracted one; any
  # message (an unknown key is only a warning to systemd) fails.
  sed "s#/usr/bin/veriport#$tmp/x/usr/bin/veriport#" "$unit" > "$tmp/veriport-backend.service"
  msg=$(systemd-analyze verify --man=no "$tmp/veriport-backend.service" 2>&1) || fail "systemd-analyze verify: $msg"
  [ -z "$msg" ] || fail "systemd-analyze verify: $msg"
  say "systemd unit verified"
  for u in veriport-purge.service veriport-purge.timer; do
    sed "s#/usr/bin/veriport#$tmp/x/usr/bin/veriport#" "$tmp/x/usr/lib/systemd/user/$u" > "$tmp/$u"
  done
  msg=$(systemd-analyze verify --man=no "$tmp/veriport-purge.timer" "$tmp/veriport-purge.service" 2>&1) \
    || fail "systemd-analyze verify (purge timer): $msg"
  [ -z "$msg" ] || fail "systemd-analyze verify (purge timer): $msg"
  say "purge timer verified"
fi
grep -qx 'ExecStart=/usr/bin/veriport purge --if-exists' "$tmp/x/usr/lib/systemd/user/veriport-purge.service" \
  || fail "purge service does not run veriport purge"
[ "$(readlink "$tmp/x/usr/lib/systemd/user/timers.target.wants/veriport-purge.timer")" = ../veriport-purge.timer ] \
  || fail "purge timer not enabled for users"

# FyneApp.toml's Version is the package's release version (0.2.0 on its tag,
# 0.2.0+commit elsewhere, with or without tags); a release tag that
# disagrees with it fails the check.
fyne_version=$(awk -F'"' '/^[[:space:]]*Version[[:space:]]*=/{print $2; exit}' FyneApp.toml)
case "$deb_version" in "$fyne_version"|"$fyne_version"+*) ;; *) fail "FyneApp.toml $fyne_version, package $deb_version" ;; esac
[ "$TAG_OK" = yes ] || fail "$TAG_OK"
say "FyneApp.toml Version $fyne_version agrees with package $deb_version${TAG:+ and tag $TAG}"

# lintian: no errors.
if command -v lintian >/dev/null; then
  code=0
  LC_ALL=C.UTF-8 lintian --fail-on error "$deb" > "$tmp/lintian" 2>&1 || code=$?
  grep -v 'not recommended' "$tmp/lintian" || true
  [ "$code" = 0 ] || fail "lintian reports errors (exit $code)"
  say "lintian: no errors"
fi

# Install into a temporary root, run, remove, purge.
r="$tmp/root"
mkdir -p "$r/var/lib/dpkg/info" "$r/var/lib/dpkg/updates" "$r/var/lib/dpkg/triggers"
: > "$r/var/lib/dpkg/status"
: > "$r/var/lib/dpkg/available"
# The temporary root has none of the dependencies: dpkg's complaints about
# them go to a log, shown when a step fails.
dpk() { dpkg --root="$r" --force-depends --force-script-chrootless --log=/dev/null "$@" >>"$tmp/dpkg.log" 2>&1 \
  || { cat "$tmp/dpkg.log" >&2; return 1; }; }
dpk -i "$deb" || fail "dpkg -i into $r failed"
dpkg-query --admindir="$r/var/lib/dpkg" -W -f='${Status} ${Version}\n' veriport | grep "install ok installed $deb_version" >/dev/null \
  || fail "not installed in the temporary root"
# Hardening: a position-independent executable with full RELRO.
readelf -h "$r/usr/bin/veriport" | grep -q 'Type:.*DYN' || fail "the installed binary is not position-independent (PIE)"
readelf -d "$r/usr/bin/veriport" | grep -q 'BIND_NOW' || fail "the installed binary lacks immediate binding (RELRO)"
# Portability: the C and C++ code (dlib through go-face and verify) uses no
# instruction beyond x86-64-v2 (a booth's CPU may lack AVX, FMA, AVX-512).
VERIPORT_BINARY="$r/usr/bin/veriport" go test -count=1 -v -run '^TestPortableBinary$' ./isa/ > "$tmp/isa.log" 2>&1 \
  || { grep -E 'NOT portable|FAIL|Error|error' "$tmp/isa.log" >&2; fail "the installed binary is not portable (isa TestPortableBinary)"; }
say "$(grep -o 'portable (x86-64-v2).*' "$tmp/isa.log" | head -1)"
out=$("$r/usr/bin/veriport" --version 2>/dev/null) || fail "installed veriport --version failed"
say "installed: $out"
[ "$out" = "veriport $deb_version (commit $COMMIT, built $(sed -n 's/.*built \(.*\))$/\1/p' <<<"$out"))" ] \
  || fail "--version says \"$out\", package is $deb_version (commit $COMMIT)"
"$r/usr/bin/veriport" --help 2>/dev/null | grep 'setup-models' >/dev/null || fail "installed veriport --help lacks setup-models"
VERIPORT_SYSTEM_CONFIG="$r/etc/veriport/config.toml" XDG_CONFIG_HOME="$tmp/cfg" XDG_DATA_HOME="$tmp/data" \
  "$r/usr/bin/veriport" demo path >/dev/null 2>&1 || fail "the installed config.toml does not load"
grep -q '^_veriport:' "$r/etc/passwd" 2>/dev/null || fail "postinst did not create the _veriport system user"
dpk -r veriport || fail "dpkg -r failed"
[ ! -e "$r/usr/bin/veriport" ] || fail "binary left after remove"
[ -f "$r/etc/veriport/config.toml" ] || fail "conffile removed by remove (only purge may)"
dpk -P veriport || fail "dpkg -P failed"
[ ! -e "$r/etc/veriport/config.toml" ] || fail "conffile left after purge"
left=$(cd "$r" && find . -type f ! -path './var/lib/dpkg/*' ! -path './etc/passwd*' ! -path './etc/group*' \
  ! -path './etc/shadow*' ! -path './etc/gshadow*' ! -path './etc/.pwd.lock' | sort)
[ -z "$left" ] || fail "files left after purge: $left"
say "PASS: built, validated, installed into a temporary root, ran --version/--help, removed and purged"
