"""The hipaa-aws local AWS endpoint: moto in server mode on loopback, behind a small
compatibility layer that corrects the few answers where moto departs from AWS in a way the
official Rust SDK cannot read. Written by hipaa-aws into its cache folder and run from there.

Corrections:
- S3 GetBucketVersioning on a bucket that was never versioned, and GetBucketNotification-
  Configuration on a bucket without notifications: moto answers with an empty root element named
  after the operation (GetBucketVersioningResponse, GetBucketNotificationResponse); AWS (and the
  SDK) use VersioningConfiguration and NotificationConfiguration.
- Smithy RPC v2 CBOR (the protocol of aws-sdk-cloudwatch 1.96 and later): moto serves CloudWatch
  only over awsJson1_0 and query, and answers `POST /service/<Service>/operation/<Op>` with 404.
  Such requests are translated to awsJson1_0 (CBOR body decoded to JSON, the operation moved into
  `X-Amz-Target`), and moto's JSON answer back to CBOR, typed by the operation's output shape from
  the botocore model moto itself uses (timestamps as tag 1 epoch seconds, doubles as floats, blobs
  as byte strings). The CBOR codec below is self-contained (RFC 8949: definite and indefinite
  lengths, tags 1-3, half/single/double floats), so nothing beyond moto is installed.
- CloudWatch Logs AssociateKmsKey / DisassociateKmsKey, which moto does not implement: answered
  here by setting the key on moto's own log group object.
- CloudWatch Logs PutMetricFilter: moto adds a second filter of the same name instead of
  replacing it as AWS does; the old one is removed first.

- RDS DescribeDBInstances: MonitoringInterval, MonitoringRoleArn, PerformanceInsightsEnabled and
  PerformanceInsightsKMSKeyId, which moto accepts on create/modify but never returns, are kept on
  moto's own instance object.

Additions (actions moto does not implement, answered from moto's own state):
- The AWS managed policies the library attaches (AmazonRDSEnhancedMonitoringRole) and the
  guide's AWSLambdaBasicExecutionRole exist in every account (moto loads none by default).
- RDS automated snapshots get a unique name, so replacing a database within the same minute
  does not fail CreateDBInstance (moto names them by the minute and refuses duplicates).
- EC2 GetEbsDefaultKmsKeyId: the key ModifyEbsDefaultKmsKeyId set, or, like AWS, the ARN of
  the alias/aws/ebs alias when none was set. (moto answers HTTP 500 otherwise.)

Speed (speed.py): per-request work that serves no answer is done once or not at all (moto's
module list, werkzeug's request log).

Emulations (see the "Governance emulation" section): calls moto does not serve, answered here
against moto's own per-account state:
- Security Hub standards (GetEnabledStandards, BatchEnableStandards, BatchDisableStandards,
  DescribeStandards), EnableSecurityHub's default standards, and hub tags (ListTagsForResource,
  TagResource, UntagResource).
- GuardDuty detector tags (ListTagsForResource, TagResource, UntagResource).
- AWS Backup (backup.py): vault access policies and notifications, UpdateBackupPlan, backup
  selections; and, where moto departs from AWS, CreateBackupPlan (a deleted plan's name is
  free), GetBackupPlan (a deleted plan is not found), DeleteBackupPlan (not while it has
  selections), ListBackupPlans, DescribeBackupVault (every field) and DeleteBackupVault (not
  once its lock is immutable).
"""

import argparse
import os
import signal
import sys
import threading

from werkzeug.serving import run_simple

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)

from emulations import EMULATIONS
from fixes import ADDITIONS, FIXES
from missing_operations import missing_operation
from rpc_v2 import rpc_v2_request, rpc_v2_response
import speed

_REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found"}


class CompatibilityLayer:
    """WSGI middleware: runs moto, then applies each fix to the buffered answer."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        answered = missing_operation(environ)
        if answered is not None:
            status, headers, body = answered
            headers.append(("Content-Length", str(len(body))))
            start_response(status, headers)
            return [body]
        for emulate in EMULATIONS:
            answered = emulate(environ)
            if answered is not None:
                status, headers, body = answered
                start_response(f"{status} {_REASONS.get(status, 'Answer')}", headers + [("Content-Length", str(len(body)))])
                return [body]
        translation = rpc_v2_request(environ)
        captured = {}

        def capture(status, headers, exc_info=None):
            captured["status"] = status
            captured["headers"] = list(headers)
            return lambda data: captured.setdefault("written", []).append(data)

        result = self.app(environ, capture)
        try:
            body = b"".join(captured.get("written", [])) + b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        status, headers = captured["status"], captured["headers"]
        for fix in FIXES:
            status, headers, body = fix(environ, status, headers, body)
        if translation is not None:
            status, headers, body = rpc_v2_response(translation, status, headers, body)
        headers = [(k, v) for (k, v) in headers if k.lower() != "content-length"]
        headers.append(("Content-Length", str(len(body))))
        start_response(status, headers)
        return [body]


def exit_when_parent_exits():
    sys.stdin.read()
    os._exit(0)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--watch-stdin", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("MOTO_PORT", str(args.port))
    if args.watch_stdin:
        threading.Thread(target=exit_when_parent_exits, daemon=True).start()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    for addition in ADDITIONS:
        addition()
    speed.apply()
    app = DomainDispatcherApplication(create_backend_app)
    run_simple(
        "127.0.0.1",
        args.port,
        CompatibilityLayer(app),
        threaded=True,
        request_handler=MotoRequestHandler,
    )


if __name__ == "__main__":
    main()
