#!/usr/bin/env bash
# Lists the messages that still need a zh_CN translation (add them to your area's catalog).
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python -m grants.i18n
