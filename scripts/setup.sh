#!/usr/bin/env bash
# One set-up for `make run` and `make test`: Debian packages (when missing), the virtualenv
# with pinned requirements, compiled translations, the prepared PDF font, migrations and demo data.
# Usage: scripts/setup.sh [--no-db]   (--no-db: skip migrating and seeding the dev database)
set -euo pipefail
cd "$(dirname "$0")/.."

DEB_PACKAGES=(python3-venv fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 chromium poppler-utils)
PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3

missing=()
for pkg in "${DEB_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
# python3-venv is only needed when the interpreter has no venv module of its own.
if "$PYTHON" -c "import venv, ensurepip" >/dev/null 2>&1; then
  missing=("${missing[@]/python3-venv}")
fi
missing=($(printf '%s\n' "${missing[@]}" | sed '/^$/d'))
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ]; then
    echo "setup: installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null
    apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: these Debian packages are missing: ${missing[*]}" >&2
    echo "setup: run as root:  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    echo "setup: then run the make command again." >&2
    exit 1
  fi
fi

if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.requirements-$(cat requirements.txt requirements-dev.txt | sha256sum | cut -c1-16)
if [ ! -f "$stamp" ]; then
  echo "setup: installing pinned requirements"
  .venv/bin/pip install -q --upgrade pip >/dev/null
  .venv/bin/pip install -q -r requirements-dev.txt
  rm -f .venv/.requirements-*
  touch "$stamp"
fi

# Translations: one zh_CN catalog per area under grants/translations/<area>/zh_CN/. Babel
# resolves the locale "zh_CN" to zh_Hans_CN, so the compiled catalog is written there.
for po in grants/translations/*/zh_CN/LC_MESSAGES/messages.po; do
  [ -f "$po" ] || continue
  out="${po%/zh_CN/LC_MESSAGES/messages.po}/zh_Hans_CN/LC_MESSAGES/messages.mo"
  mkdir -p "$(dirname "$out")"
  if ! log=$(.venv/bin/pybabel compile -l zh_CN -i "$po" -o "$out" 2>&1); then
    echo "$log" >&2; echo "setup: could not compile $po" >&2; exit 1
  fi
done

mkdir -p instance
# The prepared contract font (a GB2312 TrueType subset of the system's Noto Serif CJK SC) in
# instance/fonts/; skipped when up to date. It stops set-up with the apt-get command to run when
# fonts-noto-cjk is missing.
if ! FLASK_APP=wsgi.py .venv/bin/flask fonts build >/dev/null; then
  echo "setup: could not prepare the PDF font (see the message above)" >&2; exit 1
fi
if [ "${1:-}" != "--no-db" ]; then
  FLASK_APP=wsgi.py .venv/bin/flask db upgrade 2>&1 | grep -v "^INFO" || true
fi
