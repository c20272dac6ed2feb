# KAM — developer entry points. `make run` and `make test` are all a fresh machine needs.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint typecheck pytest pytest-sqlite pytest-pg bench messages clean

install: $(STAMP) node_modules/.package-lock.json

# Browser packages (the plotly bundle KAM serves), pinned in package.json / package-lock.json.
# Without npm KAM still runs: the charts fall back to plotly's full bundle from PyPI (slower
# first chart page) and `manage.py check` warns (kam.W001).
node_modules/.package-lock.json: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --omit=dev --no-audit --no-fund --ignore-scripts --loglevel=error && touch $@; \
	else \
	  echo "npm not found: charts use plotly's full bundle (apt-get install npm, then make install)"; \
	fi

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

var/secret_key:
	mkdir -p var
	$(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))" > var/secret_key

# Local demo: production WSGI server (gunicorn + whitenoise) on plain http, so HTTPS-only
# cookies are switched off here (KAM_HTTPS=false); see README for a real deployment.
run: install var/secret_key
	KAM_SECRET_KEY="$$(cat var/secret_key)" KAM_HTTPS=false $(BIN)/kam migrate
	KAM_SECRET_KEY="$$(cat var/secret_key)" KAM_HTTPS=false $(BIN)/kam demo --if-empty
	KAM_SECRET_KEY="$$(cat var/secret_key)" KAM_HTTPS=false $(BIN)/kam serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: install
	KAM_DEBUG=true $(BIN)/mypy kam tests bench

pytest-sqlite: install
	$(BIN)/python -m pytest -n 2 -q

pytest-pg: install
	$(BIN)/python -m tests.pg_cluster $(BIN)/python -m pytest -n 2 -q -m "not e2e"

test: lint typecheck
	KAM_DEBUG=true $(BIN)/kam manage makemigrations --check --dry-run
	KAM_DEBUG=false KAM_HTTPS=true KAM_SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
		$(BIN)/kam manage check --deploy --fail-level WARNING
	$(MAKE) pytest-sqlite
	$(MAKE) pytest-pg

bench: install
	$(BIN)/python -m bench
	$(BIN)/python -m tests.pg_cluster $(BIN)/python -m bench portfolio
	$(BIN)/python -m tests.pg_cluster $(BIN)/python -m bench imports
	$(BIN)/python -m tests.pg_cluster $(BIN)/python -m bench load
	$(BIN)/python -m tests.pg_cluster $(BIN)/python -m bench daily

messages: install
	$(BIN)/python manage.py makemessages -l ru -l en --ignore=.venv --ignore=var
	$(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) var/static node_modules
