# testfleet: `make demo` and `make test` work on a fresh Debian machine with Swift installed.
# Every target installs what it is missing first (idempotently), so either may come first.
SHELL := /bin/bash
SWIFT ?= swift
APT_PACKAGES := libzmq3-dev liblz4-dev libsqlite3-dev pkg-config golang-go bc
RELEASE_BIN := .build/release/testfleet

.PHONY: deps build release test demo bench clean

# Installs the system libraries only when one is missing (dpkg -s is cheap; apt-get is not).
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi
	@python3 -c 'import pytest' 2>/dev/null || python3 -m pip install -q pytest
	@# Fixture suites with pytest-xdist and reruns in addopts and with pytest-dependency's marks
	@# (PytestSuiteConfigurationTests).
	@python3 -c 'import xdist, pytest_rerunfailures, pytest_dependency' 2>/dev/null || python3 -m pip install -q pytest-xdist pytest-rerunfailures pytest-dependency
	@command -v kubernetes-validate >/dev/null 2>&1 || python3 -m pip install -q kubernetes-validate
	@# The dashboard's tests: /metrics through Prometheus' own parser, pages in headless Chromium.
	@python3 -c 'import prometheus_client' 2>/dev/null || python3 -m pip install -q prometheus_client
	@command -v chromium >/dev/null || { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; }

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product testfleet

# Unit and integration tests (real ZeroMQ, real SQLite, real fixture projects), and the
# Kubernetes manifests checked offline against the API schemas.
test: deps
	./deploy/check-manifests.sh
	$(SWIFT) build --build-tests --explicit-target-dependency-import-check error
	$(SWIFT) test

demo: release
	./examples/demo.sh $(RELEASE_BIN)

bench: deps
	./bench/run all

clean:
	rm -rf .build .testfleet out
