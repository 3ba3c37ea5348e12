# Two commands: `make run` (set up, seed the demo, serve with worker and beat) and `make test`.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test lint format migrate seed bench bench-api bench-reminders bench-reminder-batch bench-campaign messages clean browser dovecot bench-mail bench-mail-out

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo

## Set up, seed the demo, then serve http://127.0.0.1:8000 with a Celery worker and beat.
run: install
	$(BIN)/python scripts/dev.py

## Debian's Chromium for the browser tests (Playwright drives it; no downloaded browser).
browser:
	@test -x /usr/bin/chromium || { command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] \
	  && (apt-get install -y -q chromium >/dev/null 2>&1 \
	      || (apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null)) \
	  || echo "Chromium is not installed: browser tests will be skipped (apt-get install chromium)"; }

## Debian's Dovecot for the IMAP tests (they start their own on a free port; no service is started).
dovecot:
	@sh scripts/install_dovecot.sh

## Set up and run the whole suite (PostgreSQL and Redis when DATABASE_URL / REDIS_URL are set).
test: install browser dovecot
	$(BIN)/python scripts/check_services.py
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## Benchmarks (PostgreSQL; see README). BENCH_ARGS="--requests 100000" for a quick public run.
bench: install
	$(BIN)/python scripts/bench_public.py $(BENCH_ARGS)

## The API next to the HTML pages it mirrors (reuses bench_public's generator; own database).
bench-api: install
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/12} \
	$(BIN)/python scripts/bench_api.py --db foia_api_bench $(BENCH_ARGS)

bench-reminders: install
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/foia_reminder_bench} \
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/12} $(BIN)/python scripts/bench_reminders.py $(BENCH_ARGS)

## 11,500 reminders due at once: reminders/s, e-mails per person, duplicates after kill -9, single
## latency (PostgreSQL, its own redis-server, a real worker, aiosmtpd). Part of bench-campaign.
bench-reminder-batch: install
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/foia_reminder_batch_bench} \
	$(BIN)/python scripts/bench_reminder_batch.py $(REMINDER_BATCH_ARGS)

## A campaign to the whole catalogue (11,500 bodies): import, creation on a real worker, page, report.
bench-campaign: install
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/foia_campaign_bench} \
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/12} $(BIN)/python scripts/bench_campaign.py $(BENCH_ARGS)
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/foia_campaign_bench} \
	$(BIN)/python scripts/bench_reminder_batch.py $(REMINDER_BATCH_ARGS)

## Incoming mail: messages/s through receive_mail and the IMAP fetch (a real Dovecot), store/parse/match.
bench-mail: install dovecot
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/foia_mail_bench} \
	$(BIN)/python scripts/bench_mail.py $(BENCH_ARGS)

## Sending e-mail through one real worker against aiosmtpd (messages/s, duplicates).
bench-mail-out: install
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/foia_mailout_bench} \
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/6} $(BIN)/python scripts/bench_mail_out.py $(BENCH_ARGS)

## Collect the strings into locale/sr_Latn (translate there), then make sr (Cyrillic) and compile.
messages: install
	$(BIN)/python manage.py makemessages -l sr_Latn --no-obsolete -i ".venv/*" -i "tests/*" -i "scripts/*" -i "var/*"
	$(BIN)/python scripts/translit_po.py
	$(BIN)/python manage.py compilemessages -l sr_Latn -l sr -i ".venv"

clean:
	rm -rf $(VENV) var/*.sqlite3 var/celery var/mail
