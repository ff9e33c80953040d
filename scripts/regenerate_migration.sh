#!/usr/bin/env bash
# Before the first release the schema is one initial migration, regenerated from the models
# whenever they change (nothing is deployed yet, so no database needs an upgrade path).
# After the first release: `flask db migrate -m "..."` adds ordinary incremental migrations.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
rm -f migrations/versions/*.py
DATABASE_URL="sqlite:///$tmp/schema.sqlite3" FLASK_APP=wsgi.py .venv/bin/flask db migrate -m "initial schema" --rev-id 0001_initial >/dev/null
rm -rf "$tmp"
echo "regenerated migrations/versions/0001_initial_initial_schema.py"
