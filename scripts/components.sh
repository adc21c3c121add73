#!/usr/bin/env bash
# Installs the real components the tests use (from Debian's packages) when they are missing.
# Each entry is "command package"; tests find the commands on PATH and start their own instances.
set -euo pipefail
needed=()
while read -r cmd pkg; do
  [ -n "$cmd" ] || continue
  command -v "$cmd" >/dev/null 2>&1 || needed+=("$pkg")
done <<'LIST'
chromium chromium
redis-server redis-server
etcd etcd-server
etcdctl etcd-client
pebble pebble
LIST
[ ${#needed[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "missing test components: ${needed[*]} (install them with apt-get as root)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${needed[@]}" >/dev/null
