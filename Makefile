# Localpost — build, run and test. GNU make; recipes run in bash.
#
#   make run     install what is missing, build, open Localpost on .run-data/
#   make test    vet, gofmt, unit tests (-race), views, real keyring, smoke test
#   make demo    open Localpost on throwaway data against a local fake Mastodon
#   make bench   Go benchmarks and whole-program start-up/memory figures

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := build

GO     ?= go
BIN    := localpost
# Release builds: FyneApp.toml has [Migrations] fyneDo = true, so Fyne may
# drop its own thread checks. Tests build without the tag so they stay on.
TAGS   := migrated_fynedo
XVFB   := xvfb-run -a -s '-screen 0 1280x800x24'

# Debian/Ubuntu packages: cgo toolchain and GL/X11 headers for Fyne; Xvfb,
# xdotool, ImageMagick and x11-utils for the smoke test and `make bench`;
# gnome-keyring in a D-Bus session for the real-keyring test.
APT_PACKAGES := gcc pkg-config libgl1-mesa-dev xorg-dev libgl1-mesa-dri \
	xvfb xauth xdotool imagemagick x11-utils \
	dbus dbus-x11 gnome-keyring

.PHONY: deps build run demo test bench screenshot clean \
	test-vet test-fmt test-unit test-views test-keyring test-smoke

deps:
	@if command -v apt-get >/dev/null 2>&1 && command -v dpkg-query >/dev/null 2>&1; then \
		missing=""; \
		for p in $(APT_PACKAGES); do \
			dpkg-query -W -f='$${Status}' "$$p" 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
		done; \
		if [ -z "$$missing" ]; then \
			echo "deps: all Debian packages present"; \
		else \
			sudo=""; [ "$$(id -u)" -eq 0 ] || sudo="sudo"; \
			echo "deps: installing$$missing"; \
			$$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq; \
			$$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
		fi; \
	else \
		case "$$(uname -s)" in \
		Darwin) echo "deps: macOS needs Go and the Xcode command line tools (xcode-select --install) for cgo";; \
		MINGW*|MSYS*|CYGWIN*) echo "deps: Windows needs Go and a gcc for cgo (MSYS2 mingw-w64 or TDM-GCC) on PATH";; \
		*) echo "deps: no apt-get here; install Go, a C compiler and the OpenGL/X11 development headers (see README.md)";; \
		esac; \
	fi
	@command -v $(GO) >/dev/null 2>&1 || { echo "deps: Go is not installed (https://go.dev/dl/)"; exit 1; }

build:
	$(GO) build -tags $(TAGS) -o $(BIN) .

run: deps build
	./$(BIN) --data-dir "$(CURDIR)/.run-data"

demo: deps build
	./$(BIN) --demo

# Every step runs even when an earlier one failed; the summary says which
# failed and the exit status is non-zero if any did.
TEST_STEPS := vet fmt unit views keyring smoke

test: deps
	@failed=0; summary=""; \
	for s in $(TEST_STEPS); do \
		echo; echo "==> make test-$$s"; t0=$$(date +%s); \
		if $(MAKE) --no-print-directory test-$$s; then r=ok; else r=FAILED; failed=1; fi; \
		summary="$$summary$$(printf '\n  %-8s %-7s %4ss' "$$s" "$$r" "$$(( $$(date +%s) - t0 ))")"; \
	done; \
	echo; echo "make test, step by step:$$summary"; \
	if [ $$failed -eq 0 ]; then echo "make test: all steps ok"; else echo "make test: FAILED"; fi; \
	exit $$failed

test-vet:
	$(GO) vet ./...
	$(GO) vet -tags smoke .

test-fmt:
	@files="$$(gofmt -l .)"; \
	if [ -n "$$files" ]; then echo "gofmt: these files need gofmt -w:"; echo "$$files"; exit 1; fi; \
	echo "gofmt: ok"

test-unit:
	$(GO) test -race ./data/... ./app/... ./platforms/...

test-views:
	$(GO) test ./views/...

# A throwaway Secret Service (gnome-keyring in its own D-Bus session).
test-keyring:
	bash data/testdata/with-secret-service.sh env LOCALPOST_REAL_KEYRING=1 \
		$(GO) test -count=1 -run TestRealSecretService -v ./data/

# The built binary in a real window under Xvfb; see smoke_test.go.
test-smoke:
	$(XVFB) $(GO) test -count=1 -tags smoke -run 'TestSmoke|TestShotChecks' -v .

bench: deps
	$(GO) test -run '^$$' -bench . -benchmem ./...
	bash scripts/bench-program.sh

# The README's screenshot: the smoke test's, taken with the demo data.
screenshot: deps
	$(MAKE) --no-print-directory test-smoke
	mkdir -p docs
	cp build/smoke/screenshot.png docs/screenshot.png
	@echo "docs/screenshot.png updated"

# .run-data/ holds what you made with `make run`: it is not removed.
clean:
	rm -f $(BIN) $(BIN).exe
	rm -rf build/
