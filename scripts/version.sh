#!/usr/bin/env bash
# The build's identity, as shell assignments (eval them). The release
# version is FyneApp.toml's Version, the one place it is kept; a git tag is a
# check, not a source (see TAG_OK):
#   VERSION      Debian-safe: 0.2.0 on the commit tagged v0.2.0,
#                0.2.0+abc1234 on any other commit (with or without tags);
#                +dirty/.dirty when tracked files are modified
#   APP_VERSION  x.y.z, FyneApp.toml's Version
#   COMMIT       short commit hash
#   DATE         build time, RFC 3339 UTC ($SOURCE_DATE_EPOCH when set)
#   TAG          the release tag on this commit (v0.2.0), or empty
#   TAG_OK       "yes", or why the tags disagree with FyneApp.toml: a release
#                tag on this commit that is not v$APP_VERSION, or a release
#                tag in this commit's history newer than APP_VERSION
# With --ldflags it prints the go build -ldflags value that stamps them.
set -euo pipefail
cd "$(dirname "$0")/.."
app=$(awk -F'"' '/^[[:space:]]*Version[[:space:]]*=/{print $2; exit}' FyneApp.toml)
[[ "$app" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || { echo "version.sh: FyneApp.toml Version \"$app\" is not x.y.z" >&2; exit 1; }
commit=$(git rev-parse --short=7 HEAD 2>/dev/null || echo unknown)
pattern='v[0-9]*.[0-9]*.[0-9]*'
tag=$(git describe --tags --exact-match --match "$pattern" HEAD 2>/dev/null || true)
last=$(git tag --merged HEAD --list "$pattern" 2>/dev/null | grep -E '^v[0-9]+\.[0-9]+\.[0-9]+$' | sort -V | tail -1 || true)
tag_ok=yes
if [ -n "$tag" ] && [ "$tag" != "v$app" ]; then
  tag_ok="this commit is tagged $tag but FyneApp.toml says Version $app"
elif [ -n "$last" ] && [ "${last#v}" != "$app" ] \
  && [ "$(printf '%s\n%s\n' "${last#v}" "$app" | sort -V | tail -1)" != "$app" ]; then
  tag_ok="release tag $last is newer than FyneApp.toml's Version $app"
fi
if [ -n "$tag" ] && [ "$tag" = "v$app" ]; then
  version=$app
else
  version="$app+$commit"
fi
if [ "$commit" != unknown ] && [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then
  case "$version" in *+*) version="$version.dirty" ;; *) version="$version+dirty" ;; esac
fi
if [ -n "${SOURCE_DATE_EPOCH:-}" ]; then
  date=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)
else
  date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
fi
if [ "${1:-}" = --ldflags ]; then
  echo "-X veriport/version.version=$version -X veriport/version.commit=$commit -X veriport/version.date=$date"
  exit 0
fi
printf 'VERSION=%q\nAPP_VERSION=%q\nCOMMIT=%q\nDATE=%q\nTAG=%q\nTAG_OK=%q\n' "$version" "$app" "$commit" "$date" "$tag" "$tag_ok"
