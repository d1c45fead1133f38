# Veriport: `make run` opens the workstation, `make test` runs every test.
SHELL := /bin/bash
GO ?= go
BIN := bin/veriport
# Fyne reads the locale from LANG; "C" is not a language tag it accepts.
export LANG := en_US.UTF-8
# Where models, portraits and the demo video live (outside the repository).
VERIPORT_CACHE ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/veriport
export VERIPORT_CACHE
MODELS ?=
SETUP_FLAGS := $(if $(MODELS),--models $(MODELS),)
# Every package is compiled once, position-independent, as the .deb's binary
# is: vet, the tests, make build and scripts/package.sh share the build cache,
# so the packaging check relinks instead of recompiling every cgo package.
export GOFLAGS := -buildmode=pie $(filter-out -buildmode=%,$(GOFLAGS))
# The hardening the package's binary carries (scripts/package.sh adds -s -w).
EXTLDFLAGS := -extldflags=-Wl,-z,relro,-z,now
# make test's step times, printed at its end.
TIMES := bin/test-times.txt

.PHONY: all setup build run serve-gallery run-served test unit unit-tests race-tests real-model-test smoke bench vet clean package check-package purge-timer

all: build

## setup: install system packages, Go modules, models, portraits, demo video
setup:
	@scripts/setup.sh $(SETUP_FLAGS)

# The version is FyneApp.toml's; commit and build date come from git
# (scripts/version.sh). PIE with RELRO and immediate binding, as packaged.
build:
	$(GO) build -ldflags "$$(scripts/version.sh --ldflags) $(EXTLDFLAGS)" -o $(BIN) .

## run: setup, then open the workstation on the embedded defaults
run: setup build
	./$(BIN) $(if $(MODELS),--models $(MODELS),) $(RUN_FLAGS)

## serve-gallery: the reference gallery service on the demo bundles, https://127.0.0.1:8443
serve-gallery: setup build
	./$(BIN) gallery serve

## run-served: the workstation with the reference gallery service running beside it
run-served: setup build
	./$(BIN) gallery serve & svc=$$!; trap 'kill $$svc' EXIT; \
	./$(BIN) $(if $(MODELS),--models $(MODELS),) $(RUN_FLAGS)

## purge-timer: the retention purge every 10 minutes for bin/veriport, window open or not (systemd user timer)
purge-timer: build
	scripts/purge-timer.sh

## test: setup, unit and integration tests, the GUI smoke test under Xvfb, the packaging check; each step's time at the end
# Each step runs as its own make; a failed step stops the run after the
# times so far are printed.
step = start=$$(date +%s%N); $(MAKE) --no-print-directory $(2); rc=$$?; \
	printf '%-16s %8.1f s%s\n' '$(1)' "$$(( ($$(date +%s%N) - start) / 1000000 ))e-3" \
	  "$$([ $$rc = 0 ] || echo '  FAILED')" >> $(TIMES); \
	if [ $$rc != 0 ]; then echo '[test] step times:'; cat $(TIMES); exit $$rc; fi
test:
	@mkdir -p bin && rm -f $(TIMES)
	@$(call step,setup,setup)
	@$(call step,vet,vet)
	@$(call step,unit tests,unit-tests)
	@$(call step,race tests,race-tests)
	@$(call step,real-model test,real-model-test)
	@$(call step,build + smoke,smoke)
	@$(call step,packaging check,check-package)
	@echo '[test] step times:'; cat $(TIMES)

unit: vet unit-tests race-tests real-model-test

vet:
	$(GO) vet ./...
	@# gofmt: every Go file of ours, as the toolchain formats it
	@bad=$$(find . -name '*.go' -not -path './third_party/*' -not -path './.git/*' -print0 | \
		xargs -0 "$$($(GO) env GOROOT)/bin/gofmt" -l); \
		if [ -n "$$bad" ]; then echo "[vet] gofmt would change:"; echo "$$bad"; exit 1; fi
	scripts/check-layering.sh

unit-tests:
	$(GO) test -count=1 ./...

## race-tests: the tests again under the race detector, on every package whose tests link neither OpenCV nor go-face (scripts/race-packages.sh)
# -race does not build position-independent executables on linux/amd64:
# -buildmode=default here, while GOFLAGS keeps PIE for what the tests build
# themselves (isa's test builds the binary: a cache hit after unit-tests).
race-tests:
	$(GO) test -race -buildmode=default -count=1 $$(scripts/race-packages.sh)

real-model-test:
	@# The real-model test must run, never skip: say so in the log.
	@mkdir -p bin
	$(GO) test -count=1 -v -run 'TestRealModelsSamePersonCloser' ./verify/ > bin/real-model-test.log
	@grep -E -- '--- |distance' bin/real-model-test.log
	@grep -q -- '--- PASS: TestRealModelsSamePersonCloser' bin/real-model-test.log
	$(GO) test -count=1 -tags matprofile -run 'Mat' ./camera/ ./verify/ ./quality/assess/

smoke: build
	scripts/smoke-gui.sh $(BIN)

## package: dist/veriport_<version>_amd64.deb (scripts/package.sh)
package:
	scripts/package.sh

## check-package: build the .deb, validate it, install it into a temporary root, remove it
check-package:
	scripts/check-package.sh

## bench: every performance figure, this checkout beside a baseline commit (scripts/bench.sh, BENCH_BASE=)
bench: build
	scripts/bench.sh

clean:
	rm -rf bin dist
