#!/usr/bin/env bash
# The packages `make race-tests` runs under the race detector: every package
# with tests whose test binary links neither OpenCV (gocv.io) nor dlib
# (github.com/Kagami/go-face). Those two recompile their C++ for a -race
# build and dominate its time; the rest is pure Go or light cgo (SQLite).
# Computed from `go list` each time, so a package that gains or loses a
# heavy dependency moves by itself.
set -euo pipefail
cd "$(dirname "$0")/.."
# One line per test binary: "veriport/x.test|dep dep ...".
go list -test -f '{{if .ForTest}}{{else}}{{.ImportPath}}|{{join .Deps " "}}{{end}}' ./... |
  grep -E '^[^|]+\.test\|' |
  grep -vE '[| ](gocv\.io/[^ ]*|github\.com/Kagami/go-face[^ ]*)( |$)' |
  cut -d'|' -f1 | sed 's/\.test$//' | sort
