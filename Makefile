.PHONY: venv demo hub city test bench screenshots package faults

venv:
	bash scripts/bootstrap.sh

demo: venv
	.venv/bin/duty-console demo

hub: venv
	.venv/bin/duty-console hub

# Seven town hubs and a district hub on this machine: a private nats-server (JetStream) and a
# private PostgreSQL 15 cluster in temp dirs, the marathon split by town (FEDERATION.md). Ctrl-C stops all.
city: venv
	.venv/bin/duty-console city

# Two workers (pytest-xdist), each test file on one worker so its module fixtures start once:
# most of the suite's time is waiting on servers, scenario clocks and sockets, not CPU.
test: venv
	QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest -q -n 2 --dist loadfile

# The pure and headless tests (no Qt, video, browser, or server but an in-process hub): what
# `pytest --fast` keeps, as tests/conftest.py defines it. `make test` still runs everything.
.PHONY: test-fast
test-fast: venv
	QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest -q --fast

bench: venv
	.venv/bin/pip install -q -e '.[bench]'
	.venv/bin/python -m bench

# The change per metric between two results: make bench-compare OLD.json NEW.json
# (or OLD=... NEW=...). The .json goals after it are its arguments, not targets.
.PHONY: bench-compare
bench-compare:
	@.venv/bin/python -m bench.compare $(or $(OLD),$(word 1,$(filter %.json,$(MAKECMDGOALS)))) \
	    $(or $(NEW),$(word 2,$(filter %.json,$(MAKECMDGOALS))))
ifeq ($(firstword $(MAKECMDGOALS)),bench-compare)
%.json:
	@:
endif

screenshots: venv
	bash scripts/screenshots.sh out/screenshots

package: venv
	.venv/bin/pip install -q -e '.[package]' && .venv/bin/pyinstaller --noconfirm packaging/duty-console.spec

# Build the bundle, then run the built app's smoke (offscreen, one dispatch) from a temp data dir.
.PHONY: package-smoke
package-smoke: package
	@tmp=$$(mktemp -d); \
	QT_QPA_PLATFORM=offscreen XDG_DATA_HOME=$$tmp timeout 120 dist/duty-console/duty-console demo --smoke 60 --speed 4 \
	    --local-db sqlite:///$$tmp/console.db > $$tmp/out.log 2>&1; rc=$$?; \
	grep '^smoke:' $$tmp/out.log || tail -n 40 $$tmp/out.log; \
	rm -rf $$tmp; echo "package-smoke: exit $$rc, bundle $$(du -sh dist/duty-console | cut -f1)"; exit $$rc

.PHONY: translations
translations: venv
	.venv/bin/pyside6-lupdate $$(find console/ui -name '*.py' | sort) -ts resources/i18n/console_zh_CN.ts -no-obsolete && .venv/bin/python resources/i18n/fill_zh_CN.py && .venv/bin/pyside6-lrelease resources/i18n/console_zh_CN.ts -qm resources/i18n/console_zh_CN.qm

# The fault suite (loopback only, bounded): link cuts and black holes, hub and console kill -9,
# slow consumers, and the other trials in faults/trial_*.py. One figure line per trial.
faults: venv
	.venv/bin/python -m faults

# The Debian package: dist/duty-console_VERSION_ARCH.deb (dpkg-deb; packaging/deb/build.sh says what
# is where). DEB_COMPRESS=gzip (default) | xz | zstd | none. Needs Debian's python3.11 and python3.11-venv.
.PHONY: deb
deb:
	DEB_COMPRESS=$(or $(DEB_COMPRESS),gzip) bash packaging/deb/build.sh

# The Grafana dashboard of the hubs' /metrics, from its one declaration
.PHONY: dashboard
dashboard:
	python3 packaging/grafana/dashboard.py
