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
# The window renders what the booth publishes: ui imports neither face
# matching (verify), nor frame assessment (quality/assess), nor the stores
# (record, transmit); cli wires them in.
if u=$(go list -f '{{join .Imports "\n"}}' ./ui | grep -E '^veriport/(verify|quality/assess|record|transmit)$'); then
  echo "[layering] FAIL: ui imports $(echo $u)" >&2; fail=1
fi
# The reference back end is the other side of the wire: no booth-side
# package imports it (its tests may, to run against it); cli, bench and
# loadtest wire it in. Its results half (backend) links no OpenCV or
# go-face, so the terminal report (report/) can read its store.
booth_side='booth|ui|gallery|transmit|record|retention|verify|camera|quality'
for pkg in $(go list -f '{{.ImportPath}}{{range .Imports}} {{.}}{{end}}' ./... |
    grep -E "^veriport/($booth_side)(/[^ ]*)? " | grep -E ' veriport/backend(/[^ ]*)?( |$)' | cut -d' ' -f1); do
  echo "[layering] FAIL: $pkg imports the reference back end (veriport/backend...)" >&2; fail=1
done
if go list -deps ./backend | grep -qE '^gocv.io/|Kagami/go-face|^veriport/verify$'; then
  echo "[layering] FAIL: backend depends on gocv, go-face or verify (report/ reads its store)" >&2; fail=1
fi
# The record store's SQL on encounters, the outbox, the audit log and the
# purge log is record/'s alone: other packages call its typed functions.
# report/ may read them (its figures come from the record store or the back
# end's results through one Source); nobody else writes or reads them.
tables='(encounters|outbox|audit_log|purge_log)'
go_files() { git ls-files --cached --others --exclude-standard '*.go' | grep -v '_test\.go$'; }
if w=$(go_files | grep -v '^record/' | xargs grep -nE "(UPDATE|INSERT( OR [A-Z]+)? INTO|REPLACE INTO|DELETE FROM)[[:space:]]+$tables\b"); then
  echo "[layering] FAIL: SQL writing the record store outside record/:" >&2; echo "$w" >&2; fail=1
fi
if r=$(go_files | grep -vE '^(record|report)/' | xargs grep -nE "(FROM|JOIN)[[:space:]]+$tables\b"); then
  echo "[layering] FAIL: SQL reading the record store outside record/ and report/:" >&2; echo "$r" >&2; fail=1
fi
# No function outside tests over 80 lines (third_party/ aside): a go/ast
# walk, listing each one. FUNCLEN_FLAGS=-report-only lists them without
# failing.
if ! go run ./scripts/funclen ${FUNCLEN_FLAGS:-}; then
  fail=1
fi
[ "$fail" = 0 ] && echo "[layering] ok: no domain package imports fyne; camera and verify do not import SQLite; quality and report need neither OpenCV nor go-face; only bench/ and tests import Fyne's test driver; ui imports no verify, assess, record or transmit; no booth-side package imports backend; only record/ writes SQL on the record store; no function outside tests over 80 lines"
exit $fail
