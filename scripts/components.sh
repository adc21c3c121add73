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
# kubectl: the image's kubectl is used when it is on PATH. Otherwise Debian's kubernetes-client is unpacked, not
# installed (installing it conflicts with the image's kubectl package over /usr/bin/kubectl), into the user's cache,
# where test/helpers/kube-fake/kubectl.ts looks for it.
kubectl_dir="${XDG_CACHE_HOME:-$HOME/.cache}/switchyard/kubectl"
if ! command -v kubectl >/dev/null 2>&1 && [ ! -x "$kubectl_dir/usr/bin/kubectl" ]; then
  kubectl_tmp=$(mktemp -d)
  if ! (cd "$kubectl_tmp" && { apt-get download kubernetes-client >/dev/null 2>&1 ||
    { [ "$(id -u)" -eq 0 ] && apt-get update -qq && apt-get download kubernetes-client >/dev/null 2>&1; }; }) ||
    ! { mkdir -p "$kubectl_dir" && dpkg-deb -x "$kubectl_tmp"/kubernetes-client_*.deb "$kubectl_dir"; }; then
    rm -rf "$kubectl_tmp"
    echo "could not unpack kubectl from Debian's kubernetes-client into $kubectl_dir" >&2
    exit 1
  fi
  rm -rf "$kubectl_tmp"
fi

[ ${#needed[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "missing test components: ${needed[*]} (install them with apt-get as root)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${needed[@]}" >/dev/null
