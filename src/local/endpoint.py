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

Emulations (see the "Governance emulation" section): calls moto does not serve, answered here
against moto's own per-account state:
- Security Hub standards (GetEnabledStandards, BatchEnableStandards, BatchDisableStandards,
  DescribeStandards), EnableSecurityHub's default standards, and hub tags (ListTagsForResource,
  TagResource, UntagResource).
- GuardDuty detector tags (ListTagsForResource, TagResource, UntagResource).
"""

import argparse
import base64
import datetime
import io
import json
import math
import os
import re
import signal
import struct
import sys
import threading
from urllib.parse import parse_qs, unquote

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


def keep_rds_monitoring_fields():
    """moto's DBInstance drops MonitoringInterval, MonitoringRoleArn, EnablePerformanceInsights
    and PerformanceInsightsKMSKeyId (CreateDBInstance and ModifyDBInstance accept them; Describe
    never returns them). Kept on moto's own instance object so its serializer returns them as
    AWS does; nothing else is emulated (no metrics are published)."""
    from moto.rds.models import DBInstance

    if getattr(DBInstance, "_hipaa_aws_monitoring", False):
        return
    original_init = DBInstance.__init__
    original_update = DBInstance.update

    def init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        self.monitoring_interval = int(kwargs.get("monitoring_interval") or 0)
        self.monitoring_role_arn = kwargs.get("monitoring_role_arn")
        self.performance_insights_enabled = bool(kwargs.get("enable_performance_insights"))
        self.performance_insights_kms_key_id = kwargs.get("performance_insights_kms_key_id")

    def update(self, *args, **kwargs):
        enabled = kwargs.pop("enable_performance_insights", None)
        original_update(self, *args, **kwargs)
        if enabled is not None:
            self.performance_insights_enabled = bool(enabled)
        if kwargs.get("monitoring_interval") is not None:
            self.monitoring_interval = int(kwargs["monitoring_interval"])

    DBInstance.__init__ = init
    DBInstance.update = update
    DBInstance._hipaa_aws_monitoring = True


# The AWS managed policies the library attaches (and the guide's example policy). moto loads
# none unless MOTO_IAM_LOAD_MANAGED_POLICIES is set, and loading all 1,500 into every account a
# test makes is slow; these few are loaded into every account instead.
SELECTED_AWS_MANAGED_POLICIES = (
    "AmazonRDSEnhancedMonitoringRole",
    "AWSLambdaBasicExecutionRole",
)


def add_selected_aws_managed_policies():
    from moto.iam import models
    from moto.iam.aws_managed_policies import aws_managed_policies_data

    every = json.loads(aws_managed_policies_data)
    selected = {name: every[name] for name in SELECTED_AWS_MANAGED_POLICIES if name in every}
    load_all = models.IAMBackend._init_aws_policies

    def init_aws_policies(self):
        policies = load_all(self)
        if policies:
            return policies
        return [
            models.AWSManagedPolicy.from_data(name, self.account_id, self.region_name, data)
            for name, data in selected.items()
        ]

    models.IAMBackend._init_aws_policies = init_aws_policies


def unique_rds_automated_snapshots():
    # moto names an instance's automated snapshot rds:<id>-<minute> and refuses CreateDBInstance
    # when a snapshot of that name exists, which happens when a database is replaced by one of
    # the same identifier within a minute; AWS never fails a create over its own backup's name.
    from moto.rds.models import RDSBackend

    create = RDSBackend.create_auto_snapshot

    def create_auto_snapshot(self, db_instance_identifier, db_snapshot_identifier):
        unique, n = db_snapshot_identifier, 1
        while unique in self.database_snapshots:
            n += 1
            unique = f"{db_snapshot_identifier}-{n}"
        return create(self, db_instance_identifier, unique)

    RDSBackend.create_auto_snapshot = create_auto_snapshot


ADDITIONS = [
    add_get_ebs_default_kms_key_id,
    keep_rds_monitoring_fields,
    add_selected_aws_managed_policies,
    unique_rds_automated_snapshots,
]


# ---------------------------------------------------------------- CBOR (RFC 8949)


class EpochSeconds(float):
    """A timestamp: CBOR tag 1 around epoch seconds."""


class _Break:
    pass


BREAK = _Break()


class CborDecoder:
    def __init__(self, data):
        self.data = data
        self.pos = 0

    def read(self, count):
        if self.pos + count > len(self.data):
            raise ValueError("truncated CBOR item")
        chunk = self.data[self.pos : self.pos + count]
        self.pos += count
        return chunk

    def argument(self, info):
        if info < 24:
            return info
        if info in (24, 25, 26, 27):
            size = {24: 1, 25: 2, 26: 4, 27: 8}[info]
            return int.from_bytes(self.read(size), "big")
        if info == 31:
            return None
        raise ValueError(f"reserved additional information {info}")

    def item(self):
        initial = self.read(1)[0]
        major, info = initial >> 5, initial & 31
        if major == 7:
            return self.simple(info)
        argument = self.argument(info)
        if major == 0:
            return argument
        if major == 1:
            return -1 - argument
        if major in (2, 3):
            if argument is None:
                chunks = []
                while True:
                    chunk = self.item()
                    if chunk is BREAK:
                        break
                    chunks.append(chunk)
                raw = b"".join(c if isinstance(c, bytes) else c.encode("utf-8") for c in chunks)
            else:
                raw = self.read(argument)
            return raw if major == 2 else raw.decode("utf-8")
        if major == 4:
            items = []
            while argument is None or len(items) < argument:
                value = self.item()
                if value is BREAK:
                    break
                items.append(value)
            return items
        if major == 5:
            mapping = {}
            count = 0
            while argument is None or count < argument:
                key = self.item()
                if key is BREAK:
                    break
                mapping[key] = self.item()
                count += 1
            return mapping
        # major 6: tags
        value = self.item()
        if argument == 1:
            return EpochSeconds(float(value))
        if argument in (2, 3) and isinstance(value, bytes):
            number = int.from_bytes(value, "big")
            return number if argument == 2 else -1 - number
        return value

    def simple(self, info):
        if info == 20:
            return False
        if info == 21:
            return True
        if info in (22, 23):
            return None
        if info == 25:
            return struct.unpack(">e", self.read(2))[0]
        if info == 26:
            return struct.unpack(">f", self.read(4))[0]
        if info == 27:
            return struct.unpack(">d", self.read(8))[0]
        if info == 31:
            return BREAK
        if info < 24:
            return None
        if info == 24:
            self.read(1)
            return None
        raise ValueError(f"unsupported simple value {info}")


def cbor_decode(data):
    if not data:
        return {}
    decoder = CborDecoder(data)
    value = decoder.item()
    if decoder.pos != len(data):
        raise ValueError("trailing bytes after the CBOR item")
    return value


def _cbor_head(major, argument, out):
    if argument < 24:
        out.append((major << 5) | argument)
    elif argument < 0x100:
        out.append((major << 5) | 24)
        out.append(argument)
    elif argument < 0x10000:
        out.append((major << 5) | 25)
        out.extend(argument.to_bytes(2, "big"))
    elif argument < 0x100000000:
        out.append((major << 5) | 26)
        out.extend(argument.to_bytes(4, "big"))
    else:
        out.append((major << 5) | 27)
        out.extend(argument.to_bytes(8, "big"))


def cbor_encode(value, out=None):
    out = bytearray() if out is None else out
    if value is None:
        out.append(0xF6)
    elif value is True:
        out.append(0xF5)
    elif value is False:
        out.append(0xF4)
    elif isinstance(value, EpochSeconds):
        out.append(0xC1)
        out.append(0xFB)
        out.extend(struct.pack(">d", float(value)))
    elif isinstance(value, int):
        if value >= 0:
            _cbor_head(0, value, out)
        else:
            _cbor_head(1, -1 - value, out)
    elif isinstance(value, float):
        out.append(0xFB)
        out.extend(struct.pack(">d", value))
    elif isinstance(value, str):
        encoded = value.encode("utf-8")
        _cbor_head(3, len(encoded), out)
        out.extend(encoded)
    elif isinstance(value, (bytes, bytearray)):
        _cbor_head(2, len(value), out)
        out.extend(value)
    elif isinstance(value, (list, tuple)):
        _cbor_head(4, len(value), out)
        for item in value:
            cbor_encode(item, out)
    elif isinstance(value, dict):
        _cbor_head(5, len(value), out)
        for key, item in value.items():
            cbor_encode(key, out)
            cbor_encode(item, out)
    else:
        raise TypeError(f"cannot encode {type(value).__name__} as CBOR")
    return bytes(out)


# ---------------------------------------------------------------- Smithy RPC v2 CBOR <-> awsJson1_0

RPC_V2_PATH = re.compile(r"^/service/([^/]+)/operation/([^/]+)$")
# Services whose current Rust SDK speaks only rpcv2Cbor and that moto serves over awsJson1_0:
# the Smithy service name (the JSON target prefix) and the botocore service name.
RPC_V2_SERVICES = {"GraniteServiceVersion20100801": "cloudwatch"}
_SERVICE_MODELS = {}


def _service_model(name):
    if name not in _SERVICE_MODELS:
        import botocore.session

        _SERVICE_MODELS[name] = botocore.session.get_session().get_service_model(name)
    return _SERVICE_MODELS[name]


def _cbor_to_json_value(value):
    if isinstance(value, EpochSeconds):
        return float(value)
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, list):
        return [_cbor_to_json_value(item) for item in value]
    if isinstance(value, dict):
        return {key: _cbor_to_json_value(item) for key, item in value.items()}
    return value


def _epoch(value):
    if isinstance(value, (int, float)):
        return EpochSeconds(float(value))
    text = str(value).strip()
    try:
        return EpochSeconds(float(text))
    except ValueError:
        pass
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    parsed = datetime.datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.timezone.utc)
    return EpochSeconds(parsed.timestamp())


def _json_to_cbor_value(value, shape):
    """Types a JSON value by its botocore shape, so the SDK reads the CBOR it expects."""
    if value is None:
        return None
    kind = getattr(shape, "type_name", None)
    if kind == "structure" and isinstance(value, dict):
        members = shape.members
        return {
            key: _json_to_cbor_value(item, members.get(key))
            for key, item in value.items()
            if item is not None
        }
    if kind == "list" and isinstance(value, list):
        return [_json_to_cbor_value(item, shape.member) for item in value]
    if kind == "map" and isinstance(value, dict):
        return {key: _json_to_cbor_value(item, shape.value) for key, item in value.items()}
    if kind == "timestamp":
        return _epoch(value)
    if kind in ("double", "float"):
        return float(value)
    if kind in ("integer", "long", "short", "byte"):
        return int(value)
    if kind == "boolean":
        return value if isinstance(value, bool) else str(value).lower() == "true"
    if kind == "blob" and isinstance(value, str):
        return base64.b64decode(value)
    if kind is None:
        if isinstance(value, dict):
            return {key: _json_to_cbor_value(item, None) for key, item in value.items()}
        if isinstance(value, list):
            return [_json_to_cbor_value(item, None) for item in value]
    return value


def rpc_v2_request(environ):
    """Rewrites an rpcv2Cbor request into awsJson1_0 in place; returns what the answer needs."""
    if environ.get("REQUEST_METHOD") != "POST":
        return None
    match = RPC_V2_PATH.match(environ.get("PATH_INFO", ""))
    if not match or match.group(1) not in RPC_V2_SERVICES:
        return None
    if environ.get("HTTP_SMITHY_PROTOCOL", "").lower() != "rpc-v2-cbor":
        return None
    service, operation = match.group(1), match.group(2)
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length > 0 else b""
    payload = json.dumps(_cbor_to_json_value(cbor_decode(body))).encode("utf-8")
    environ["PATH_INFO"] = "/"
    environ["RAW_URI"] = "/"
    environ["REQUEST_URI"] = "/"
    environ["QUERY_STRING"] = ""
    environ["CONTENT_TYPE"] = "application/x-amz-json-1.0"
    environ["HTTP_X_AMZ_TARGET"] = f"{service}.{operation}"
    environ["CONTENT_LENGTH"] = str(len(payload))
    environ["wsgi.input"] = io.BytesIO(payload)
    environ.pop("HTTP_CONTENT_ENCODING", None)
    return (RPC_V2_SERVICES[service], operation)


def rpc_v2_response(context, status, headers, body):
    """Turns moto's awsJson1_0 answer into the rpcv2Cbor answer the SDK reads."""
    service, operation = context
    try:
        value = json.loads(body) if body.strip() else {}
    except ValueError:
        value = {"__type": "InternalFailure", "message": body.decode("utf-8", "replace")}
    code = int(status.split()[0])
    if code < 300:
        try:
            shape = _service_model(service).operation_model(operation).output_shape
        except Exception:  # an unknown operation: answer untyped rather than fail
            shape = None
        value = _json_to_cbor_value(value, shape) if shape is not None else _json_to_cbor_value(value, None)
        if not isinstance(value, dict):
            value = {}
    else:
        value = _json_to_cbor_value(value if isinstance(value, dict) else {}, None)
    headers = [
        (name, header)
        for (name, header) in headers
        if name.lower() not in ("content-type", "x-amz-crc32", "smithy-protocol")
    ]
    headers.append(("Content-Type", "application/cbor"))
    headers.append(("smithy-protocol", "rpc-v2-cbor"))
    return status, headers, cbor_encode(value)


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
