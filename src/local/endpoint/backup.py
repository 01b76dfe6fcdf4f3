"""AWS Backup calls moto 5.2.5 does not serve, and the ones it serves in a way a client trips on,
answered on moto's own per-account and per-region backend objects (moto.backup.models).

moto serves vaults (create, describe, list, delete, lock) and plans (create, get, list, delete)
and tags. Emulated here, from botocore's model of the REST-JSON API (paths, fields, errors):
- PutBackupVaultAccessPolicy, GetBackupVaultAccessPolicy, DeleteBackupVaultAccessPolicy and
  PutBackupVaultNotifications, GetBackupVaultNotifications, DeleteBackupVaultNotifications: kept
  on moto's Vault object, so they go with the vault.
- UpdateBackupPlan: a new version of the plan document (new VersionId), its rules' defaults
  filled by moto's own Plan (ScheduleExpression, StartWindowMinutes, CompletionWindowMinutes,
  ScheduleExpressionTimezone, RuleId); the versions replaced stay readable by VersionId.
- CreateBackupSelection, GetBackupSelection, ListBackupSelections (paged), DeleteBackupSelection:
  kept on moto's Plan object. As AWS, a selection needs Resources or ListOfTags, and reads back
  with the lists and conditions it was not given as empty ones.
Answered here instead of by moto, where moto departs from AWS:
- CreateBackupPlan: moto refuses the name of a deleted plan; AWS only that of a live one. The
  plan of a matching CreatorRequestId is returned (AWS's documented retry).
- GetBackupPlan: AWS answers ResourceNotFoundException for a deleted plan unless a VersionId is
  given (moto returns it with its DeletionDate); old versions are read by VersionId; the plan
  document carries no AdvancedBackupSettings (they are a field of the answer).
- DeleteBackupPlan: InvalidRequestException while the plan has selections; a deleted plan is
  not found again.
- ListBackupPlans: moto reads includeDeleted=false as true; pages by MaxResults and NextToken.
- DescribeBackupVault: moto's answer lacks NumberOfRecoveryPoints and VaultType.
- DeleteBackupVault: InvalidRequestException for a vault whose lock became immutable (its
  ChangeableForDays passed) or that holds recovery points, ResourceNotFoundException for a
  missing vault (moto deletes anything, and keeps a deleted vault's tags for its namesake).
- ListTags, TagResource, UntagResource of a vault or plan of this account and region that does
  not exist: ResourceNotFoundException (moto tags any ARN). moto answers the rest.
This is an emulation: no backup job ever runs, no IAM role or SNS topic is checked.
"""

import copy
import json
import re
from urllib.parse import parse_qs, unquote


_ALL_CONDITIONS = ("StringEquals", "StringNotEquals", "StringLike", "StringNotLike")
_SELECTION_NAME = re.compile(r"^[a-zA-Z0-9\-\_\.]{1,50}$")
_PLAN_NOT_FOUND = "Failed reading Backup plan with provided version"
_VAULT_EVENTS = {
    "BACKUP_JOB_STARTED", "BACKUP_JOB_COMPLETED", "BACKUP_JOB_SUCCESSFUL", "BACKUP_JOB_FAILED",
    "BACKUP_JOB_EXPIRED", "RESTORE_JOB_STARTED", "RESTORE_JOB_COMPLETED",
    "RESTORE_JOB_SUCCESSFUL", "RESTORE_JOB_FAILED", "COPY_JOB_STARTED", "COPY_JOB_SUCCESSFUL",
    "COPY_JOB_FAILED", "RECOVERY_POINT_MODIFIED", "BACKUP_PLAN_CREATED", "BACKUP_PLAN_MODIFIED",
    "S3_BACKUP_OBJECT_FAILED", "S3_RESTORE_OBJECT_FAILED", "CONTINUOUS_BACKUP_INTERRUPTED",
    "RECOVERY_POINT_INDEX_COMPLETED", "RECOVERY_POINT_INDEX_DELETED",
    "RECOVERY_POINT_INDEXING_FAILED", "EKS_RESTORE_OBJECT_FAILED", "EKS_RESTORE_OBJECT_SKIPPED",
    "EKS_BACKUP_OBJECT_FAILED", "EKS_RESTORE_MODIFICATION_SUCCESS",
    "EKS_RESTORE_MODIFICATION_FAILED", "ACCESS_POINT_AVAILABLE", "ACCESS_POINT_CREATION_FAILED",
    "ACCESS_POINT_DELETED", "ACCESS_POINT_DELETION_FAILED", "ACCESS_POINT_EXPIRED",
    "ACCESS_POINT_DISASSOCIATED",
}


