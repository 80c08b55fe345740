#!/usr/bin/env bash
# Score the peer extractors on the corpus: bash benchmarks/run-peers.sh [--corpus DIR] [--json OUT]
# The peers live in their own venv so they never leak into cleaner's dependencies.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$repo/benchmarks/.venv-peers"

if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    # The pip bundled with Python 3.11 trips over lxml[html_clean] being asked for by two peers.
    "$venv/bin/pip" install --quiet --disable-pip-version-check --upgrade pip
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check \
    -r "$repo/benchmarks/requirements-peers.txt" "$repo[train]"

exec "$venv/bin/python" "$repo/benchmarks/peers.py" "$@"
