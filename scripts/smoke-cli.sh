#!/usr/bin/env bash
# Drive the AWS Batch getting-started flow with a real AWS CLI against a Barge endpoint,
# exactly as a user would, only adding --endpoint-url.
#
# Usage: scripts/smoke-cli.sh <aws-cli-command> <endpoint-url>
#   <aws-cli-command> is ONE argument and may contain spaces ("/usr/bin/python3 -m awscli");
#   it is word-split on purpose. Lines from scripts/aws-clis.sh fit directly.
# Needs python3 (stdlib only) for JSON checks. Names carry a per-run suffix, so several runs
# (v1 and v2) can share one server. Prints "smoke-cli: OK (<cli --version>)" on success.
set -euo pipefail

if [ $# -ne 2 ] || [ -z "$1" ] || [ -z "$2" ]; then
  echo "usage: $0 <aws-cli-command> <endpoint-url>" >&2
  exit 2
fi
read -r -a CLI <<<"$1"   # deliberate word split: "python3 -m awscli" is three words
EP=$2
PY=$(command -v python3) || { echo "smoke-cli: python3 is required" >&2; exit 2; }

# --- isolated, throwaway AWS configuration
WORK=$(mktemp -d "${TMPDIR:-/tmp}/barge-smoke-cli.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
: >"$WORK/config"
: >"$WORK/credentials"
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN AWS_SECURITY_TOKEN AWS_ROLE_ARN \
  AWS_WEB_IDENTITY_TOKEN_FILE AWS_CA_BUNDLE AWS_ENDPOINT_URL AWS_ENDPOINT_URL_BATCH \
  AWS_CLI_AUTO_PROMPT AWS_REGION AWS_DEFAULT_OUTPUT 2>/dev/null || true
export AWS_CONFIG_FILE="$WORK/config"
export AWS_SHARED_CREDENTIALS_FILE="$WORK/credentials"
export AWS_ACCESS_KEY_ID=AKIDSMOKETEST
export AWS_SECRET_ACCESS_KEY=smoke-secret
export AWS_DEFAULT_REGION=us-east-1
export AWS_PAGER=""
export AWS_EC2_METADATA_DISABLED=true

VERSION=$("${CLI[@]}" --version 2>&1 </dev/null) || { echo "smoke-cli: '$1 --version' failed: $VERSION" >&2; exit 1; }
VERSION=$(printf '%s' "$VERSION" | head -n 1)
echo "smoke-cli: using $VERSION against $EP" >&2

SUFFIX="$$-$RANDOM$RANDOM"
CE_NAME="smoke-ce-$SUFFIX"
Q_NAME="smoke-q-$SUFFIX"
D_NAME="smoke-d-$SUFFIX"
J_NAME="smoke-j-$SUFFIX"
VALID_STATES="SUBMITTED PENDING RUNNABLE STARTING RUNNING SUCCEEDED FAILED"

die() { echo "smoke-cli: FAILED [$VERSION] $*" >&2; exit 1; }

# cli STEP ARGS... : run the CLI; on failure print the step, command, exit code and output.
# Sets OUT (stdout) and ERR (stderr).
cli() {
  local step=$1; shift
  local rc=0
  "${CLI[@]}" --endpoint-url "$EP" --output json "$@" </dev/null >"$WORK/out" 2>"$WORK/err" || rc=$?
  OUT=$(cat "$WORK/out"); ERR=$(cat "$WORK/err")
  if [ "$rc" -ne 0 ]; then
    die "step '$step': '$1 $2' exited $rc
  command: ${CLI[*]} --endpoint-url $EP --output json $*
  stdout: $OUT
  stderr: $ERR"
  fi
  [ -n "${QUIET:-}" ] || echo "smoke-cli: ok   $step" >&2
}

# cli_fails STEP ARGS... : the CLI must fail. Sets RC, OUT, ERR.
cli_fails() {
  local step=$1; shift
  RC=0
  "${CLI[@]}" --endpoint-url "$EP" --output json "$@" </dev/null >"$WORK/out" 2>"$WORK/err" || RC=$?
  OUT=$(cat "$WORK/out"); ERR=$(cat "$WORK/err")
  [ "$RC" -ne 0 ] || die "step '$step': expected a non-zero exit, got 0
  stdout: $OUT
  stderr: $ERR"
  echo "smoke-cli: ok   $step (failed as expected, exit $RC)" >&2
}

# get JSON EXPR : print a Python expression over the parsed JSON `d` (strings raw, others as JSON).
get() {
  printf '%s' "$1" | "$PY" -c '
import json, sys
d = json.load(sys.stdin)
v = eval("(" + sys.argv[1] + "\n)")
print(v if isinstance(v, str) else json.dumps(v))
' "$2"
}

# check STEP JSON EXPR [CONTEXT] : a Python boolean expression over `d` must hold.
# Extra variables for EXPR come from the environment as `env` (os.environ).
check() {
  local step=$1 json=$2 expr=$3
  local verdict
  verdict=$(printf '%s' "$json" | "$PY" -c '
import json, os, sys
env = os.environ
try:
    d = json.load(sys.stdin)
except Exception as e:
    print("not JSON: %s" % e); sys.exit(0)
try:
    ok = eval("(" + sys.argv[1] + "\n)")
except Exception as e:
    print("%s: %s" % (type(e).__name__, e)); sys.exit(0)
print("yes" if ok else "no")
' "$expr")
  [ "$verdict" = yes ] || die "step '$step': check failed ($verdict): $expr
  response: $json"
}

# wait_for STEP SECONDS EXPR ARGS... : repeat the CLI call until EXPR holds over its output.
wait_for() {
  local step=$1 seconds=$2 expr=$3; shift 3
  local deadline=$((SECONDS + seconds))
  while :; do
    QUIET=1 cli "$step" "$@"
    if [ "$(printf '%s' "$OUT" | "$PY" -c 'import json,os,sys; env=os.environ; d=json.load(sys.stdin); print("yes" if eval("(" + sys.argv[1] + "\n)") else "no")' "$expr" 2>/dev/null)" = yes ]; then
      echo "smoke-cli: ok   $step" >&2
      return 0
    fi
    [ "$SECONDS" -lt "$deadline" ] || die "step '$step': condition not reached within ${seconds}s: $expr
  last response: $OUT"
    sleep 0.5
  done
}

ARN_PREFIX_RE='^arn:aws:batch:us-east-1:[0-9]{12}:'

# ---------------------------------------------------------------- compute environment
cat >"$WORK/ce.json" <<EOF
{
  "computeEnvironmentName": "$CE_NAME",
  "type": "MANAGED",
  "state": "ENABLED",
  "computeResources": {
    "type": "EC2",
    "minvCpus": 0,
    "maxvCpus": 4,
    "desiredvCpus": 0,
    "instanceTypes": ["optimal"],
    "subnets": ["subnet-0123456789abcdef0"],
    "securityGroupIds": ["sg-0123456789abcdef0"],
    "instanceRole": "ecsInstanceRole"
  },
  "serviceRole": "arn:aws:iam::123456789012:role/AWSBatchServiceRole"
}
EOF
cd "$WORK"   # file:// paths below are relative, as in the tutorial
cli create-compute-environment batch create-compute-environment --cli-input-json file://ce.json
CE_ARN=$(get "$OUT" 'd["computeEnvironmentArn"]')
check create-compute-environment "$OUT" "d['computeEnvironmentName'] == '$CE_NAME'"
[[ $CE_ARN =~ ${ARN_PREFIX_RE}compute-environment/$CE_NAME$ ]] || die "create-compute-environment: unexpected ARN '$CE_ARN'"
export CE_ARN CE_NAME

wait_for "describe-compute-environments (VALID)" 30 \
  "len(d['computeEnvironments']) == 1 and d['computeEnvironments'][0]['status'] == 'VALID'" \
  batch describe-compute-environments --compute-environments "$CE_NAME"
check describe-compute-environments "$OUT" "
(lambda c: c['computeEnvironmentName'] == env['CE_NAME'] and c['computeEnvironmentArn'] == env['CE_ARN']
  and c['type'] == 'MANAGED' and c['state'] == 'ENABLED'
  and c['computeResources']['maxvCpus'] == 4 and c['computeResources']['minvCpus'] == 0
  and c['computeResources']['instanceTypes'] == ['optimal']
  and c['computeResources']['subnets'] == ['subnet-0123456789abcdef0']
  and c['serviceRole'] == 'arn:aws:iam::123456789012:role/AWSBatchServiceRole')(d['computeEnvironments'][0])"
# By ARN as well, and a full listing containing it.
cli "describe-compute-environments by ARN" batch describe-compute-environments --compute-environments "$CE_ARN"
check "describe-compute-environments by ARN" "$OUT" "[c['computeEnvironmentArn'] for c in d['computeEnvironments']] == [env['CE_ARN']]"
cli "describe-compute-environments (all)" batch describe-compute-environments
check "describe-compute-environments (all)" "$OUT" "env['CE_ARN'] in [c['computeEnvironmentArn'] for c in d['computeEnvironments']]"

# ---------------------------------------------------------------- job queue
cli create-job-queue batch create-job-queue --job-queue-name "$Q_NAME" --priority 1 \
  --compute-environment-order "order=1,computeEnvironment=$CE_ARN"
Q_ARN=$(get "$OUT" 'd["jobQueueArn"]')
check create-job-queue "$OUT" "d['jobQueueName'] == '$Q_NAME'"
[[ $Q_ARN =~ ${ARN_PREFIX_RE}job-queue/$Q_NAME$ ]] || die "create-job-queue: unexpected ARN '$Q_ARN'"
export Q_ARN Q_NAME

wait_for "describe-job-queues (VALID)" 30 \
  "len(d['jobQueues']) == 1 and d['jobQueues'][0]['status'] == 'VALID'" \
  batch describe-job-queues --job-queues "$Q_NAME"
check describe-job-queues "$OUT" "
(lambda q: q['jobQueueName'] == env['Q_NAME'] and q['jobQueueArn'] == env['Q_ARN'] and q['state'] == 'ENABLED'
  and q['priority'] == 1
  and q['computeEnvironmentOrder'] == [{'order': 1, 'computeEnvironment': env['CE_ARN']}])(d['jobQueues'][0])"

# ---------------------------------------------------------------- job definition
cat >"$WORK/spec.json" <<'EOF'
{
  "image": "localhost/busybox:latest",
  "command": ["sh", "-c", "test Ref::ok_or_ng = ok"],
  "resourceRequirements": [
    {"type": "VCPU", "value": "1"},
    {"type": "MEMORY", "value": "128"}
  ]
}
EOF
cli register-job-definition batch register-job-definition --job-definition-name "$D_NAME" --type container \
  --container-properties file://spec.json --parameters ok_or_ng=ok
D_ARN=$(get "$OUT" 'd["jobDefinitionArn"]')
D_REV=$(get "$OUT" 'd["revision"]')
check register-job-definition "$OUT" "d['jobDefinitionName'] == '$D_NAME' and d['revision'] == 1"
[[ $D_ARN =~ ${ARN_PREFIX_RE}job-definition/$D_NAME:1$ ]] || die "register-job-definition: unexpected ARN '$D_ARN'"
export D_ARN D_NAME

cli "describe-job-definitions --status ACTIVE" batch describe-job-definitions --job-definition-name "$D_NAME" --status ACTIVE
check "describe-job-definitions --status ACTIVE" "$OUT" "
len(d['jobDefinitions']) == 1 and (lambda j: j['jobDefinitionArn'] == env['D_ARN'] and j['jobDefinitionName'] == env['D_NAME']
  and j['revision'] == 1 and j['status'] == 'ACTIVE' and j['type'] == 'container'
  and j['parameters'] == {'ok_or_ng': 'ok'}
  and j['containerProperties']['image'] == 'localhost/busybox:latest'
  and j['containerProperties']['command'] == ['sh', '-c', 'test Ref::ok_or_ng = ok']
  and sorted((r['type'], r['value']) for r in j['containerProperties']['resourceRequirements']) == [('MEMORY', '128'), ('VCPU', '1')]
  )(d['jobDefinitions'][0])"
cli "describe-job-definitions --status ACTIVE (all)" batch describe-job-definitions --status ACTIVE
check "describe-job-definitions --status ACTIVE (all)" "$OUT" "
env['D_ARN'] in [j['jobDefinitionArn'] for j in d['jobDefinitions']] and all(j['status'] == 'ACTIVE' for j in d['jobDefinitions'])"

# ---------------------------------------------------------------- submit
cli "submit-job (queue ARN, definition ARN)" batch submit-job --job-name "$J_NAME-1" --job-queue "$Q_ARN" --job-definition "$D_ARN"
JOB1=$(get "$OUT" 'd["jobId"]')
check "submit-job (queue ARN, definition ARN)" "$OUT" "d['jobName'] == '$J_NAME-1' and d['jobArn'].endswith(':job/' + d['jobId'])"

cli "submit-job (queue name, definition name)" batch submit-job --job-name "$J_NAME-2" --job-queue "$Q_NAME" \
  --job-definition "$D_NAME" --parameters ok_or_ng=ng
JOB2=$(get "$OUT" 'd["jobId"]')
check "submit-job (queue name, definition name)" "$OUT" "d['jobName'] == '$J_NAME-2'"

cli "submit-job (queue name, name:revision)" batch submit-job --job-name "$J_NAME-3" --job-queue "$Q_NAME" \
  --job-definition "$D_NAME:$D_REV" --parameters ok_or_ng=ng
JOB3=$(get "$OUT" 'd["jobId"]')
check "submit-job (queue name, name:revision)" "$OUT" "d['jobName'] == '$J_NAME-3'"
[ "$JOB1" != "$JOB2" ] && [ "$JOB2" != "$JOB3" ] && [ "$JOB1" != "$JOB3" ] || die "submit-job: job ids are not distinct: $JOB1 $JOB2 $JOB3"
export JOB1 JOB2 JOB3 J_NAME VALID_STATES

# ---------------------------------------------------------------- describe-jobs
cli describe-jobs batch describe-jobs --jobs "$JOB1" "$JOB2" "$JOB3"
check describe-jobs "$OUT" "sorted(j['jobId'] for j in d['jobs']) == sorted([env['JOB1'], env['JOB2'], env['JOB3']])"
DESCRIBED=$OUT
for n in 1 2 3; do
  jid_var="JOB$n"
  if [ "$n" = 1 ]; then want=ok; else want=ng; fi
  check "describe-jobs (job $n)" "$DESCRIBED" "
(lambda js: len(js) == 1 and (lambda j: j['jobName'] == env['J_NAME'] + '-$n'
  and j['status'] in env['VALID_STATES'].split()
  and j['jobQueue'] == env['Q_ARN'] and j['jobDefinition'] == env['D_ARN']
  and j['parameters'].get('ok_or_ng') == '$want'
  and j['container']['command'] == ['sh', '-c', 'test $want = ok']
  and isinstance(j['createdAt'], int) and j['createdAt'] > 1600000000000
  and j['jobArn'].endswith(':job/' + j['jobId'])
  )(js[0]))([j for j in d['jobs'] if j['jobId'] == env['$jid_var']])"
done
cli "describe-jobs (unknown id)" batch describe-jobs --jobs 00000000-0000-4000-8000-000000000000
check "describe-jobs (unknown id)" "$OUT" "d['jobs'] == []"

# ---------------------------------------------------------------- list-jobs
cli "list-jobs --job-status SUBMITTED" batch list-jobs --job-queue "$Q_NAME" --job-status SUBMITTED
LISTED=$OUT
check "list-jobs --job-status SUBMITTED" "$LISTED" "all(s['status'] == 'SUBMITTED' for s in d['jobSummaryList'])"
for n in 1 2 3; do
  jid_var="JOB$n"
  found=$(get "$LISTED" "[s for s in d['jobSummaryList'] if s['jobId'] == '${!jid_var}']")
  if [ "$found" = "[]" ]; then
    # The job may have moved on already: JOB_NAME filters list every status.
    cli "list-jobs --filters JOB_NAME (job $n)" batch list-jobs --job-queue "$Q_NAME" --filters "name=JOB_NAME,values=$J_NAME-$n"
    found=$(get "$OUT" "[s for s in d['jobSummaryList'] if s['jobId'] == '${!jid_var}']")
    [ "$found" != "[]" ] || die "list-jobs: job $n (${!jid_var}) is neither under SUBMITTED nor found by JOB_NAME filter
  SUBMITTED listing: $LISTED
  filtered listing: $OUT"
  fi
  check "list-jobs summary (job $n)" "$found" "
len(d) == 1 and d[0]['jobName'] == env['J_NAME'] + '-$n' and d[0]['status'] in env['VALID_STATES'].split()
  and d[0]['jobArn'].endswith(':job/' + d[0]['jobId'])"
done
# A prefix filter finds all three, whatever their status.
cli "list-jobs --filters JOB_NAME prefix" batch list-jobs --job-queue "$Q_ARN" --filters "name=JOB_NAME,values=$J_NAME-*"
check "list-jobs --filters JOB_NAME prefix" "$OUT" "sorted(s['jobId'] for s in d['jobSummaryList']) == sorted([env['JOB1'], env['JOB2'], env['JOB3']])"

# ---------------------------------------------------------------- tags (ARN in the path)
cli tag-resource batch tag-resource --resource-arn "$Q_ARN" --tags "Team=smoke,Stage=test,smoke:owner/key=a b"
cli list-tags-for-resource batch list-tags-for-resource --resource-arn "$Q_ARN"
check list-tags-for-resource "$OUT" "d['tags'] == {'Team': 'smoke', 'Stage': 'test', 'smoke:owner/key': 'a b'}"
cli untag-resource batch untag-resource --resource-arn "$Q_ARN" --tag-keys Stage "smoke:owner/key"
cli "list-tags-for-resource (after untag)" batch list-tags-for-resource --resource-arn "$Q_ARN"
check "list-tags-for-resource (after untag)" "$OUT" "d['tags'] == {'Team': 'smoke'}"
cli "describe-job-queues (tags)" batch describe-job-queues --job-queues "$Q_ARN"
check "describe-job-queues (tags)" "$OUT" "d['jobQueues'][0].get('tags') == {'Team': 'smoke'}"

# ---------------------------------------------------------------- error case
MISSING_Q="smoke-missing-q-$SUFFIX"
cli_fails "submit-job (nonexistent queue)" batch submit-job --job-name "$J_NAME-x" --job-queue "$MISSING_Q" --job-definition "$D_NAME"
[[ $ERR == *ClientException* ]] || die "submit-job (nonexistent queue): stderr does not mention ClientException: $ERR"
[[ $ERR == *"$MISSING_Q"* ]] || die "submit-job (nonexistent queue): stderr does not mention the queue '$MISSING_Q': $ERR"

# ---------------------------------------------------------------- cleanup
cli "update-job-queue --state DISABLED" batch update-job-queue --job-queue "$Q_NAME" --state DISABLED
check "update-job-queue --state DISABLED" "$OUT" "d['jobQueueArn'] == env['Q_ARN'] and d['jobQueueName'] == env['Q_NAME']"
wait_for "describe-job-queues (DISABLED, VALID)" 30 \
  "d['jobQueues'][0]['state'] == 'DISABLED' and d['jobQueues'][0]['status'] == 'VALID'" \
  batch describe-job-queues --job-queues "$Q_ARN"
cli delete-job-queue batch delete-job-queue --job-queue "$Q_ARN"
wait_for "describe-job-queues (deleted)" 60 \
  "all(q['status'] == 'DELETED' for q in d['jobQueues'])" \
  batch describe-job-queues --job-queues "$Q_ARN"

cli "update-compute-environment --state DISABLED" batch update-compute-environment --compute-environment "$CE_NAME" --state DISABLED
check "update-compute-environment --state DISABLED" "$OUT" "d['computeEnvironmentArn'] == env['CE_ARN'] and d['computeEnvironmentName'] == env['CE_NAME']"
wait_for "describe-compute-environments (DISABLED, VALID)" 30 \
  "d['computeEnvironments'][0]['state'] == 'DISABLED' and d['computeEnvironments'][0]['status'] == 'VALID'" \
  batch describe-compute-environments --compute-environments "$CE_ARN"
cli delete-compute-environment batch delete-compute-environment --compute-environment "$CE_ARN"
wait_for "describe-compute-environments (deleted)" 60 \
  "all(c['status'] == 'DELETED' for c in d['computeEnvironments'])" \
  batch describe-compute-environments --compute-environments "$CE_ARN"

cli deregister-job-definition batch deregister-job-definition --job-definition "$D_NAME:$D_REV"
cli "describe-job-definitions (INACTIVE)" batch describe-job-definitions --job-definitions "$D_ARN"
check "describe-job-definitions (INACTIVE)" "$OUT" "[(j['jobDefinitionArn'], j['status']) for j in d['jobDefinitions']] == [(env['D_ARN'], 'INACTIVE')]"
cli "describe-job-definitions --status ACTIVE (after deregister)" batch describe-job-definitions --job-definition-name "$D_NAME" --status ACTIVE
check "describe-job-definitions --status ACTIVE (after deregister)" "$OUT" "d['jobDefinitions'] == []"

echo "smoke-cli: OK ($VERSION)"
