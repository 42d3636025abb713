#!/usr/bin/env python3
"""Drive the AWS Batch getting-started flow with boto3 against a Barge endpoint.

Usage: scripts/smoke-boto3.py <endpoint-url>

Needs a python3 with boto3; when the interpreter running this has none, the script re-executes
itself with the first of `python3` on PATH and ~/.pyenv/shims/python3 that can import boto3.
Names carry a per-run suffix so the script can share a server with other runs.
Prints "smoke-boto3: OK (boto3 <version>, botocore <version>)" on success.
"""
import os
import shutil
import subprocess
import sys


def _reexec_with_boto3() -> None:
    candidates = [shutil.which("python3"), os.path.expanduser("~/.pyenv/shims/python3"), "/root/.pyenv/shims/python3"]
    tried = []
    for py in candidates:
        if not py or not os.access(py, os.X_OK) or py in tried:
            continue
        tried.append(py)
        if subprocess.run([py, "-c", "import boto3"], capture_output=True).returncode == 0:
            env = dict(os.environ, BARGE_SMOKE_REEXEC="1")
            os.execve(py, [py, os.path.abspath(__file__), *sys.argv[1:]], env)
    sys.exit(f"smoke-boto3: no python3 with boto3 found (tried {sys.executable}, {', '.join(tried)})")


try:
    import boto3
    import botocore
    from botocore.config import Config
    from botocore.exceptions import ClientError
except ImportError:
    if os.environ.get("BARGE_SMOKE_REEXEC"):
        raise
    _reexec_with_boto3()

import json
import random
import re
import tempfile
import time

VALID_STATES = {"SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING", "SUCCEEDED", "FAILED"}
ARN_PREFIX = r"^arn:aws:batch:us-east-1:[0-9]{12}:"


class SmokeFailure(Exception):
    pass


def check(step: str, ok: bool, detail: object = None) -> None:
    if not ok:
        text = detail if isinstance(detail, str) else json.dumps(detail, default=str, indent=1)
        raise SmokeFailure(f"step '{step}': check failed\n  {text}")


