# Frontline: `make run` to try it, `make test` to check it. Everything installs into .venv from requirements.txt.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Tests run in parallel on every core; set JOBS=0 to run them in one process.
JOBS ?= auto

.PHONY: install run run-prod superuser test screenshots clean bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed
	DEBUG=1 $(BIN)/python manage.py migrate --noinput

run: install
	DEBUG=1 $(BIN)/python manage.py demo
	@# A month of history for the dashboard (15-30 s the first time, a line per day; left alone after that).
	DEBUG=1 $(BIN)/python manage.py simulate --branch demo --days 30 --seed 1 --if-empty
	@echo
	@echo "Frontline is starting on http://$(HOST):$(PORT)/"
	@echo "  kiosk:          http://$(HOST):$(PORT)/b/demo/kiosk/"
	@echo "  lobby display:  http://$(HOST):$(PORT)/b/demo/display/"
	@echo "  phone:          http://$(HOST):$(PORT)/b/demo/join/  (then follow the ticket on /t/<token>/)"
	@echo "  staff console:  http://$(HOST):$(PORT)/staff/        (teller1 / frontline-demo)"
	@echo "  dashboard:      http://$(HOST):$(PORT)/b/demo/stats/ (manager / frontline-demo)"
	@echo "  admin:          http://$(HOST):$(PORT)/admin/        (make superuser)"
	@echo
	@# The webhooks' and texts' worker beside the server; Ctrl-C, or either one ending, stops both.
	DEBUG=1 $(BIN)/python manage.py deliver_webhooks & worker=$$!; \
	DEBUG=1 $(BIN)/daphne -b $(HOST) -p $(PORT) queuesite.asgi:application & server=$$!; \
	trap 'kill $$worker $$server 2>/dev/null' INT TERM; \
	wait $$server; status=$$?; kill $$worker $$server 2>/dev/null; wait; exit $$status

# An administrator's account for /admin/: the settings need DEBUG (or a SECRET_KEY) to start.
superuser: install
	DEBUG=1 $(BIN)/python manage.py createsuperuser

# Production mode on one machine: PROCESSES Daphne processes from PORT and WORKERS webhook workers
# (see deploy/run-prod and the README).
run-prod: $(VENV)/.installed
	deploy/run-prod

test: $(VENV)/.installed
	$(BIN)/pytest -n $(JOBS) -q -rs $(ARGS)

# The live screens under load (lobby, fan-out, a bank, kiosks, memory) and the dashboard, each on a real
# Daphne started as production starts it: about 9 minutes on 2 cores. The table goes to stdout and to
# bench/results/latest.md; with DATABASE_URL (PostgreSQL) and REDIS_URL set, two processes share them.
bench: $(VENV)/.installed
	$(BIN)/python bench/run_all.py $(ARGS)

# Every screen in each state, at TV, phone and tablet sizes, saved to screenshots/ (needs Chromium).
# The few the README shows, kept in docs/screenshots/ (committed): each screen at its real size.
README_SHOTS = kiosk-portrait-1080x1920 display-calling-tv display-pt phone-waiting staff-console-tablet dashboard-desk

screenshots: $(VENV)/.installed
	$(BIN)/pytest -q -p no:xdist tests/browser
	mkdir -p docs/screenshots && for shot in $(README_SHOTS); do cp screenshots/$$shot.png docs/screenshots/; done
	@echo "Screenshots are in screenshots/ (and the README's in docs/screenshots/)"

clean:
	rm -rf $(VENV) .pytest_cache
