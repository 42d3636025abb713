#!/usr/bin/env bash
# Idempotent setup: system packages, Docker Engine, npm deps, build.
# Usage: scripts/setup.sh [--test]   (--test also installs AWS CLI v2 and faketime, and builds test images)
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

command -v node >/dev/null || { log "node (>=20) is required"; exit 1; }
[ "$(node -p 'process.versions.node.split(".")[0]')" -ge 20 ] || { log "node >=20 required, have $(node -v)"; exit 1; }

# --- apt packages (apt-get update at most once, only if something is missing)
pkgs=()
command -v dockerd >/dev/null || pkgs+=(docker.io)
command -v python3 >/dev/null || pkgs+=(python3)
command -v make    >/dev/null || pkgs+=(make)
command -v g++     >/dev/null || pkgs+=(g++)
if [ "$TEST" = 1 ]; then
  installed awscli || [ -x /usr/bin/aws ] || pkgs+=(awscli)
  installed busybox-static || pkgs+=(busybox-static)
  # libfaketime: test/e2e/time-limit-actions.test.ts runs Barge 700 s in the future
  installed faketime || pkgs+=(faketime)
fi
if [ ${#pkgs[@]} -gt 0 ]; then
  log "apt-get install ${pkgs[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt_opts=(-qq -o DPkg::Lock::Timeout=300)
  apt-get "${apt_opts[@]}" update >&2
  apt-get "${apt_opts[@]}" install -y --no-install-recommends "${pkgs[@]}" >&2
fi

# --- Docker Engine
scripts/start-docker.sh

# --- npm dependencies (better-sqlite3 compiles from source, ~90s)
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ] ||
   [ ! -f node_modules/better-sqlite3/build/Release/better_sqlite3.node ]; then
  # node-gyp would otherwise try to download Node headers from nodejs.org (unreachable).
  node_prefix=$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")
  if [ -z "${npm_config_nodedir:-}" ] && [ -f "$node_prefix/include/node/common.gypi" ]; then
    export npm_config_nodedir=$node_prefix
  fi
  log "npm ci"
  npm ci --no-audit --no-fund >&2
else
  log "node_modules up to date"
fi

log "npm run build"
npm run --silent build >&2

# --- test prerequisites
if [ "$TEST" = 1 ]; then
  scripts/build-test-images.sh
  log "AWS CLIs: $(scripts/aws-clis.sh | tr '\n' ' ')"
fi
log "done"
