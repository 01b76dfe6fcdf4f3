"""Emulations of calls moto 5.2.5 does not serve (Security Hub standards and tags, GuardDuty
detector tags; AWS Backup's in backup.py), kept on moto's own per-account backend objects."""

import io
import json
import os
import re
from urllib.parse import parse_qs, unquote


# --------------------------------------------------------------------- Governance emulation
# moto 5.2.5 serves Security Hub's hub (enable, describe, disable) but answers its standards and
# tags calls with errors, and serves GuardDuty detectors but not their tags calls. These
# functions answer those calls here, keeping their state on moto's own backend objects (per
# account and region), so that a hub disabled through moto loses its subscriptions as in AWS.
# This is an emulation of the AWS API, not AWS: a subscription is READY at once (AWS takes
# minutes and may end INCOMPLETE), and no control of a standard is ever evaluated.

_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/\d{8}/([^/]+)/([^/]+)/aws4_request")

# Standards keys (the part of the ARN after standards/ or ruleset/) the emulation knows.
_FOUNDATIONAL = "aws-foundational-security-best-practices/v/1.0.0"
_CIS_1_2 = "cis-aws-foundations-benchmark/v/1.2.0"
_STANDARDS = {
    _FOUNDATIONAL: "AWS Foundational Security Best Practices v1.0.0",
    _CIS_1_2: "CIS AWS Foundations Benchmark v1.2.0",
    "cis-aws-foundations-benchmark/v/1.4.0": "CIS AWS Foundations Benchmark v1.4.0",
    "cis-aws-foundations-benchmark/v/3.0.0": "CIS AWS Foundations Benchmark v3.0.0",
    "nist-800-53/v/5.0.0": "NIST SP 800-53 Rev. 5",
    "pci-dss/v/3.2.1": "PCI DSS v3.2.1",
}
# What EnableSecurityHub subscribes unless EnableDefaultStandards is false.
_DEFAULT_STANDARDS = [_FOUNDATIONAL, _CIS_1_2]


def _request_scope(environ):
    """The (access key, region, service) of a SigV4-signed request."""
    match = _CREDENTIAL.search(environ.get("HTTP_AUTHORIZATION", ""))
    return match.groups() if match else None


def _account(environ, access_key):
    """The account of a request, found as moto itself finds it."""
    account = os.environ.get("MOTO_ACCOUNT_ID") or environ.get("HTTP_X_MOTO_ACCOUNT_ID")
    if account:
        return account
    from moto.iam.models import get_account_id_from

    return get_account_id_from(access_key)


def _raw_path(environ):
    """The request path as sent (ARNs in it may be percent-encoded), without the query."""
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI") or environ.get("PATH_INFO", "")
    return raw.split("?", 1)[0]


def _request_json(environ):
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(body)
    try:
        return json.loads(body) if body else {}
    except ValueError:
        return {}


def _answer(status, payload, error_type=None):
    headers = [("Content-Type", "application/json")]
    if error_type:
        headers.append(("x-amzn-ErrorType", error_type))
        payload = {"__type": error_type, "Code": error_type, "Message": payload, "message": payload}
    return status, headers, json.dumps(payload).encode()


def _partition(region):
    from moto.utilities.utils import get_partition

    return get_partition(region)


def _standards_arn(partition, region, key):
    if key == _CIS_1_2:
        return f"arn:{partition}:securityhub:::ruleset/{key}"
    return f"arn:{partition}:securityhub:{region}::standards/{key}"


def _standards_key(arn):
    resource = arn.split(":", 5)[-1] if arn.count(":") >= 5 else ""
    for prefix in ("standards/", "ruleset/"):
        if resource.startswith(prefix):
            return resource[len(prefix):]
    return None


def _subscriptions(backend):
    """The emulated subscriptions of a hub, reset whenever the hub is enabled anew."""
    store = backend.__dict__.setdefault("_hipaa_aws_standards", {})
    return store.setdefault(backend.enabled_at, {})


def _subscription(account, region, key, status):
    partition = _partition(region)
    return {
        "StandardsSubscriptionArn": f"arn:{partition}:securityhub:{region}:{account}:subscription/{key}",
        "StandardsArn": _standards_arn(partition, region, key),
        "StandardsInput": {},
        "StandardsStatus": status,
        "StandardsControlsUpdatable": "READY_FOR_UPDATES",
    }