def strip_meta(response: dict) -> dict:
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def main() -> int:
    if len(sys.argv) != 2:
        print("usage: smoke-boto3.py <endpoint-url>", file=sys.stderr)
        return 2
    endpoint = sys.argv[1]

    # Isolate from the user's AWS configuration.
    tmp = tempfile.mkdtemp(prefix="barge-smoke-boto3.")
    for name in ("config", "credentials"):
        open(os.path.join(tmp, name), "w").close()
    for var in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
                "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_BATCH", "AWS_CA_BUNDLE", "AWS_REGION"):
        os.environ.pop(var, None)
    os.environ.update(
        AWS_CONFIG_FILE=os.path.join(tmp, "config"),
        AWS_SHARED_CREDENTIALS_FILE=os.path.join(tmp, "credentials"),
        AWS_ACCESS_KEY_ID="AKIDSMOKETEST",
        AWS_SECRET_ACCESS_KEY="smoke-secret",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_EC2_METADATA_DISABLED="true",
    )

    versions = f"boto3 {boto3.__version__}, botocore {botocore.__version__}"
    print(f"smoke-boto3: using {versions} against {endpoint}", file=sys.stderr)
    batch = boto3.client("batch", endpoint_url=endpoint, config=Config(retries={"max_attempts": 1, "mode": "standard"}))

    step = "?"

    def call(name: str, op: str, **kwargs):
        nonlocal step
        step = name
        response = getattr(batch, op)(**kwargs)
        meta = response["ResponseMetadata"]
        check(name, meta["HTTPStatusCode"] == 200 and meta.get("RequestId"), meta)
        print(f"smoke-boto3: ok   {name}", file=sys.stderr)
        return strip_meta(response)

    def wait_for(name: str, seconds: float, predicate, op: str, **kwargs):
        deadline = time.monotonic() + seconds
        while True:
            out = strip_meta(getattr(batch, op)(**kwargs))
            if predicate(out):
                print(f"smoke-boto3: ok   {name}", file=sys.stderr)
                return out
            if time.monotonic() > deadline:
                raise SmokeFailure(f"step '{name}': condition not reached within {seconds}s; last response:\n  {json.dumps(out, default=str)}")
            time.sleep(0.5)

    suffix = f"{os.getpid()}-{random.randrange(10**9)}"
    ce_name, q_name, q2_name, d_name, j_name = (f"smoke-{k}-py-{suffix}" for k in ("ce", "q", "q2", "d", "j"))

    try:
        # ------------------------------------------------------------ compute environment
        out = call("create_compute_environment", "create_compute_environment",
                   computeEnvironmentName=ce_name, type="MANAGED", state="ENABLED",
                   computeResources={
                       "type": "EC2", "minvCpus": 0, "maxvCpus": 4, "desiredvCpus": 0,
                       "instanceTypes": ["optimal"], "subnets": ["subnet-0123456789abcdef0"],
                       "securityGroupIds": ["sg-0123456789abcdef0"], "instanceRole": "ecsInstanceRole",
                   },
                   serviceRole="arn:aws:iam::123456789012:role/AWSBatchServiceRole")
        ce_arn = out["computeEnvironmentArn"]
        check(step, out["computeEnvironmentName"] == ce_name and re.match(ARN_PREFIX + f"compute-environment/{ce_name}$", ce_arn), out)
        out = wait_for("describe_compute_environments (VALID)", 30,
                       lambda o: len(o["computeEnvironments"]) == 1 and o["computeEnvironments"][0]["status"] == "VALID",
                       "describe_compute_environments", computeEnvironments=[ce_name])
        ce = out["computeEnvironments"][0]
        check("describe_compute_environments", ce["computeEnvironmentArn"] == ce_arn and ce["type"] == "MANAGED"
              and ce["state"] == "ENABLED" and ce["computeResources"]["maxvCpus"] == 4, ce)

        # ------------------------------------------------------------ job queue
        out = call("create_job_queue", "create_job_queue", jobQueueName=q_name, priority=1,
                   computeEnvironmentOrder=[{"order": 1, "computeEnvironment": ce_arn}])
        q_arn = out["jobQueueArn"]
        check(step, out["jobQueueName"] == q_name and re.match(ARN_PREFIX + f"job-queue/{q_name}$", q_arn), out)
        out = wait_for("describe_job_queues (VALID)", 30,
                       lambda o: len(o["jobQueues"]) == 1 and o["jobQueues"][0]["status"] == "VALID",
                       "describe_job_queues", jobQueues=[q_arn])
        q = out["jobQueues"][0]
        check("describe_job_queues", q["jobQueueName"] == q_name and q["state"] == "ENABLED" and q["priority"] == 1
              and q["computeEnvironmentOrder"] == [{"order": 1, "computeEnvironment": ce_arn}], q)

        # ------------------------------------------------------------ job definition
        out = call("register_job_definition", "register_job_definition", jobDefinitionName=d_name, type="container",
                   containerProperties={
                       "image": "localhost/busybox:latest",
                       "command": ["sh", "-c", "test Ref::ok_or_ng = ok"],
                       "resourceRequirements": [{"type": "VCPU", "value": "1"}, {"type": "MEMORY", "value": "128"}],
                   },
                   parameters={"ok_or_ng": "ok"})
        d_arn, d_rev = out["jobDefinitionArn"], out["revision"]
        check(step, d_rev == 1 and re.match(ARN_PREFIX + f"job-definition/{d_name}:1$", d_arn), out)
        out = call("describe_job_definitions (ACTIVE)", "describe_job_definitions", jobDefinitionName=d_name, status="ACTIVE")
        check(step, [(j["jobDefinitionArn"], j["status"], j["parameters"]) for j in out["jobDefinitions"]]
              == [(d_arn, "ACTIVE", {"ok_or_ng": "ok"})], out)
        # The paginator walks every page of all ACTIVE definitions.
        step = "describe_job_definitions paginator"
        arns = [j["jobDefinitionArn"] for page in batch.get_paginator("describe_job_definitions").paginate(status="ACTIVE")
                for j in page["jobDefinitions"]]
        check(step, d_arn in arns and len(arns) == len(set(arns)), arns)
        print(f"smoke-boto3: ok   {step}", file=sys.stderr)

        # ------------------------------------------------------------ submit
        jobs = {}  # id -> (name, expected ok_or_ng)
        for n, (queue, definition, params) in enumerate([
            (q_arn, d_arn, None),
            (q_name, d_name, {"ok_or_ng": "ng"}),
            (q_name, f"{d_name}:{d_rev}", {"ok_or_ng": "ng"}),
        ], start=1):
            kwargs = {"jobName": f"{j_name}-{n}", "jobQueue": queue, "jobDefinition": definition}
            if params:
                kwargs["parameters"] = params
            out = call(f"submit_job {n}", "submit_job", **kwargs)
            check(step, out["jobName"] == f"{j_name}-{n}" and out["jobArn"].endswith(":job/" + out["jobId"]), out)
            jobs[out["jobId"]] = (f"{j_name}-{n}", "ng" if params else "ok")
        check("submit_job ids distinct", len(jobs) == 3, jobs)

        # ------------------------------------------------------------ describe / list
        out = call("describe_jobs", "describe_jobs", jobs=list(jobs))
        check(step, sorted(j["jobId"] for j in out["jobs"]) == sorted(jobs), out)
        for j in out["jobs"]:
            name, want = jobs[j["jobId"]]
            check(f"describe_jobs {name}", j["jobName"] == name and j["status"] in VALID_STATES
                  and j["jobQueue"] == q_arn and j["jobDefinition"] == d_arn
                  and j["parameters"].get("ok_or_ng") == want
                  and j["container"]["command"] == ["sh", "-c", f"test {want} = ok"]
                  and isinstance(j["createdAt"], int), j)

        out = call("list_jobs SUBMITTED", "list_jobs", jobQueue=q_name, jobStatus="SUBMITTED")
        listed = {s["jobId"]: s for s in out["jobSummaryList"]}
        check(step, all(s["status"] == "SUBMITTED" for s in listed.values()), out)
        for job_id, (name, _) in jobs.items():
            if job_id not in listed:  # it may have moved on: JOB_NAME filters list every status
                out = call(f"list_jobs JOB_NAME {name}", "list_jobs", jobQueue=q_name,
                           filters=[{"name": "JOB_NAME", "values": [name]}])
                listed.update({s["jobId"]: s for s in out["jobSummaryList"]})
            check(f"list_jobs {name}", job_id in listed and listed[job_id]["jobName"] == name
                  and listed[job_id]["status"] in VALID_STATES, listed.get(job_id, out))

        # ------------------------------------------------------------ tags
        call("tag_resource", "tag_resource", resourceArn=q_arn, tags={"Team": "smoke", "Stage": "test", "smoke:owner/key": "a b"})
        out = call("list_tags_for_resource", "list_tags_for_resource", resourceArn=q_arn)
        check(step, out["tags"] == {"Team": "smoke", "Stage": "test", "smoke:owner/key": "a b"}, out)
        call("untag_resource", "untag_resource", resourceArn=q_arn, tagKeys=["Stage", "smoke:owner/key"])
        out = call("list_tags_for_resource (after untag)", "list_tags_for_resource", resourceArn=q_arn)
        check(step, out["tags"] == {"Team": "smoke"}, out)

        # ------------------------------------------------------------ error case
        step = "submit_job (nonexistent queue)"
        missing = f"smoke-missing-q-py-{suffix}"
        try:
            batch.submit_job(jobName=f"{j_name}-x", jobQueue=missing, jobDefinition=d_name)
        except ClientError as e:
            err = e.response
            check(step, err["Error"]["Code"] == "ClientException" and missing in err["Error"]["Message"]
                  and err["ResponseMetadata"]["HTTPStatusCode"] == 400, err)
            print(f"smoke-boto3: ok   {step} (failed as expected: {err['Error']['Message']})", file=sys.stderr)
        else:
            raise SmokeFailure(f"step '{step}': expected ClientException, the call succeeded")

        # ------------------------------------------------------------ a chain across two queues
        # Each submit passes the previous job's id in dependsOn, alternating queues; the jobs
        # run as containers and must run strictly one after another.
        out = call("create_job_queue (second)", "create_job_queue", jobQueueName=q2_name, priority=1,
                   computeEnvironmentOrder=[{"order": 1, "computeEnvironment": ce_arn}])
        q2_arn = out["jobQueueArn"]
        chain, previous = [], None
        for n, queue in enumerate([q_name, q2_name, q_name], start=1):
            kwargs = {"jobName": f"{j_name}-chain-{n}", "jobQueue": queue, "jobDefinition": d_name,
                      "containerOverrides": {"command": ["sleep", "1"]}}
            if previous:
                kwargs["dependsOn"] = [{"jobId": previous}]
            previous = call(f"submit_job chain {n}", "submit_job", **kwargs)["jobId"]
            chain.append(previous)
        out = wait_for("describe_jobs (chain ended)", 120,
                       lambda o: all(j["status"] in ("SUCCEEDED", "FAILED") for j in o["jobs"]),
                       "describe_jobs", jobs=chain)
        ended = sorted(out["jobs"], key=lambda j: chain.index(j["jobId"]))
        check("chain succeeded", all(j["status"] == "SUCCEEDED" for j in ended), ended)
        for before, after in zip(ended, ended[1:]):
            check("chain runs one after another", after["startedAt"] >= before["stoppedAt"]
                  and after["dependsOn"] == [{"jobId": before["jobId"]}], [before, after])

        # ------------------------------------------------------------ cleanup
        call("update_job_queue DISABLED (second)", "update_job_queue", jobQueue=q2_name, state="DISABLED")
        wait_for("describe_job_queues (second DISABLED)", 30, lambda o: o["jobQueues"][0]["state"] == "DISABLED",
                 "describe_job_queues", jobQueues=[q2_arn])
        call("delete_job_queue (second)", "delete_job_queue", jobQueue=q2_arn)
        call("update_job_queue DISABLED", "update_job_queue", jobQueue=q_name, state="DISABLED")
        wait_for("describe_job_queues (DISABLED, VALID)", 30,
                 lambda o: o["jobQueues"][0]["state"] == "DISABLED" and o["jobQueues"][0]["status"] == "VALID",
                 "describe_job_queues", jobQueues=[q_arn])
        call("delete_job_queue", "delete_job_queue", jobQueue=q_arn)
        wait_for("describe_job_queues (deleted)", 60, lambda o: all(q["status"] == "DELETED" for q in o["jobQueues"]),
                 "describe_job_queues", jobQueues=[q_arn, q2_arn])
        call("update_compute_environment DISABLED", "update_compute_environment", computeEnvironment=ce_name, state="DISABLED")
        wait_for("describe_compute_environments (DISABLED, VALID)", 30,
                 lambda o: o["computeEnvironments"][0]["state"] == "DISABLED" and o["computeEnvironments"][0]["status"] == "VALID",
                 "describe_compute_environments", computeEnvironments=[ce_arn])
        call("delete_compute_environment", "delete_compute_environment", computeEnvironment=ce_arn)
        wait_for("describe_compute_environments (deleted)", 60,
                 lambda o: all(c["status"] == "DELETED" for c in o["computeEnvironments"]),
                 "describe_compute_environments", computeEnvironments=[ce_arn])
        call("deregister_job_definition", "deregister_job_definition", jobDefinition=d_arn)
        out = call("describe_job_definitions (INACTIVE)", "describe_job_definitions", jobDefinitions=[f"{d_name}:{d_rev}"])
        check(step, [(j["jobDefinitionArn"], j["status"]) for j in out["jobDefinitions"]] == [(d_arn, "INACTIVE")], out)
    except SmokeFailure as e:
        print(f"smoke-boto3: FAILED [{versions}] {e}", file=sys.stderr)
        return 1
    except ClientError as e:
        print(f"smoke-boto3: FAILED [{versions}] step '{step}': {e}\n  response: {json.dumps(e.response, default=str)}", file=sys.stderr)
        return 1
    except Exception as e:  # noqa: BLE001 - name the step for any client-side failure
        print(f"smoke-boto3: FAILED [{versions}] step '{step}': {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    print(f"smoke-boto3: OK ({versions})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
