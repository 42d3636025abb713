#!/usr/bin/env bash
# Print the AWS CLIs available for compatibility tests, one per line:
#   v1 <command>      (runs aws-cli 1.x; may be "<python> -m awscli")
#   v2 /usr/bin/aws
# Exits non-zero when CI=true and v2 is missing (v1 is pip-only: its tests run with npm run test:cli-v1).
set -uo pipefail
export PATH="$PATH:/usr/local/bin:/usr/bin:/bin"

is_major() { # is_major <1|2> <command...>: does `<command> --version` report aws-cli/<major>?
  local major=$1; shift
  local out
  out=$("$@" --version 2>&1 </dev/null) || return 1
  [[ $out == aws-cli/$major.* ]]
}

v1="" v2=""
roots=()
for r in "${PYENV_ROOT:-}" "${HOME:-/root}/.pyenv" /root/.pyenv; do
  [ -n "$r" ] && [ -d "$r" ] && roots+=("$r")
done

for c in "${roots[@]/%//shims/aws}" "${roots[@]/%//versions/*/bin/aws}" "$(command -v aws 2>/dev/null)"; do
  for f in $c; do   # unquoted: expand the versions/* globs
    if [ -x "$f" ] && is_major 1 "$f"; then v1=$f; break 2; fi
  done
done
if [ -z "$v1" ]; then
  for py in "${roots[@]/%//shims/python3}" "$(command -v python3 2>/dev/null)"; do
    if [ -x "$py" ] && is_major 1 "$py" -m awscli; then v1="$py -m awscli"; break; fi
  done
fi
if [ -x /usr/bin/aws ] && is_major 2 /usr/bin/aws; then v2=/usr/bin/aws; fi

[ -n "$v1" ] && echo "v1 $v1"
[ -n "$v2" ] && echo "v2 $v2"
[ -z "$v1" ] && echo "aws-clis: no aws-cli 1.x found" >&2
[ -z "$v2" ] && echo "aws-clis: no aws-cli 2.x at /usr/bin/aws (apt-get install -y awscli)" >&2
if [ "${CI:-}" = true ] && [ -z "$v2" ]; then exit 1; fi
exit 0