def _securityhub(environ, account, region, method, path):
    from moto.securityhub.models import securityhub_backends

    backend = securityhub_backends[account][region]
    not_enabled = (401, f"Account {account} is not subscribed to AWS Security Hub", "InvalidAccessException")
    if method == "POST" and path == "/accounts":
        request = _request_json(environ)
        was_enabled = backend.enabled
        backend.enable_security_hub(enable_default_standards=False, tags=request.get("Tags") or {})
        if not was_enabled and request.get("EnableDefaultStandards", True) is not False:
            for key in _DEFAULT_STANDARDS:
                _subscriptions(backend)[key] = "READY"
        return _answer(200, {})
    if method == "GET" and path == "/standards":
        partition = _partition(region)
        return _answer(200, {"Standards": [
            {"StandardsArn": _standards_arn(partition, region, key), "Name": name,
             "EnabledByDefault": key in _DEFAULT_STANDARDS,
             "StandardsManagedBy": {"Company": "AWS", "Product": "Security Hub"}}
            for key, name in _STANDARDS.items()
        ]})
    if method == "POST" and path in ("/standards/get", "/standards/register", "/standards/deregister"):
        if not backend.enabled:
            return _answer(not_enabled[0], not_enabled[1], not_enabled[2])
        request = _request_json(environ)
        subscriptions = _subscriptions(backend)
        if path == "/standards/get":
            wanted = request.get("StandardsSubscriptionArns")
            found = [_subscription(account, region, key, status) for key, status in sorted(subscriptions.items())]
            if wanted:
                found = [s for s in found if s["StandardsSubscriptionArn"] in wanted]
            return _answer(200, {"StandardsSubscriptions": found})
        if path == "/standards/register":
            answered = []
            for entry in request.get("StandardsSubscriptionRequests") or []:
                key = _standards_key(entry.get("StandardsArn", ""))
                if key not in _STANDARDS:
                    return _answer(400, f"Invalid StandardsArn {entry.get('StandardsArn')!r}", "InvalidInputException")
                subscriptions[key] = "READY"
                answered.append(_subscription(account, region, key, "PENDING"))
            return _answer(200, {"StandardsSubscriptions": answered})
        answered = []
        for arn in request.get("StandardsSubscriptionArns") or []:
            key = arn.rsplit(":subscription/", 1)[-1]
            if subscriptions.pop(key, None) is None:
                return _answer(404, f"No subscription {arn!r}", "ResourceNotFoundException")
            answered.append(_subscription(account, region, key, "DELETING"))
        return _answer(200, {"StandardsSubscriptions": answered})
    if path.startswith("/tags/"):
        arn = unquote(path[len("/tags/"):])
        hub_arn = f"arn:{_partition(region)}:securityhub:{region}:{account}:hub/default"
        if not backend.enabled or arn != hub_arn:
            return _answer(404, f"No resource {arn!r}", "ResourceNotFoundException")
        return _tags(environ, method, backend.__dict__.setdefault("tags", {}), "Tags")
    return None


def _tags(environ, method, tags, field):
    if method == "GET":
        return _answer(200, {field: dict(tags)})
    if method == "POST":
        tags.update(_request_json(environ).get(field) or {})
        return _answer(200, {})
    if method == "DELETE":
        for key in parse_qs(environ.get("QUERY_STRING", "")).get("tagKeys", []):
            tags.pop(key, None)
        return _answer(200, {})
    return None


def _guardduty(environ, account, region, method, path):
    if not path.startswith("/tags/"):
        return None
    from moto.guardduty.models import guardduty_backends

    arn = unquote(path[len("/tags/"):])
    prefix = f"arn:{_partition(region)}:guardduty:{region}:{account}:detector/"
    detector = None
    if arn.startswith(prefix):
        detector = guardduty_backends[account][region].detectors.get(arn[len(prefix):])
    if detector is None:
        return _answer(400, f"The request is rejected because the resource {arn!r} is invalid", "BadRequestException")
    return _tags(environ, method, detector.tags, "tags")


def emulate_governance(environ):
    """Answers the emulated calls; None for every other request (moto answers those)."""
    scope = _request_scope(environ)
    if scope is None:
        return None
    access_key, region, service = scope
    if service not in ("securityhub", "guardduty"):
        return None
    account = _account(environ, access_key)
    method = environ.get("REQUEST_METHOD", "GET")
    path = _raw_path(environ)
    if service == "securityhub":
        return _securityhub(environ, account, region, method, path)
    return _guardduty(environ, account, region, method, path)


EMULATIONS = [emulate_governance]

# AWS Backup (backup.py) uses the helpers above, so it is imported after them.
from backup import emulate_backup  # noqa: E402

EMULATIONS.append(emulate_backup)
