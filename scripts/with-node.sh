#!/bin/sh
# Runs a command with the project's Node.js first on PATH: .node/bin, where scripts/setup.sh
# installs the supported LTS when the machine's own Node.js is older. Every npm script goes
# through here, so `npm start` / `npm test` never run Barge on an unsupported Node.js.
root=$(cd "$(dirname "$0")/.." && pwd)
if [ -x "$root/.node/bin/node" ]; then PATH="$root/.node/bin:$PATH"; export PATH; fi
required=$(cat "$root/.node-version")
have=$(node -p 'process.versions.node' 2>/dev/null || echo 0)
if [ "${have%%.*}" -lt "${required%%.*}" ]; then
  echo "barge: needs Node.js ${required%%.*} (have $have); run scripts/setup.sh, which installs it into .node/" >&2
  exit 1
fi
exec "$@"
