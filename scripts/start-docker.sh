#!/usr/bin/env bash
# Start a local Docker Engine (dockerd) if none answers on /var/run/docker.sock.
# No bridge/iptables: the engine only ever runs containers with --network none/host.
set -euo pipefail
export PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH"
export DOCKER_API_VERSION=1.41   # Debian's engine is 20.10; the v28 client would otherwise refuse it
LOG=/var/log/barge-dockerd.log

docker_ok() { docker info >/dev/null 2>&1; }

if docker_ok; then exit 0; fi
command -v dockerd >/dev/null || { echo "start-docker: dockerd not installed (run scripts/setup.sh)" >&2; exit 1; }

# A dockerd that died uncleanly leaves a pid file that blocks the next start.
if [ -f /var/run/docker.pid ] && ! kill -0 "$(cat /var/run/docker.pid)" 2>/dev/null; then
  rm -f /var/run/docker.pid
fi

if ! pgrep -x dockerd >/dev/null; then
  echo "start-docker: starting dockerd (log: $LOG)" >&2
  setsid nohup dockerd --bridge=none --iptables=false </dev/null >>"$LOG" 2>&1 &
fi

for _ in $(seq 1 60); do
  if docker_ok; then echo "start-docker: dockerd is up" >&2; exit 0; fi
  sleep 1
done
echo "start-docker: dockerd did not answer within 60s; last log lines:" >&2
tail -n 30 "$LOG" >&2 || true
exit 1
