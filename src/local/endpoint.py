"""The hipaa-aws local AWS endpoint: moto in server mode on loopback, behind a small
compatibility layer that corrects the few answers where moto departs from AWS in a way the
official Rust SDK cannot read. Written by hipaa-aws into its cache folder and run from there.

Corrections:
- S3 GetBucketVersioning on a bucket that was never versioned, and GetBucketNotification-
  Configuration on a bucket without notifications: moto answers with an empty root element named
  after the operation (GetBucketVersioningResponse, GetBucketNotificationResponse); AWS (and the
  SDK) use VersioningConfiguration and NotificationConfiguration.

Additions (actions moto does not implement, answered from moto's own state):
- EC2 GetEbsDefaultKmsKeyId: the key ModifyEbsDefaultKmsKeyId set, or, like AWS, the ARN of
  the alias/aws/ebs alias when none was set. (moto answers HTTP 500 otherwise.)
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


EMPTY_S3_ROOTS = {
    b"GetBucketVersioningResponse": b"VersioningConfiguration",
    b"GetBucketNotificationResponse": b"NotificationConfiguration",
}


def fix_empty_s3_roots(environ, status, headers, body):
    for moto_root, aws_root in EMPTY_S3_ROOTS.items():
        if b"<" + moto_root in body:
            body = body.replace(b"<" + moto_root, b"<" + aws_root)
            body = body.replace(b"</" + moto_root + b">", b"</" + aws_root + b">")
    return status, headers, body


FIXES = [fix_empty_s3_roots]


def add_get_ebs_default_kms_key_id():
    from moto.core.responses import ActionResult
    from moto.ec2.responses import EC2Response

    if hasattr(EC2Response, "get_ebs_default_kms_key_id"):
        return

    def get_ebs_default_kms_key_id(self):
        self.error_on_dryrun()
        backend = self.ec2_backend
        key = getattr(backend, "default_kms_key_id", "") or (
            f"arn:aws:kms:{backend.region_name}:{backend.account_id}:alias/aws/ebs"
        )
        return ActionResult({"KmsKeyId": key})

    EC2Response.get_ebs_default_kms_key_id = get_ebs_default_kms_key_id


ADDITIONS = [add_get_ebs_default_kms_key_id]


class CompatibilityLayer:
    """WSGI middleware: runs moto, then applies each fix to the buffered answer."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
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
