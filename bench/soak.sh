#!/usr/bin/env bash
# Soak test (not part of npm test): a real switchyard process under steady keep-alive load for several
# minutes while its configuration reloads every second, a server is killed and restarted, the http
# provider's endpoint is cut and restored, and the gateway upgrades itself three times (`switchyard upgrade`).
# Prints failed requests to healthy servers (must be 0) and the serving process's RSS over time.
# Usage: [SOAK_TAIL=seconds] bash bench/soak.sh [duration-seconds (default 240)] [keep-alive workers on the healthy route (default 8)]
# SOAK_TAIL: how long the load goes on after the last event (default 20), to watch the last process's memory.
set -euo pipefail
cd "$(dirname "$0")/.."
# The repository pins Node 24 (DESIGN.md); the system node may be older.
NODE=node_modules/.bin/node
[ -x "$NODE" ] || NODE=node
exec "$NODE" --import ./bin/ts-hooks.js bench/soak.ts "${1:-240}" "${2:-8}"
