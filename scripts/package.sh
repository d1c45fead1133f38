#!/usr/bin/env bash
# Builds dist/veriport_<version>_amd64.deb from the checkout:
#   the binary (version, commit and date stamped, stripped, RELRO/BIND_NOW),
#   the Fyne desktop bundle (`fyne package -os linux` from FyneApp.toml, whose
#   Version is the release version), the desktop entry and hicolor icons, AppStream
#   metainfo, man pages and shell completions generated from the cobra
#   commands, the back end's systemd unit and system user, the site settings
#   file (a conffile). Depends: what dpkg-shlibdeps finds the binary links,
#   plus opencv-data and libopenblas0-pthread (the BLAS dlib runs fastest on).
#   No face models inside (veriport setup-models).
# Prints the .deb's path on stdout.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export LANG=en_US.UTF-8
umask 022
FYNE=${FYNE:-fyne.io/tools/cmd/fyne@v1.7.4}
say() { printf '[package] %s\n' "$*" >&2; }
die() { printf '[package] ERROR: %s\n' "$*" >&2; exit 1; }
for t in go dpkg-deb dpkg-shlibdeps convert gzip tar; do command -v $t >/dev/null || die "$t not found (make setup)"; done

# The version is FyneApp.toml's; a release tag that disagrees stops the build.
eval "$(scripts/version.sh)"
[ "$TAG_OK" = yes ] || die "$TAG_OK: make them agree (FyneApp.toml's Version is the release version)"
say "version $VERSION (commit $COMMIT, built $DATE)"

build=dist/_build  # "_": outside go ./... (it holds a copy of main.go)
rm -rf "$build"
mkdir -p "$build"
stage=$build/root

# 1. The binary: position-independent (so ASLR covers it), stamped,
# stripped, with RELRO and immediate binding. Under make (GOFLAGS
# -buildmode=pie) the tests and make build compiled the same PIE objects, so
# this only links; run alone, the first PIE build compiles every package.
go build -buildmode=pie -o "$build/veriport" \
  -ldflags "-s -w $(scripts/version.sh --ldflags) -extldflags=-Wl,-z,relro,-z,now" . \
  || die "go build failed"

# 2. The Fyne desktop bundle, from a copy of FyneApp.toml (fyne rewrites the
# file it reads).
fy=$build/fyne
mkdir -p "$fy/assets"
cp FyneApp.toml main.go "$fy/"
cp assets/icon.png "$fy/assets/"
(cd "$fy" && go run "$FYNE" package -os linux --exe "$root/$build/veriport" --release --app-version "$APP_VERSION" >&2) \
  || die "fyne package failed"
