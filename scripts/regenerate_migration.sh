#!/usr/bin/env bash
# Before the first release the schema is one initial migration, regenerated from the models
# whenever they change (nothing is deployed yet, so no database needs an upgrade path).
# Hand-written migrations that autogenerate cannot express (0002: the PostgreSQL trigger that
# keeps audit events append-only) sit on top of it and are kept.
# After the first release: `flask db migrate -m "..."` adds ordinary incremental migrations.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
mkdir -p "$tmp/kept"
find migrations/versions -maxdepth 1 -name '*.py' ! -name '0001_*' -exec mv {} "$tmp/kept/" \;
rm -f migrations/versions/0001_*.py
DATABASE_URL="sqlite:///$tmp/schema.sqlite3" FLASK_APP=wsgi.py .venv/bin/flask db migrate -m "initial schema" --rev-id 0001_initial >/dev/null
mv "$tmp"/kept/*.py migrations/versions/ 2>/dev/null || true
rm -rf "$tmp"
echo "regenerated migrations/versions/0001_initial_initial_schema.py"