def _error(error_type, message, **fields):
    status, headers, body = _answer(400, message, error_type)
    if fields:
        body = json.dumps({**json.loads(body), **fields}).encode()
    return status, headers, body


def _now():
    from moto.core.utils import unix_time

    return unix_time()


def _page(environ, items):
    """One page of items by the maxResults and nextToken query parameters (the token is the
    offset of the page), with the next token or None; or an error answer."""
    query = parse_qs(environ.get("QUERY_STRING", ""))
    token = (query.get("nextToken") or ["0"])[0]
    size = (query.get("maxResults") or ["1000"])[0]
    if not token.isdigit() or int(token) > len(items):
        return None, None, _error("InvalidParameterValueException", f"Invalid NextToken {token!r}")
    if not size.isdigit() or not 1 <= int(size) <= 1000:
        return None, None, _error("InvalidParameterValueException", "MaxResults must be between 1 and 1000")
    start, end = int(token), int(token) + int(size)
    return items[start:end], (str(end) if end < len(items) else None), None


# ------------------------------------------------------------------------------------ vaults

def _vault_not_found(name):
    return _error("ResourceNotFoundException", f"Backup vault {name} not found")


def _describe_vault(backend, name):
    vault = backend.vaults.get(name)
    if vault is None:
        return _vault_not_found(name)
    answer = {
        "BackupVaultName": vault.backup_vault_name,
        "BackupVaultArn": vault.backup_vault_arn,
        "VaultType": "BACKUP_VAULT",
        "EncryptionKeyArn": vault.encryption_key_arn,
        "CreationDate": vault.creation_date,
        "CreatorRequestId": vault.creator_request_id,
        "NumberOfRecoveryPoints": vault.num_of_recovery_points,
        "Locked": bool(vault.locked),
        "MinRetentionDays": vault.min_retention_days,
        "MaxRetentionDays": vault.max_retention_days,
        "LockDate": vault.lock_date,
    }
    return _answer(200, {k: v for k, v in answer.items() if v is not None})


def _delete_vault(backend, name):
    vault = backend.vaults.get(name)
    if vault is None:
        return _vault_not_found(name)
    if vault.lock_date is not None and _now() >= vault.lock_date:
        return _error("InvalidRequestException",
                      f"Backup vault {name} cannot be deleted: its Vault Lock is immutable")
    if vault.num_of_recovery_points:
        return _error("InvalidRequestException",
                      "Backup vault cannot be deleted because it contains recovery points.")
    backend.vaults.pop(name, None)
    backend.tagger.delete_all_tags_for_resource(vault.backup_vault_arn)
    return _answer(200, {})


def _access_policy(environ, backend, name, method):
    vault = backend.vaults.get(name)
    if vault is None:
        return _vault_not_found(name)
    if method == "PUT":
        policy = _request_json(environ).get("Policy")
        if not policy:
            return _error("MissingParameterValueException", "Policy must not be empty")
        try:
            if not isinstance(json.loads(policy), dict):
                raise ValueError(policy)
        except (TypeError, ValueError):
            return _error("InvalidParameterValueException", "Policy is not a valid JSON policy document")
        vault._hipaa_aws_access_policy = policy
        return _answer(200, {})
    if method == "GET":
        policy = getattr(vault, "_hipaa_aws_access_policy", None)
        if policy is None:
            return _error("ResourceNotFoundException", f"Backup vault {name} has no access policy")
        return _answer(200, {"BackupVaultName": name, "BackupVaultArn": vault.backup_vault_arn, "Policy": policy})
    if method == "DELETE":
        vault._hipaa_aws_access_policy = None
        return _answer(200, {})
    return None


def _notifications(environ, backend, name, method):
    vault = backend.vaults.get(name)
    if vault is None:
        return _vault_not_found(name)
    if method == "PUT":
        request = _request_json(environ)
        topic, events = request.get("SNSTopicArn"), request.get("BackupVaultEvents")
        if not topic or events is None:
            return _error("MissingParameterValueException", "SNSTopicArn and BackupVaultEvents are required")
        if not isinstance(topic, str) or not topic.startswith("arn:") or ":sns:" not in topic:
            return _error("InvalidParameterValueException", f"Invalid SNSTopicArn {topic!r}")
        unknown = [e for e in events if e not in _VAULT_EVENTS] if isinstance(events, list) else [events]
        if unknown:
            return _error("InvalidParameterValueException", f"Invalid BackupVaultEvents {unknown!r}")
        vault._hipaa_aws_notifications = {"SNSTopicArn": topic, "BackupVaultEvents": list(events)}
        return _answer(200, {})
    if method == "GET":
        notifications = getattr(vault, "_hipaa_aws_notifications", None)
        if notifications is None:
            return _error("ResourceNotFoundException", f"Backup vault {name} has no notifications")
        return _answer(200, {"BackupVaultName": name, "BackupVaultArn": vault.backup_vault_arn,
                             "SNSTopicArn": notifications["SNSTopicArn"],
                             "BackupVaultEvents": list(notifications["BackupVaultEvents"])})
    if method == "DELETE":
        vault._hipaa_aws_notifications = None
        return _answer(200, {})
    return None


