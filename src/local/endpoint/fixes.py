"""Fixes of moto's answers that the Rust SDK cannot read, and additions to moto's own
backends (operations and data it lacks) applied once at start. See server.py for the list."""

import json


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


def keep_s3_replication_selection_criteria():
    """moto's GetBucketReplication drops each rule's SourceSelectionCriteria (PutBucketReplication
    stores it): a rule that replicates SSE-KMS objects would read back as one that skips them.
    The stored criteria are returned as put, as AWS does; the rest of moto's answer is kept."""
    from moto.core.responses import ActionResult
    from moto.s3.exceptions import ReplicationConfigurationNotFoundError
    from moto.s3.responses import S3Response

    if getattr(S3Response, "_hipaa_aws_replication", False):
        return

    def get_bucket_replication(self):
        self.data["Action"] = "GetBucketReplication"
        replication = self.backend.get_bucket_replication(self.bucket_name)
        if not replication:
            raise ReplicationConfigurationNotFoundError(bucket_name=self.bucket_name)
        rules = []
        for rule in replication["Rule"]:
            answer = {
                "ID": rule["ID"],
                "Priority": rule["Priority"],
                "Status": rule["Status"],
                "DeleteMarkerReplication": {"Status": "Disabled"},
                "Filter": {"Prefix": ""},
                "Destination": rule["Destination"],
            }
            if rule.get("SourceSelectionCriteria"):
                answer["SourceSelectionCriteria"] = rule["SourceSelectionCriteria"]
            rules.append(answer)
        return self.serialized(
            ActionResult(
                {"ReplicationConfiguration": {"Role": replication["Role"], "Rules": rules}}
            )
        )

    S3Response.get_bucket_replication = get_bucket_replication
    S3Response._hipaa_aws_replication = True


# The AWS managed policies the library attaches (and the guide's example policy). moto loads
# none unless MOTO_IAM_LOAD_MANAGED_POLICIES is set, and loading all 1,500 into every account a
# test makes is slow; these few are loaded into every account instead.
SELECTED_AWS_MANAGED_POLICIES = (
    "AmazonRDSEnhancedMonitoringRole",
    "AWSLambdaBasicExecutionRole",
    "AWSBackupServiceRolePolicyForBackup",
    "AWSBackupServiceRolePolicyForRestores",
    "AWSBackupServiceRolePolicyForS3Backup",
    "AWSBackupServiceRolePolicyForS3Restore",
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


def snapshot_owner_and_restorable_filters():
    # moto 5.2.5 ignores DescribeSnapshots' OwnerIds and RestorableByUserIds: every account sees
    # every snapshot of the region (about 1,200 of moto's built-in images), and "which of my
    # snapshots may anyone restore" (RestorableByUserIds=all, as AWS Config's rule asks) cannot be
    # answered. AWS applies both: OwnerIds by owner ("self" is the caller), RestorableByUserIds
    # by create-volume permission ("all" is the public group, "self" the caller's own or shared).
    from moto.core.responses import ActionResult
    from moto.ec2.responses.elastic_block_store import ElasticBlockStore

    def restorable_by(snapshot, who, account):
        if who == "all":
            return "all" in snapshot.create_volume_permission_groups
        if who == "self":
            return (
                snapshot.owner_id == account
                or account in snapshot.create_volume_permission_userids
                or "all" in snapshot.create_volume_permission_groups
            )
        return who in snapshot.create_volume_permission_userids

    def describe_snapshots(self):
        filters = self._filters_from_querystring()
        snapshot_ids = self._get_param("SnapshotIds", [])
        owners = self._get_param("OwnerIds", [])
        restorable = self._get_param("RestorableByUserIds", [])
        snapshots = self.ec2_backend.describe_snapshots(
            snapshot_ids=snapshot_ids, filters=filters
        )
        account = self.ec2_backend.account_id
        if owners:
            wanted = {account if owner == "self" else owner for owner in owners}
            snapshots = [s for s in snapshots if s.owner_id in wanted]
        if restorable:
            snapshots = [
                s for s in snapshots if any(restorable_by(s, who, account) for who in restorable)
            ]
        return ActionResult({"Snapshots": snapshots})

    ElasticBlockStore.describe_snapshots = describe_snapshots


ADDITIONS = [
    snapshot_owner_and_restorable_filters,
    add_get_ebs_default_kms_key_id,
    keep_rds_monitoring_fields,
    add_selected_aws_managed_policies,
    unique_rds_automated_snapshots,
    keep_s3_replication_selection_criteria,
]
