"""Smithy RPC v2 CBOR <-> awsJson1_0: requests of services whose current Rust SDK speaks only
rpcv2Cbor are translated for moto, and moto's JSON answers back to CBOR, typed by the botocore
model moto itself uses."""

import base64
import datetime
import io
import json
import math
import re
from cbor import EpochSeconds, cbor_decode, cbor_encode


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
