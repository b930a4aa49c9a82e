#!/usr/bin/env bash
# A LOCAL STAND-IN for the official node:24-slim image, for machines that run a Docker engine but reach no
# image registry (Debian's archive and the npm registry only). It is Debian bookworm (debootstrap, minbase,
# like the official image's bookworm-slim base) with this repository's pinned Node 24 binary (the `node`
# dev dependency), npm from the host, and the `node` user (uid 1000) the official image has. It is tagged
# node:24-slim so the Dockerfile builds unchanged; it is NOT the official image. Where the registry is
# reachable, `docker pull node:24-slim` is what to use. Needs root, debootstrap and `npm install` done.
set -euo pipefail
cd "$(dirname "$0")/.."
node_bin=node_modules/node/bin/node
[[ -x "$node_bin" ]] || { echo "base-standin: $node_bin missing: run npm install first" >&2; exit 2; }
command -v debootstrap >/dev/null || { echo "base-standin: debootstrap missing (apt-get install debootstrap)" >&2; exit 2; }
npm_dir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
rootfs=$(mktemp -d)
trap 'rm -rf "$rootfs"' EXIT
debootstrap --variant=minbase bookworm "$rootfs" http://deb.debian.org/debian >/dev/null
install -D -m 0755 "$node_bin" "$rootfs/usr/local/bin/node"
mkdir -p "$rootfs/usr/local/lib/node_modules"
cp -a "$npm_dir" "$rootfs/usr/local/lib/node_modules/npm"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
chroot "$rootfs" /bin/sh -c 'groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node'
chroot "$rootfs" /bin/sh -c 'apt-get clean && rm -rf /var/lib/apt/lists/*'
# This machine reaches the npm registry through a TLS-inspecting egress proxy: the stand-in trusts the
# host's CA bundle (NODE_EXTRA_CA_CERTS), as the host's own npm does. The official image does not need it.
ca=${NODE_EXTRA_CA_CERTS:-/etc/ssl/certs/ca-certificates.crt}
ca_env=()
if [[ -f "$ca" ]]; then
  install -D -m 0644 "$ca" "$rootfs/usr/local/share/lifeboat-standin/ca.crt"
  ca_env=(--change 'ENV NODE_EXTRA_CA_CERTS=/usr/local/share/lifeboat-standin/ca.crt')
fi
tar -C "$rootfs" -c . | docker import "${ca_env[@]}" \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'CMD ["node"]' \
  --message 'local stand-in for node:24-slim (scripts/base-standin.sh)' - node:24-slim
echo "base-standin: node:24-slim is now a local stand-in ($("$node_bin" --version), npm $(npm --version))"
