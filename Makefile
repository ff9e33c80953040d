.PHONY: setup run test test-pg schema translations

HOST ?= 127.0.0.1
PORT ?= 5000
TEST_ARGS ?= -n 2

setup:
	@scripts/setup.sh

run: setup
	@FLASK_APP=wsgi.py .venv/bin/flask seed-demo
	@echo "Serving the demo on http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	@FLASK_APP=wsgi.py .venv/bin/flask run --host $(HOST) --port $(PORT)

test: setup
	@.venv/bin/ruff check .
	@.venv/bin/python -m pytest $(TEST_ARGS)

# The same suite on the local PostgreSQL server.
test-pg:
	@TEST_DATABASE_URL=$${TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test} $(MAKE) test

# Regenerate the single initial migration from the models (before the first release only).
schema:
	@scripts/regenerate_migration.sh

# Extract messages and update every area's zh_CN catalog.
translations:
	@scripts/translations.sh