# ------------------------------------------------------------------------------------- plans

def _live_plan(backend, plan_id):
    plan = backend.plans.get(plan_id)
    return plan if plan is not None and plan.deletion_date is None else None


def _selections(plan):
    return plan.__dict__.setdefault("_hipaa_aws_selections", {})


def _versions(plan):
    """The versions a plan had before its current one: VersionId -> (document, settings)."""
    return plan.__dict__.setdefault("_hipaa_aws_versions", {})


def _plan_document(request):
    document = request.get("BackupPlan")
    if not isinstance(document, dict) or not document.get("BackupPlanName"):
        return None
    if not isinstance(document.get("Rules"), list):
        return None
    for rule in document["Rules"]:
        if not isinstance(rule, dict) or not rule.get("RuleName") or not rule.get("TargetBackupVaultName"):
            return None
    return document


def _plan_written(plan):
    """The answer of CreateBackupPlan and UpdateBackupPlan (moto's own to_dict)."""
    return _answer(200, plan.to_dict())


def _create_plan(environ, backend):
    from moto.backup.models import Plan

    request = _request_json(environ)
    document = _plan_document(request)
    if document is None:
        return _error("MissingParameterValueException",
                      "BackupPlan needs a BackupPlanName and Rules, each with a RuleName and a TargetBackupVaultName")
    live = [p for p in backend.plans.values() if p.deletion_date is None]
    request_id = request.get("CreatorRequestId")
    for plan in live:
        if request_id and plan.creator_request_id == request_id:
            return _plan_written(plan)
    for plan in live:
        if plan.backup_plan.get("BackupPlanName") == document["BackupPlanName"]:
            return _error("AlreadyExistsException", "Backup plan with the same plan document already exists",
                          Arn=plan.backup_plan_arn, CreatorRequestId=plan.creator_request_id)
    plan = Plan(backup_plan=document, creator_request_id=request_id, backend=backend)
    if request.get("BackupPlanTags"):
        backend.tag_resource(plan.backup_plan_arn, request["BackupPlanTags"])
    backend.plans[plan.backup_plan_id] = plan
    return _plan_written(plan)


def _list_plans(environ, backend):
    query = parse_qs(environ.get("QUERY_STRING", ""))
    include_deleted = (query.get("includeDeleted") or ["false"])[0].lower() == "true"
    plans = [p for p in backend.plans.values() if include_deleted or p.deletion_date is None]
    page, token, failed = _page(environ, plans)
    if failed:
        return failed
    answer = {"BackupPlansList": [p.to_list_dict() for p in page]}
    if token:
        answer["NextToken"] = token
    return _answer(200, answer)


def _get_plan(environ, backend, plan_id):
    plan = backend.plans.get(plan_id)
    version = (parse_qs(environ.get("QUERY_STRING", "")).get("versionId") or [None])[0]
    if plan is None or (plan.deletion_date is not None and not version):
        return _error("ResourceNotFoundException", _PLAN_NOT_FOUND)
    answer = plan.to_get_dict()
    if version and version != plan.version_id:
        if version not in _versions(plan):
            return _error("ResourceNotFoundException", _PLAN_NOT_FOUND)
        document, settings = _versions(plan)[version]
        answer.update(BackupPlan=document, VersionId=version, AdvancedBackupSettings=settings)
        if not settings:
            answer.pop("AdvancedBackupSettings")
    answer["BackupPlan"] = {k: v for k, v in answer["BackupPlan"].items() if k != "AdvancedBackupSettings"}
    return _answer(200, answer)


