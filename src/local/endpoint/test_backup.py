"""AWS Backup through the compatibility layer (backup.py), driven with boto3 as a client would:
the layer is served in-process on loopback (one server per test class), and once launched as
the library launches it (server.py in its own process)."""

import json
import logging
import os
import socket
import subprocess
import sys
import threading
import time
import unittest
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

import boto3  # noqa: E402
from botocore.config import Config  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402
from moto.backup.models import backup_backends  # noqa: E402
from moto.core import DEFAULT_ACCOUNT_ID  # noqa: E402
from moto.core.utils import unix_time  # noqa: E402
from moto.moto_server.werkzeug_app import (  # noqa: E402
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import make_server  # noqa: E402

import server  # noqa: E402

ROLE = f"arn:aws:iam::{DEFAULT_ACCOUNT_ID}:role/backup"
KEY = f"arn:aws:kms:us-east-1:{DEFAULT_ACCOUNT_ID}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
TOPIC = f"arn:aws:sns:us-east-1:{DEFAULT_ACCOUNT_ID}:backup-events"
POLICY = (
    '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*",'
    '"Action":"backup:DeleteRecoveryPoint","Resource":"*"}]}'
)
NO_CONDITIONS = {"StringEquals": [], "StringNotEquals": [], "StringLike": [], "StringNotLike": []}


def client(url, region="us-east-1"):
    return boto3.client(
        "backup", endpoint_url=url, region_name=region, aws_access_key_id="testing",
        aws_secret_access_key="testing", config=Config(retries={"max_attempts": 1}),
    )


def plan_document(name, **rule):
    return {"BackupPlanName": name, "Rules": [{"RuleName": "daily", "TargetBackupVaultName": "vault", **rule}]}


class LayerTestCase(unittest.TestCase):
    """The compatibility layer over moto, served in this process on 127.0.0.1; moto is reset
    before each test."""

    @classmethod
    def setUpClass(cls):
        cls.log = logging.getLogger("werkzeug")
        cls.log_level = cls.log.level
        cls.log.setLevel(logging.WARNING)
        app = server.CompatibilityLayer(DomainDispatcherApplication(create_backend_app))
        cls.httpd = make_server("127.0.0.1", 0, app, threaded=True, request_handler=MotoRequestHandler)
        threading.Thread(target=cls.httpd.serve_forever, daemon=True).start()
        cls.url = f"http://127.0.0.1:{cls.httpd.server_port}"
        cls.backup = client(cls.url)

    @classmethod
    def tearDownClass(cls):
        cls.httpd.shutdown()
        cls.httpd.server_close()
        cls.log.setLevel(cls.log_level)

    def setUp(self):
        urllib.request.urlopen(urllib.request.Request(self.url + "/moto-api/reset", method="POST")).close()

    def assertFails(self, code, call, *args, **kwargs):
        with self.assertRaises(ClientError) as caught:
            call(*args, **kwargs)
        self.assertEqual(caught.exception.response["Error"]["Code"], code)
        self.assertEqual(caught.exception.response["ResponseMetadata"]["HTTPStatusCode"], 400)
        return caught.exception.response["Error"]["Message"]

    def assertNotFound(self, call, *args, **kwargs):
        return self.assertFails("ResourceNotFoundException", call, *args, **kwargs)

    def moto_vault(self, name, region="us-east-1"):
        return backup_backends[DEFAULT_ACCOUNT_ID][region].vaults[name]

    def plan(self, name="plan", **rule):
        return self.backup.create_backup_plan(BackupPlan=plan_document(name, **rule))

    def selection(self, plan_id, name="selection", **fields):
        fields.setdefault("Resources", ["arn:aws:rds:us-east-1:123456789012:db:orders"])
        return self.backup.create_backup_selection(
            BackupPlanId=plan_id, BackupSelection={"SelectionName": name, "IamRoleArn": ROLE, **fields})


class VaultAccessPolicy(LayerTestCase):
    def test_put_get_replace_delete(self):
        self.backup.create_backup_vault(BackupVaultName="vault")
        self.assertNotFound(self.backup.get_backup_vault_access_policy, BackupVaultName="vault")
        self.backup.put_backup_vault_access_policy(BackupVaultName="vault", Policy=POLICY)
        got = self.backup.get_backup_vault_access_policy(BackupVaultName="vault")
        self.assertEqual(got["Policy"], POLICY)
        self.assertEqual(got["BackupVaultName"], "vault")
        self.assertEqual(got["BackupVaultArn"], f"arn:aws:backup:us-east-1:{DEFAULT_ACCOUNT_ID}:backup-vault:vault")
        replaced = POLICY.replace("Deny", "Allow")
        self.backup.put_backup_vault_access_policy(BackupVaultName="vault", Policy=replaced)
        self.assertEqual(self.backup.get_backup_vault_access_policy(BackupVaultName="vault")["Policy"], replaced)
        self.backup.delete_backup_vault_access_policy(BackupVaultName="vault")
        self.assertNotFound(self.backup.get_backup_vault_access_policy, BackupVaultName="vault")
        self.backup.delete_backup_vault_access_policy(BackupVaultName="vault")

    def test_missing_vault(self):
        for call, extra in [(self.backup.put_backup_vault_access_policy, {"Policy": POLICY}),
                            (self.backup.get_backup_vault_access_policy, {}),
                            (self.backup.delete_backup_vault_access_policy, {})]:
            with self.subTest(call=call.__name__):
                self.assertNotFound(call, BackupVaultName="missing", **extra)

    def test_a_policy_must_be_a_json_document(self):
        self.backup.create_backup_vault(BackupVaultName="vault")
        self.assertFails("InvalidParameterValueException", self.backup.put_backup_vault_access_policy,
                         BackupVaultName="vault", Policy="not a policy")


class VaultNotifications(LayerTestCase):
    def test_put_get_delete(self):
        self.backup.create_backup_vault(BackupVaultName="vault")
        self.assertNotFound(self.backup.get_backup_vault_notifications, BackupVaultName="vault")
        events = ["BACKUP_JOB_COMPLETED", "RESTORE_JOB_COMPLETED", "COPY_JOB_FAILED"]
        self.backup.put_backup_vault_notifications(BackupVaultName="vault", SNSTopicArn=TOPIC, BackupVaultEvents=events)
        got = self.backup.get_backup_vault_notifications(BackupVaultName="vault")
        self.assertEqual((got["SNSTopicArn"], got["BackupVaultEvents"]), (TOPIC, events))
        self.assertEqual(got["BackupVaultName"], "vault")
        self.assertTrue(got["BackupVaultArn"].endswith(":backup-vault:vault"))
        self.backup.delete_backup_vault_notifications(BackupVaultName="vault")
        self.assertNotFound(self.backup.get_backup_vault_notifications, BackupVaultName="vault")

    def test_missing_vault_and_unknown_event(self):
        self.assertNotFound(self.backup.put_backup_vault_notifications,
                         BackupVaultName="missing", SNSTopicArn=TOPIC, BackupVaultEvents=["BACKUP_JOB_STARTED"])
        self.assertNotFound(self.backup.get_backup_vault_notifications, BackupVaultName="missing")
        self.assertNotFound(self.backup.delete_backup_vault_notifications, BackupVaultName="missing")
        self.backup.create_backup_vault(BackupVaultName="vault")
        self.assertFails("InvalidParameterValueException", self.backup.put_backup_vault_notifications,
                         BackupVaultName="vault", SNSTopicArn=TOPIC, BackupVaultEvents=["NOT_AN_EVENT"])

    def test_policy_notifications_and_tags_go_with_the_vault(self):
        self.backup.create_backup_vault(BackupVaultName="vault", BackupVaultTags={"old": "tag"})
        self.backup.put_backup_vault_access_policy(BackupVaultName="vault", Policy=POLICY)
        self.backup.put_backup_vault_notifications(BackupVaultName="vault", SNSTopicArn=TOPIC,
                                                   BackupVaultEvents=["BACKUP_JOB_STARTED"])
        self.backup.delete_backup_vault(BackupVaultName="vault")
        arn = self.backup.create_backup_vault(BackupVaultName="vault")["BackupVaultArn"]
        self.assertNotFound(self.backup.get_backup_vault_access_policy, BackupVaultName="vault")
        self.assertNotFound(self.backup.get_backup_vault_notifications, BackupVaultName="vault")
        self.assertEqual(self.backup.list_tags(ResourceArn=arn)["Tags"], {})


class VaultDescribeAndDelete(LayerTestCase):
    def test_describe_answers_every_field(self):
        self.backup.create_backup_vault(BackupVaultName="vault", EncryptionKeyArn=KEY, CreatorRequestId="request-1")
        described = self.backup.describe_backup_vault(BackupVaultName="vault")
        self.assertEqual(described["EncryptionKeyArn"], KEY)
        self.assertEqual(described["CreatorRequestId"], "request-1")
        self.assertEqual(described["NumberOfRecoveryPoints"], 0)
        self.assertEqual(described["VaultType"], "BACKUP_VAULT")
        self.assertIs(described["Locked"], False)
        self.assertIn("CreationDate", described)
        for absent in ("MinRetentionDays", "MaxRetentionDays", "LockDate"):
            self.assertNotIn(absent, described)
        self.backup.put_backup_vault_lock_configuration(
            BackupVaultName="vault", MinRetentionDays=7, MaxRetentionDays=35, ChangeableForDays=3)
        locked = self.backup.describe_backup_vault(BackupVaultName="vault")
        self.assertIs(locked["Locked"], True)
        self.assertEqual((locked["MinRetentionDays"], locked["MaxRetentionDays"]), (7, 35))
        days = (locked["LockDate"] - locked["CreationDate"]).total_seconds() / 86400
        self.assertAlmostEqual(days, 3, places=2)
        self.assertEqual(locked["NumberOfRecoveryPoints"], 0)

    def test_missing_vault(self):
        self.assertNotFound(self.backup.describe_backup_vault, BackupVaultName="missing")
        self.assertNotFound(self.backup.delete_backup_vault, BackupVaultName="missing")

    def test_a_vault_locked_in_governance_mode_or_grace_time_is_deleted(self):
        self.backup.create_backup_vault(BackupVaultName="governance")
        self.backup.put_backup_vault_lock_configuration(BackupVaultName="governance", MinRetentionDays=7)
        self.backup.create_backup_vault(BackupVaultName="grace")
        self.backup.put_backup_vault_lock_configuration(
            BackupVaultName="grace", MinRetentionDays=7, ChangeableForDays=3)
        self.backup.delete_backup_vault(BackupVaultName="governance")
        self.backup.delete_backup_vault(BackupVaultName="grace")
        self.assertEqual(self.backup.list_backup_vaults()["BackupVaultList"], [])

    def test_a_vault_whose_lock_became_immutable_is_kept(self):
        self.backup.create_backup_vault(BackupVaultName="vault")
        self.backup.put_backup_vault_lock_configuration(
            BackupVaultName="vault", MinRetentionDays=7, ChangeableForDays=3)
        self.moto_vault("vault").lock_date = unix_time() - 1  # the three days have passed
        self.assertFails("InvalidRequestException", self.backup.delete_backup_vault, BackupVaultName="vault")
        self.assertFails("InvalidRequestException", self.backup.delete_backup_vault_lock_configuration,
                         BackupVaultName="vault")
        self.assertEqual(self.backup.describe_backup_vault(BackupVaultName="vault")["BackupVaultName"], "vault")

    def test_a_vault_with_recovery_points_is_kept(self):
        self.backup.create_backup_vault(BackupVaultName="vault")
        self.moto_vault("vault").num_of_recovery_points = 1
        self.assertFails("InvalidRequestException", self.backup.delete_backup_vault, BackupVaultName="vault")


class Plans(LayerTestCase):
    def test_the_name_of_a_deleted_plan_is_free(self):
        first = self.plan("plan")
        self.assertFails("AlreadyExistsException", self.plan, "plan")
        self.backup.delete_backup_plan(BackupPlanId=first["BackupPlanId"])
        second = self.plan("plan")
        self.assertNotEqual(second["BackupPlanId"], first["BackupPlanId"])
        self.assertFails("AlreadyExistsException", self.plan, "plan")

    def test_a_repeated_creator_request_id_returns_the_plan(self):
        first = self.backup.create_backup_plan(BackupPlan=plan_document("plan"), CreatorRequestId="retry-1")
        again = self.backup.create_backup_plan(BackupPlan=plan_document("plan"), CreatorRequestId="retry-1")
        self.assertEqual(again["BackupPlanId"], first["BackupPlanId"])
        self.assertEqual(len(self.backup.list_backup_plans()["BackupPlansList"]), 1)

    def test_a_deleted_plan_is_read_only_by_version(self):
        created = self.plan()
        plan_id = created["BackupPlanId"]
        deleted = self.backup.delete_backup_plan(BackupPlanId=plan_id)
        self.assertEqual((deleted["BackupPlanId"], deleted["VersionId"]), (plan_id, created["VersionId"]))
        self.assertIn("DeletionDate", deleted)
        self.assertNotFound(self.backup.get_backup_plan, BackupPlanId=plan_id)
        by_version = self.backup.get_backup_plan(BackupPlanId=plan_id, VersionId=created["VersionId"])
        self.assertEqual(by_version["DeletionDate"], deleted["DeletionDate"])
        self.assertNotFound(self.backup.delete_backup_plan, BackupPlanId=plan_id)

    def test_missing_plan_or_version(self):
        self.assertNotFound(self.backup.get_backup_plan, BackupPlanId="missing")
        self.assertNotFound(self.backup.delete_backup_plan, BackupPlanId="missing")
        plan_id = self.plan()["BackupPlanId"]
        self.assertNotFound(self.backup.get_backup_plan, BackupPlanId=plan_id, VersionId="nope")

    def test_update_replaces_the_document_with_defaults_filled(self):
        copy_to = f"arn:aws:backup:us-west-2:{DEFAULT_ACCOUNT_ID}:backup-vault:copies"
        created = self.plan("plan", ScheduleExpression="cron(0 1 * * ? *)")
        plan_id = created["BackupPlanId"]
        updated = self.backup.update_backup_plan(BackupPlanId=plan_id, BackupPlan={
            "BackupPlanName": "plan",
            "Rules": [
                {"RuleName": "hourly", "TargetBackupVaultName": "vault", "ScheduleExpression": "cron(0 * * * ? *)",
                 "StartWindowMinutes": 60, "Lifecycle": {"DeleteAfterDays": 35},
                 "CopyActions": [{"DestinationBackupVaultArn": copy_to, "Lifecycle": {"DeleteAfterDays": 90}}]},
                {"RuleName": "defaults", "TargetBackupVaultName": "vault"},
            ],
            "AdvancedBackupSettings": [{"ResourceType": "EC2", "BackupOptions": {"WindowsVSS": "enabled"}}],
        })
        self.assertEqual((updated["BackupPlanId"], updated["BackupPlanArn"]), (plan_id, created["BackupPlanArn"]))
        self.assertNotEqual(updated["VersionId"], created["VersionId"])
        self.assertEqual(updated["AdvancedBackupSettings"][0]["ResourceType"], "EC2")
        got = self.backup.get_backup_plan(BackupPlanId=plan_id)
        self.assertEqual(got["VersionId"], updated["VersionId"])
        self.assertEqual(got["AdvancedBackupSettings"], updated["AdvancedBackupSettings"])
        self.assertNotIn("AdvancedBackupSettings", got["BackupPlan"])
        hourly, defaults = got["BackupPlan"]["Rules"]
        self.assertEqual((hourly["ScheduleExpression"], hourly["StartWindowMinutes"]), ("cron(0 * * * ? *)", 60))
        copy_action = {"DestinationBackupVaultArn": copy_to, "Lifecycle": {"DeleteAfterDays": 90}}
        self.assertEqual(hourly["CopyActions"], [copy_action])
        self.assertEqual(hourly["Lifecycle"], {"DeleteAfterDays": 35})
        self.assertEqual(
            (defaults["ScheduleExpression"], defaults["StartWindowMinutes"], defaults["CompletionWindowMinutes"],
             defaults["ScheduleExpressionTimezone"]),
            ("cron(0 5 ? * * *)", 480, 10080, "Etc/UTC"))
        self.assertTrue(hourly["RuleId"] and defaults["RuleId"] and hourly["RuleId"] != defaults["RuleId"])
        old = self.backup.get_backup_plan(BackupPlanId=plan_id, VersionId=created["VersionId"])
        self.assertEqual([r["RuleName"] for r in old["BackupPlan"]["Rules"]], ["daily"])
        self.assertEqual(old["BackupPlan"]["Rules"][0]["ScheduleExpression"], "cron(0 1 * * ? *)")
        self.assertNotIn("AdvancedBackupSettings", old)
        listed = self.backup.list_backup_plans()["BackupPlansList"]
        self.assertEqual([p["VersionId"] for p in listed], [updated["VersionId"]])

    def test_update_of_a_missing_or_deleted_plan(self):
        self.assertNotFound(self.backup.update_backup_plan,
                         BackupPlanId="missing", BackupPlan=plan_document("plan"))
        plan_id = self.plan()["BackupPlanId"]
        self.backup.delete_backup_plan(BackupPlanId=plan_id)
        self.assertNotFound(self.backup.update_backup_plan,
                         BackupPlanId=plan_id, BackupPlan=plan_document("plan"))

    def test_a_plan_with_selections_is_not_deleted(self):
        plan_id = self.plan()["BackupPlanId"]
        selection_id = self.selection(plan_id)["SelectionId"]
        message = self.assertFails("InvalidRequestException", self.backup.delete_backup_plan, BackupPlanId=plan_id)
        self.assertEqual(message, "Related backup plan selections must be deleted prior to backup plan deletion!")
        self.assertNotIn("DeletionDate", self.backup.get_backup_plan(BackupPlanId=plan_id))
        self.backup.delete_backup_selection(BackupPlanId=plan_id, SelectionId=selection_id)
        self.assertIn("DeletionDate", self.backup.delete_backup_plan(BackupPlanId=plan_id))

    def test_list_include_deleted_and_pages(self):
        ids = [self.plan(f"plan-{n}")["BackupPlanId"] for n in range(3)]
        self.backup.delete_backup_plan(BackupPlanId=ids[0])
        live = [p["BackupPlanId"] for p in self.backup.list_backup_plans()["BackupPlansList"]]
        self.assertEqual(live, ids[1:])
        excluded = self.backup.list_backup_plans(IncludeDeleted=False)["BackupPlansList"]
        self.assertEqual([p["BackupPlanId"] for p in excluded], ids[1:])
        every = self.backup.list_backup_plans(IncludeDeleted=True)["BackupPlansList"]
        self.assertEqual([p["BackupPlanId"] for p in every], ids)
        self.assertIn("DeletionDate", every[0])
        self.assertEqual(every[1]["BackupPlanName"], "plan-1")
        first = self.backup.list_backup_plans(IncludeDeleted=True, MaxResults=2)
        self.assertEqual(len(first["BackupPlansList"]), 2)
        rest = self.backup.list_backup_plans(IncludeDeleted=True, MaxResults=2, NextToken=first["NextToken"])
        self.assertEqual([p["BackupPlanId"] for p in rest["BackupPlansList"]], ids[2:])
        self.assertNotIn("NextToken", rest)

    def test_tags_of_plans_and_vaults(self):
        created = self.backup.create_backup_plan(BackupPlan=plan_document("plan"), BackupPlanTags={"team": "a"})
        arn = created["BackupPlanArn"]
        self.assertEqual(self.backup.list_tags(ResourceArn=arn)["Tags"], {"team": "a"})
        self.backup.tag_resource(ResourceArn=arn, Tags={"env": "prod", "team": "b"})
        self.backup.untag_resource(ResourceArn=arn, TagKeyList=["env"])
        self.assertEqual(self.backup.list_tags(ResourceArn=arn)["Tags"], {"team": "b"})
        vault = self.backup.create_backup_vault(BackupVaultName="vault")["BackupVaultArn"]
        self.backup.tag_resource(ResourceArn=vault, Tags={"k": "v"})
        self.assertEqual(self.backup.list_tags(ResourceArn=vault)["Tags"], {"k": "v"})
        for missing in (arn.rsplit(":", 1)[0] + ":missing", vault.rsplit(":", 1)[0] + ":missing"):
            with self.subTest(arn=missing):
                self.assertNotFound(self.backup.list_tags, ResourceArn=missing)
                self.assertNotFound(self.backup.tag_resource, ResourceArn=missing, Tags={"k": "v"})
                self.assertNotFound(self.backup.untag_resource, ResourceArn=missing, TagKeyList=["k"])


    def test_tags_are_found_when_the_arn_ends_the_path(self):
        # The Rust SDK sends /tags/{arn} without the model's trailing slash; moto read the ARN
        # from the second-to-last path segment, so it answered every vault with no tags.
        vault = self.backup.create_backup_vault(BackupVaultName="vault", BackupVaultTags={"k": "v"})["BackupVaultArn"]
        request = urllib.request.Request(
            f"{self.url}/tags/{vault}",
            headers={"Authorization": "AWS4-HMAC-SHA256 Credential=testing/20261204/us-east-1/backup/aws4_request, SignedHeaders=host, Signature=0"},
        )
        with urllib.request.urlopen(request) as answer:
            self.assertEqual(json.loads(answer.read())["Tags"], {"k": "v"})


class Selections(LayerTestCase):
    def test_create_get_list_delete(self):
        plan_id = self.plan()["BackupPlanId"]
        given = {
            "SelectionName": "orders",
            "IamRoleArn": ROLE,
            "Resources": ["arn:aws:rds:*:*:db:*", "arn:aws:dynamodb:*:*:table/*"],
            "NotResources": ["arn:aws:rds:us-east-1:123456789012:db:scratch"],
            "ListOfTags": [{"ConditionType": "STRINGEQUALS", "ConditionKey": "backup", "ConditionValue": "daily"}],
            "Conditions": {"StringEquals": [{"ConditionKey": "aws:ResourceTag/phi", "ConditionValue": "true"}]},
        }
        created = self.backup.create_backup_selection(
            BackupPlanId=plan_id, BackupSelection=given, CreatorRequestId="req-1")
        self.assertEqual(created["BackupPlanId"], plan_id)
        got = self.backup.get_backup_selection(BackupPlanId=plan_id, SelectionId=created["SelectionId"])
        expected = dict(given, Conditions=dict(NO_CONDITIONS, StringEquals=given["Conditions"]["StringEquals"]))
        self.assertEqual(got["BackupSelection"], expected)
        self.assertEqual((got["SelectionId"], got["BackupPlanId"], got["CreatorRequestId"]),
                         (created["SelectionId"], plan_id, "req-1"))
        self.assertEqual(got["CreationDate"], created["CreationDate"])
        listed = self.backup.list_backup_selections(BackupPlanId=plan_id)["BackupSelectionsList"]
        self.assertEqual(listed, [{
            "SelectionId": created["SelectionId"], "SelectionName": "orders", "BackupPlanId": plan_id,
            "CreationDate": created["CreationDate"], "CreatorRequestId": "req-1", "IamRoleArn": ROLE,
        }])
        self.backup.delete_backup_selection(BackupPlanId=plan_id, SelectionId=created["SelectionId"])
        self.assertNotFound(self.backup.get_backup_selection,
                         BackupPlanId=plan_id, SelectionId=created["SelectionId"])
        self.assertEqual(self.backup.list_backup_selections(BackupPlanId=plan_id)["BackupSelectionsList"], [])

    def test_lists_and_conditions_not_given_read_back_empty(self):
        plan_id = self.plan()["BackupPlanId"]
        selection_id = self.selection(plan_id, Resources=["arn:aws:s3:::bucket"])["SelectionId"]
        got = self.backup.get_backup_selection(BackupPlanId=plan_id, SelectionId=selection_id)["BackupSelection"]
        self.assertEqual((got["Resources"], got["NotResources"], got["ListOfTags"]), (["arn:aws:s3:::bucket"], [], []))
        self.assertEqual(got["Conditions"], NO_CONDITIONS)

    def test_a_selection_needs_resources_or_tags_and_a_valid_name(self):
        plan_id = self.plan()["BackupPlanId"]
        only_conditions = {"StringEquals": [{"ConditionKey": "aws:ResourceTag/a", "ConditionValue": "b"}]}
        message = self.assertFails("InvalidParameterValueException", self.selection, plan_id, Resources=[],
                                   Conditions=only_conditions)
        self.assertIn("'ListOfTags' or 'Resources'", message)
        self.assertFails("InvalidParameterValueException", self.selection, plan_id, name="no spaces allowed")
        self.assertEqual(self.backup.list_backup_selections(BackupPlanId=plan_id)["BackupSelectionsList"], [])

    def test_pages(self):
        plan_id = self.plan()["BackupPlanId"]
        ids = [self.selection(plan_id, name=f"s{n}")["SelectionId"] for n in range(3)]
        first = self.backup.list_backup_selections(BackupPlanId=plan_id, MaxResults=2)
        self.assertEqual([s["SelectionId"] for s in first["BackupSelectionsList"]], ids[:2])
        rest = self.backup.list_backup_selections(BackupPlanId=plan_id, MaxResults=2, NextToken=first["NextToken"])
        self.assertEqual([s["SelectionId"] for s in rest["BackupSelectionsList"]], ids[2:])
        self.assertNotIn("NextToken", rest)
        paginated = self.backup.get_paginator("list_backup_selections").paginate(
            BackupPlanId=plan_id, PaginationConfig={"PageSize": 1})
        self.assertEqual([s["SelectionId"] for page in paginated for s in page["BackupSelectionsList"]], ids)
        self.assertFails("InvalidParameterValueException", self.backup.list_backup_selections,
                         BackupPlanId=plan_id, NextToken="not-a-token")

    def test_unknown_plan_or_selection(self):
        selection = {"SelectionName": "s", "IamRoleArn": ROLE, "Resources": ["*"]}
        self.assertNotFound(self.backup.create_backup_selection,
                         BackupPlanId="missing", BackupSelection=selection)
        self.assertNotFound(self.backup.list_backup_selections, BackupPlanId="missing")
        self.assertNotFound(self.backup.get_backup_selection, BackupPlanId="missing", SelectionId="x")
        self.assertNotFound(self.backup.delete_backup_selection, BackupPlanId="missing", SelectionId="x")
        plan_id = self.plan()["BackupPlanId"]
        self.assertNotFound(self.backup.get_backup_selection, BackupPlanId=plan_id, SelectionId="x")
        self.assertNotFound(self.backup.delete_backup_selection, BackupPlanId=plan_id, SelectionId="x")
        self.backup.delete_backup_plan(BackupPlanId=plan_id)
        self.assertNotFound(self.backup.create_backup_selection,
                         BackupPlanId=plan_id, BackupSelection=selection)


class Regions(LayerTestCase):
    def test_state_is_per_region(self):
        west = client(self.url, "us-west-2")
        west.create_backup_vault(BackupVaultName="vault")
        west.put_backup_vault_access_policy(BackupVaultName="vault", Policy=POLICY)
        west_topic = TOPIC.replace("us-east-1", "us-west-2")
        west.put_backup_vault_notifications(BackupVaultName="vault", SNSTopicArn=west_topic,
                                            BackupVaultEvents=["BACKUP_JOB_COMPLETED"])
        plan_id = west.create_backup_plan(BackupPlan=plan_document("plan"))["BackupPlanId"]
        west.create_backup_selection(BackupPlanId=plan_id,
                                     BackupSelection={"SelectionName": "s", "IamRoleArn": ROLE, "Resources": ["*"]})
        east = self.backup
        self.assertNotFound(east.describe_backup_vault, BackupVaultName="vault")
        self.assertNotFound(east.get_backup_vault_access_policy, BackupVaultName="vault")
        self.assertNotFound(east.get_backup_plan, BackupPlanId=plan_id)
        self.assertNotFound(east.list_backup_selections, BackupPlanId=plan_id)
        east.create_backup_vault(BackupVaultName="vault")
        self.assertNotFound(east.get_backup_vault_notifications, BackupVaultName="vault")
        east.create_backup_plan(BackupPlan=plan_document("plan"))
        self.assertEqual(west.get_backup_vault_access_policy(BackupVaultName="vault")["Policy"], POLICY)
        self.assertEqual(len(west.list_backup_selections(BackupPlanId=plan_id)["BackupSelectionsList"]), 1)
        described = west.describe_backup_vault(BackupVaultName="vault")
        self.assertTrue(described["BackupVaultArn"].startswith("arn:aws:backup:us-west-2:"))


class Launched(unittest.TestCase):
    """server.py as the library runs it, in its own process: the emulation is registered."""

    def test_server_py_answers_the_emulated_calls(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        process = subprocess.Popen([sys.executable, os.path.join(HERE, "server.py"), "--port", str(port)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        self.fail(f"server.py did not start (exit {process.poll()})")
                    time.sleep(0.05)
            backup = client(f"http://127.0.0.1:{port}")
            backup.create_backup_vault(BackupVaultName="vault")
            backup.put_backup_vault_access_policy(BackupVaultName="vault", Policy=POLICY)
            self.assertEqual(backup.get_backup_vault_access_policy(BackupVaultName="vault")["Policy"], POLICY)
        finally:
            process.terminate()
            process.wait(timeout=10)

    def test_backup_may_be_imported_before_emulations(self):
        check = "import backup, emulations; assert emulations.EMULATIONS[-1] is backup.emulate_backup"
        subprocess.run([sys.executable, "-c", check], cwd=HERE, check=True)


if __name__ == "__main__":
    unittest.main()
