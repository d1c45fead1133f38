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

.PHONY: all setup build run serve-gallery run-served test unit smoke bench vet clean package check-package purge-timer

all: build

## setup: install system packages, Go modules, models, portraits, demo video
setup:
	@scripts/setup.sh $(SETUP_FLAGS)

# The version is FyneApp.toml's; commit and build date come from git (scripts/version.sh).
build:
	$(GO) build -ldflags "$$(scripts/version.sh --ldflags)" -o $(BIN) .

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

## test: setup, unit and integration tests, the GUI smoke test under Xvfb, the packaging check
test: setup unit smoke check-package

unit:
	$(GO) vet ./...
	scripts/check-layering.sh
	$(GO) test -count=1 ./...
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
