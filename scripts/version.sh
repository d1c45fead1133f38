#!/usr/bin/env bash
# The build's identity, from git tags, as shell assignments (eval them):
#   VERSION      Debian-safe: 0.2.0 on a tag, 0.2.0+git3.abc1234 after it,
#                0.0.0+abc1234 in a clone without tags; +dirty/.dirty when
#                tracked files are modified
#   APP_VERSION  x.y.z for FyneApp.toml (0.0.0 without a tag)
#   COMMIT       short commit hash
#   DATE         build time, RFC 3339 UTC ($SOURCE_DATE_EPOCH when set)
# With --ldflags it prints the go build -ldflags value that stamps them.
set -euo pipefail
cd "$(dirname "$0")/.."
commit=$(git rev-parse --short=7 HEAD 2>/dev/null || echo unknown)
desc=$(git describe --tags --match 'v[0-9]*.[0-9]*.[0-9]*' --abbrev=7 2>/dev/null || true)
if [[ "$desc" =~ ^v([0-9]+\.[0-9]+\.[0-9]+)(-([0-9]+)-g[0-9a-f]+)?$ ]]; then
  app=${BASH_REMATCH[1]}
  version=$app
  [ -n "${BASH_REMATCH[3]}" ] && version="$app+git${BASH_REMATCH[3]}.$commit"
else
  app=0.0.0
  version="0.0.0+$commit"
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
printf 'VERSION=%q\nAPP_VERSION=%q\nCOMMIT=%q\nDATE=%q\n' "$version" "$app" "$commit" "$date"
