#!/usr/bin/env bash
# Regenerate packaging/requirements.lock from pyproject.toml: run it after changing any
# dependency (packaging/dev.sh installs exactly the lock, and tests/ops/test_lockfile.py
# fails while the two disagree).
#   packaging/lock.sh            keep the pinned versions that still fit, add what is new
#   packaging/lock.sh --upgrade  move every pin to the newest release that fits
# uv resolves from PyPI for every platform and Python the project supports (--universal),
# so a Windows build machine can install the same lock. It runs from a throwaway venv of
# its own (.venv-lock/), so the lock tool is not part of what it locks.
set -euo pipefail
cd "$(dirname "$0")/.."
tools=.venv-lock
if [ ! -x "$tools/bin/uv" ]; then
    python3 -m venv "$tools"
    "$tools/bin/python" -m pip install -q uv
fi
"$tools/bin/uv" pip compile pyproject.toml --extra dev --extra packaging --universal \
    --python-version 3.11 --no-header --quiet --generate-hashes \
    --output-file packaging/requirements.lock "$@"
# First line: what pyproject.toml asked for (tests/ops/test_lockfile.py compares it)
{ python3 packaging/lock_digest.py; grep -v '^# pyproject.toml dependencies:' packaging/requirements.lock; } \
    > packaging/requirements.lock.new
mv packaging/requirements.lock.new packaging/requirements.lock
echo "packaging/requirements.lock updated; commit it with pyproject.toml."
