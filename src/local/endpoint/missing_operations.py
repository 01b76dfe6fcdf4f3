"""Operations moto does not implement (CloudWatch Logs AssociateKmsKey / DisassociateKmsKey,
PutMetricFilter replacing by name), answered from moto's own state."""

import io
import json
import re


# ---------------------------------------------------------------- operations moto lacks

LOGS_TARGET = "Logs_20140328."


ACCESS_KEY = re.compile(r"Credential=([^/]+)/[^/]*/([^/]+)/")


def _logs_backend(environ):
    """moto's CloudWatch Logs backend of the caller's account and region."""
    from moto.iam.models import get_account_id_from
    from moto.logs.models import logs_backends

    match = ACCESS_KEY.search(environ.get("HTTP_AUTHORIZATION", ""))
    access_key, region = (match.group(1), match.group(2)) if match else ("AKIAEXAMPLE", "us-east-1")
    account = environ.get("HTTP_X_MOTO_ACCOUNT_ID") or get_account_id_from(access_key)
    return logs_backends[account][region]


def _logs_group(environ, body):
    """moto's log group named by the request."""
    name = body.get("logGroupName")
    if not name and body.get("resourceIdentifier"):
        name = body["resourceIdentifier"].split(":log-group:", 1)[-1].rstrip("*").rstrip(":")
    return _logs_backend(environ).groups.get(name)


def _json_body(environ):
    length = int(environ.get("CONTENT_LENGTH") or 0)
    raw = environ["wsgi.input"].read(length) if length > 0 else b""
    environ["wsgi.input"] = io.BytesIO(raw)
    try:
        return json.loads(raw or b"{}")
    except ValueError:
        return {}


def missing_operation(environ):
    """Answers the few operations moto lacks (or corrects its state first); None when moto
    should answer."""
    target = environ.get("HTTP_X_AMZ_TARGET", "")
    if target == LOGS_TARGET + "PutMetricFilter":
        body = _json_body(environ)
        group = _logs_group(environ, body)
        if group is not None:
            _logs_backend(environ).filters.delete_filter(
                body.get("filterName"), body.get("logGroupName")
            )
        return None
    if target not in (LOGS_TARGET + "AssociateKmsKey", LOGS_TARGET + "DisassociateKmsKey"):
        return None
    body = _json_body(environ)
    group = _logs_group(environ, body)
    headers = [("Content-Type", "application/x-amz-json-1.1")]
    if group is None:
        error = {
            "__type": "ResourceNotFoundException",
            "message": "The specified log group does not exist.",
        }
        return "400 Bad Request", headers, json.dumps(error).encode("utf-8")
    associate = target == LOGS_TARGET + "AssociateKmsKey"
    group.kms_key_id = body.get("kmsKeyId") if associate else None
    return "200 OK", headers, b"{}"