def _update_plan(environ, backend, plan_id):
    from moto.backup.models import Plan

    plan = _live_plan(backend, plan_id)
    if plan is None:
        return _error("ResourceNotFoundException", _PLAN_NOT_FOUND)
    document = _plan_document(_request_json(environ))
    if document is None:
        return _error("MissingParameterValueException",
                      "BackupPlan needs a BackupPlanName and Rules, each with a RuleName and a TargetBackupVaultName")
    # moto's Plan fills the rules' defaults, a RuleId and a new VersionId; only those are kept.
    version = Plan(backup_plan=document, creator_request_id=plan.creator_request_id, backend=backend)
    _versions(plan)[plan.version_id] = (plan.backup_plan, plan.advanced_backup_settings)
    plan.backup_plan = version.backup_plan
    plan.version_id = version.version_id
    plan.advanced_backup_settings = version.advanced_backup_settings
    return _plan_written(plan)


def _delete_plan(backend, plan_id):
    plan = _live_plan(backend, plan_id)
    if plan is None:
        return _error("ResourceNotFoundException", _PLAN_NOT_FOUND)
    if _selections(plan):
        return _error("InvalidRequestException",
                      "Related backup plan selections must be deleted prior to backup plan deletion!")
    plan_id, arn, deleted, version = backend.delete_backup_plan(plan_id)
    return _answer(200, {"BackupPlanId": plan_id, "BackupPlanArn": arn, "DeletionDate": deleted, "VersionId": version})


# -------------------------------------------------------------------------------- selections

def _plan_missing(plan_id):
    return _error("ResourceNotFoundException", f"Backup plan {plan_id} not found")


def _create_selection(environ, backend, plan_id):
    from moto.moto_api._internal import mock_random

    plan = _live_plan(backend, plan_id)
    if plan is None:
        return _plan_missing(plan_id)
    request = _request_json(environ)
    given = request.get("BackupSelection")
    if not isinstance(given, dict) or not given.get("SelectionName") or not given.get("IamRoleArn"):
        return _error("MissingParameterValueException", "BackupSelection needs a SelectionName and an IamRoleArn")
    if not _SELECTION_NAME.match(str(given["SelectionName"])):
        return _error("InvalidParameterValueException", f"Invalid SelectionName {given['SelectionName']!r}")
    if not given.get("Resources") and not given.get("ListOfTags"):
        return _error("InvalidParameterValueException",
                      "Invalid backup selection. Either 'ListOfTags' or 'Resources' section must be non-empty.")
    conditions = given.get("Conditions") or {}
    selection = {
        "SelectionName": given["SelectionName"],
        "IamRoleArn": given["IamRoleArn"],
        "Resources": list(given.get("Resources") or []),
        "ListOfTags": copy.deepcopy(given.get("ListOfTags") or []),
        "NotResources": list(given.get("NotResources") or []),
        "Conditions": {key: copy.deepcopy(conditions.get(key) or []) for key in _ALL_CONDITIONS},
    }
    selection_id, created = str(mock_random.uuid4()), _now()
    _selections(plan)[selection_id] = {
        "BackupSelection": selection,
        "SelectionId": selection_id,
        "BackupPlanId": plan.backup_plan_id,
        "CreationDate": created,
        "CreatorRequestId": request.get("CreatorRequestId"),
    }
    return _answer(200, {"SelectionId": selection_id, "BackupPlanId": plan.backup_plan_id, "CreationDate": created})


def _list_selections(environ, backend, plan_id):
    plan = _live_plan(backend, plan_id)
    if plan is None:
        return _plan_missing(plan_id)
    page, token, failed = _page(environ, list(_selections(plan).values()))
    if failed:
        return failed
    members = []
    for stored in page:
        member = {
            "SelectionId": stored["SelectionId"],
            "SelectionName": stored["BackupSelection"]["SelectionName"],
            "BackupPlanId": stored["BackupPlanId"],
            "CreationDate": stored["CreationDate"],
            "CreatorRequestId": stored["CreatorRequestId"],
            "IamRoleArn": stored["BackupSelection"]["IamRoleArn"],
        }
        members.append({k: v for k, v in member.items() if v is not None})
    answer = {"BackupSelectionsList": members}
    if token:
        answer["NextToken"] = token
    return _answer(200, answer)


def _selection(environ, backend, plan_id, selection_id, method):
    plan = _live_plan(backend, plan_id)
    if plan is None:
        return _plan_missing(plan_id)
    stored = _selections(plan).get(selection_id)
    if stored is None:
        return _error("ResourceNotFoundException", f"Backup selection {selection_id} not found in plan {plan_id}")
    if method == "GET":
        answer = copy.deepcopy(stored)
        return _answer(200, {k: v for k, v in answer.items() if v is not None})
    if method == "DELETE":
        _selections(plan).pop(selection_id, None)
        return _answer(200, {})
    return None


