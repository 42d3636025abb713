#!/usr/bin/env python3
"""Make one AWS call with boto3 and print its outcome as one JSON line (used by the test suite).

Usage: scripts/boto3-call.py <endpoint-url> <service> <operation> [<params as JSON>]
Credentials and region come from the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
AWS_DEFAULT_REGION). Prints {"ok": <response>} or {"error": <code>, "status": <http>, "message": ...}.
Needs a python3 with boto3; re-executes itself with one that has it (PATH, then ~/.pyenv/shims).
"""
import os
import shutil
import subprocess
import sys


def _reexec_with_boto3() -> None:
    for py in [shutil.which("python3"), "/usr/bin/python3", os.path.expanduser("~/.pyenv/shims/python3")]:
        if py and os.access(py, os.X_OK) and os.path.realpath(py) != os.path.realpath(sys.executable):
            if subprocess.run([py, "-c", "import boto3"], capture_output=True).returncode == 0:
                os.execve(py, [py, os.path.abspath(__file__), *sys.argv[1:]], dict(os.environ, BARGE_BOTO3_REEXEC="1"))
    sys.exit("boto3-call: no python3 with boto3 found")


try:
    import boto3
    from botocore.config import Config
    from botocore.exceptions import ClientError
except ImportError:
    if os.environ.get("BARGE_BOTO3_REEXEC"):
        raise
    _reexec_with_boto3()

import json


def main() -> None:
    endpoint, service, operation = sys.argv[1:4]
    params = json.loads(sys.argv[4]) if len(sys.argv) > 4 else {}
    client = boto3.client(service, endpoint_url=endpoint, config=Config(retries={"max_attempts": 1}))
    try:
        response = getattr(client, operation)(**params)
        response.pop("ResponseMetadata", None)
        print(json.dumps({"ok": response, "boto3": boto3.__version__}, default=str))
    except ClientError as error:
        print(json.dumps({
            "error": error.response["Error"]["Code"],
            "status": error.response["ResponseMetadata"]["HTTPStatusCode"],
            "message": error.response["Error"].get("Message", ""),
            "boto3": boto3.__version__,
        }))


main()