bundle=$(ls "$fy"/*.tar.xz) || die "fyne package made no bundle"
mkdir -p "$build/bundle"
tar -xJf "$bundle" -C "$build/bundle"
b=$build/bundle/veriport/usr/local
staged_version=$(awk -F'"' '/^[[:space:]]*Version[[:space:]]*=/{print $2; exit}' "$fy/FyneApp.toml")
if [ "$staged_version" != "$APP_VERSION" ]; then
  die "bundle FyneApp.toml Version $staged_version, want $APP_VERSION"
fi

# 3. The tree.
install -D -m 0755 "$b/bin/veriport" "$stage/usr/bin/veriport"
install -D -m 0644 "$b/share/applications/org.veriport.workstation.desktop" \
  "$stage/usr/share/applications/veriport.desktop"
for s in 16 24 32 48 64 128 256; do
  d="$stage/usr/share/icons/hicolor/${s}x${s}/apps"
  mkdir -p "$d"
  convert "$b/share/pixmaps/org.veriport.workstation.png" -resize "${s}x${s}" -depth 8 -strip \
    "PNG32:$d/org.veriport.workstation.png"
done
d=${DATE%%T*}
install -d "$stage/usr/share/metainfo"
sed -e "s/@VERSION@/$VERSION/" -e "s/@DATE@/$d/" packaging/org.veriport.workstation.metainfo.xml \
  > "$stage/usr/share/metainfo/org.veriport.workstation.metainfo.xml"
"$stage/usr/bin/veriport" dev man "$stage/usr/share/man/man1" >&2 2>/dev/null || die "man pages failed"
gzip -9n "$stage"/usr/share/man/man1/*.1
install -d "$stage/usr/share/bash-completion/completions" "$stage/usr/share/zsh/vendor-completions" \
  "$stage/usr/share/fish/vendor_completions.d"
"$stage/usr/bin/veriport" completion bash > "$stage/usr/share/bash-completion/completions/veriport" 2>/dev/null
"$stage/usr/bin/veriport" completion zsh > "$stage/usr/share/zsh/vendor-completions/_veriport" 2>/dev/null
"$stage/usr/bin/veriport" completion fish > "$stage/usr/share/fish/vendor_completions.d/veriport.fish" 2>/dev/null
install -D -m 0644 packaging/veriport-backend.service "$stage/lib/systemd/system/veriport-backend.service"
# The retention purge as a user timer, enabled for every user (the static
# timers.target.wants link): photos go on time with the window closed.
for u in veriport-purge.service veriport-purge.timer; do
  install -D -m 0644 "packaging/$u" "$stage/usr/lib/systemd/user/$u"
done
install -d "$stage/usr/lib/systemd/user/timers.target.wants"
ln -s ../veriport-purge.timer "$stage/usr/lib/systemd/user/timers.target.wants/veriport-purge.timer"
install -D -m 0644 packaging/veriport.sysusers "$stage/usr/lib/sysusers.d/veriport.conf"
install -D -m 0644 packaging/config.toml "$stage/etc/veriport/config.toml"
install -D -m 0644 packaging/copyright "$stage/usr/share/doc/veriport/copyright"
maint="Veriport project <packages@veriport.invalid>"
{
  printf 'veriport (%s) unstable; urgency=medium\n\n' "$VERSION"
  printf '  * Build of commit %s.\n\n' "$COMMIT"
  printf ' -- %s  %s\n' "$maint" "$(date -u -R -d "$DATE")"
} | gzip -9n > "$stage/usr/share/doc/veriport/changelog.gz"

# 4. Control: Depends from the libraries the binary links.
mkdir -p "$build/shlibs/debian"
printf 'Source: veriport\n\nPackage: veriport\nArchitecture: amd64\n' > "$build/shlibs/debian/control"
deps=$(cd "$build/shlibs" && dpkg-shlibdeps -O "$root/$stage/usr/bin/veriport" 2>/dev/null) || die "dpkg-shlibdeps failed"
deps=${deps#shlibs:Depends=}
[ -n "$deps" ] || die "dpkg-shlibdeps found no libraries"
install -d "$stage/DEBIAN"
size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
cat > "$stage/DEBIAN/control" <<CTL
Package: veriport
Version: $VERSION
Architecture: amd64
Maintainer: $maint
Installed-Size: $size
Depends: $deps, opencv-data, libopenblas0-pthread, fonts-noto-core, fonts-noto-cjk
Section: misc
Priority: optional
Homepage: https://veriport.invalid
Description: face verification workstation for inspection booths and gates
 Veriport is the desktop workstation an officer uses at an inspection booth
 or boarding gate to confirm a traveler's identity by face against the
 flight gallery, with a manual document check that never depends on the
 camera, encrypted photo retention and supervisor shift reports.
 .
 The face models are not included: run "veriport setup-models" once per
 user. The package also installs the back end's systemd unit
 (veriport-backend.service), disabled, and a systemd user timer
 (veriport-purge.timer), enabled, that runs the retention purge every
 10 minutes whether the workstation is open or not.
CTL
echo /etc/veriport/config.toml > "$stage/DEBIAN/conffiles"
for s in postinst prerm postrm; do install -m 0755 "packaging/$s" "$stage/DEBIAN/$s"; done
(cd "$stage" && find . -path ./DEBIAN -prune -o -path ./etc -prune -o -type f -printf '%P\0' | sort -z \
  | xargs -0 md5sum) > "$build/md5sums"
install -m 0644 "$build/md5sums" "$stage/DEBIAN/md5sums"

deb=dist/veriport_${VERSION}_amd64.deb
rm -f dist/veriport_*_amd64.deb
dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >&2 || die "dpkg-deb failed"
say "built $deb ($(du -h "$deb" | cut -f1))"
echo "$deb"