# -------------------------------------------------------------------------------------- tags

def _tagged_resource_missing(backend, account, region, arn):
    """A ResourceNotFoundException answer for the ARN of a vault or plan of this account and
    region that does not exist; None for every other ARN (moto answers)."""
    parts = arn.split(":", 6)
    if len(parts) != 7 or parts[2] != "backup" or parts[3] != region or parts[4] != account:
        return None
    if parts[5] == "backup-vault" and parts[6] not in backend.vaults:
        return _error("ResourceNotFoundException", f"Resource {arn} not found")
    if parts[5] == "backup-plan" and parts[6] not in backend.plans:
        return _error("ResourceNotFoundException", f"Resource {arn} not found")
    return None


def _tags(environ, backend, method, untag, arn):
    """ListTags, TagResource and UntagResource. moto reads the ARN from a fixed position of the
    path, which is wrong when the SDK sends it without the model's trailing slash (the Rust SDK
    does), so these are answered here for every ARN."""
    if untag and method == "POST":
        backend.untag_resource(arn, _request_json(environ).get("TagKeyList") or [])
        return _answer(200, {})
    if method == "POST":
        backend.tag_resource(arn, _request_json(environ).get("Tags") or {})
        return _answer(200, {})
    if method == "GET":
        return _answer(200, {"Tags": backend.list_tags(arn)})
    return None


# ----------------------------------------------------------------------------------- routing

_PLAN = r"/backup/plans/(?P<plan>[^/]+)"
_VAULT = r"/backup-vaults/(?P<vault>[^/]+)"
_ROUTES = [
    (re.compile(r"/backup/plans/?"), {
        "PUT": lambda e, b, m: _create_plan(e, b),
        "GET": lambda e, b, m: _list_plans(e, b),
    }),
    (re.compile(_PLAN + r"/?"), {
        "GET": lambda e, b, m: _get_plan(e, b, m["plan"]),
        "POST": lambda e, b, m: _update_plan(e, b, m["plan"]),
        "DELETE": lambda e, b, m: _delete_plan(b, m["plan"]),
    }),
    (re.compile(_PLAN + r"/selections/?"), {
        "PUT": lambda e, b, m: _create_selection(e, b, m["plan"]),
        "GET": lambda e, b, m: _list_selections(e, b, m["plan"]),
    }),
    (re.compile(_PLAN + r"/selections/(?P<selection>[^/]+)/?"), {
        "GET": lambda e, b, m: _selection(e, b, m["plan"], m["selection"], "GET"),
        "DELETE": lambda e, b, m: _selection(e, b, m["plan"], m["selection"], "DELETE"),
    }),
    (re.compile(_VAULT + r"/?"), {
        "GET": lambda e, b, m: _describe_vault(b, m["vault"]),
        "DELETE": lambda e, b, m: _delete_vault(b, m["vault"]),
    }),
    (re.compile(_VAULT + r"/access-policy/?"), {
        method: (lambda e, b, m, method=method: _access_policy(e, b, m["vault"], method))
        for method in ("PUT", "GET", "DELETE")
    }),
    (re.compile(_VAULT + r"/notification-configuration/?"), {
        method: (lambda e, b, m, method=method: _notifications(e, b, m["vault"], method))
        for method in ("PUT", "GET", "DELETE")
    }),
]
_TAGS = re.compile(r"/(?:tags|untag)/(?P<arn>.+?)/?")


def emulate_backup(environ):
    """Answers the emulated AWS Backup calls; None for every other request (moto answers)."""
    scope = _request_scope(environ)
    if scope is None or scope[2] != "backup":
        return None
    access_key, region, _ = scope
    from moto.backup.models import backup_backends

    account = _account(environ, access_key)
    backend = backup_backends[account][region]
    method = environ.get("REQUEST_METHOD", "GET")
    path = _raw_path(environ)
    tags = _TAGS.fullmatch(path)
    if tags:
        arn = unquote(tags["arn"])
        missing = _tagged_resource_missing(backend, account, region, arn)
        if missing is not None:
            return missing
        return _tags(environ, backend, method, path.startswith("/untag/"), arn)
    for pattern, methods in _ROUTES:
        match = pattern.fullmatch(path)
        if match and method in methods:
            return methods[method](environ, backend, {k: unquote(v) for k, v in match.groupdict().items()})
    return None


# Imported last: emulations.py imports this module at its end (to register emulate_backup), and
# this module uses its helpers; either module may then be imported first.
from emulations import _account, _answer, _raw_path, _request_json, _request_scope  # noqa: E402
