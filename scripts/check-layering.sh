#!/usr/bin/env bash
# Fyne stays in ui/: no domain package may depend on it (STYLE.md rule 2),
# camera/verify know nothing of SQLite (DESIGN.md), and capture quality's
# core and the reports need neither OpenCV nor go-face. Fyne's test driver
# is linked from bench/ (the headless live-view measurements) and tests only.
set -euo pipefail
cd "$(dirname "$0")/.."
fail=0
for pkg in $(go list ./... | grep -vE '^veriport$|/ui$|/cli$|/bench$'); do
  if go list -deps "$pkg" | grep -q '^fyne.io/'; then
    echo "[layering] FAIL: $pkg depends on fyne.io" >&2; fail=1
  fi
done
for pkg in ./camera/... ./verify/...; do
  if go list -deps "$pkg" | grep -q 'mattn/go-sqlite3'; then
    echo "[layering] FAIL: $pkg depends on SQLite" >&2; fail=1
  fi
done
# Capture quality's core and the reports stay free of OpenCV and dlib: only
# quality/assess measures frames, only verify matches faces.
for pkg in ./quality ./report/...; do
  if go list -deps "$pkg" | grep -qE '^gocv.io/|Kagami/go-face|^veriport/verify$'; then
    echo "[layering] FAIL: $pkg depends on gocv, go-face or verify" >&2; fail=1
  fi
done
# Fyne's test driver: only bench/ imports it outside _test files, and ui
# does not depend on it (cli and the binary do, through the bench command).
for pkg in $(go list -f '{{.ImportPath}}{{range .Imports}} {{.}}{{end}}' ./... |
    grep -v '^veriport/bench ' | grep -E ' fyne.io/fyne/v2/test( |$)' | cut -d' ' -f1); do
  echo "[layering] FAIL: $pkg imports fyne.io/fyne/v2/test outside its tests (only bench/ may)" >&2; fail=1
done
if go list -deps ./ui | grep -q '^fyne.io/fyne/v2/test$'; then
  echo "[layering] FAIL: ui depends on fyne.io/fyne/v2/test" >&2; fail=1
fi
[ "$fail" = 0 ] && echo "[layering] ok: no domain package imports fyne; camera and verify do not import SQLite; quality and report need neither OpenCV nor go-face; only bench/ and tests import Fyne's test driver"
exit $fail
