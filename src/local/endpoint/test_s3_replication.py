"""S3 replication through the compatibility layer (fixes.keep_s3_replication_selection_criteria),
driven with boto3 as a client would: moto and the layer served in this process on loopback."""

import logging
import os
import sys
import threading
import unittest
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

import boto3  # noqa: E402
from botocore.config import Config  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402
from moto.moto_server.werkzeug_app import (  # noqa: E402
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import make_server  # noqa: E402

import fixes  # noqa: E402
import server  # noqa: E402

ROLE = "arn:aws:iam::123456789012:role/hipaa-aws/s3-replication-source"
REPLICA_KEY = "arn:aws:kms:us-west-2:123456789012:key/replica"


def rule(**extra):
    return {
        "ID": "hipaa-aws-replication",
        "Priority": 1,
        "Status": "Enabled",
        "Filter": {"Prefix": ""},
        "DeleteMarkerReplication": {"Status": "Disabled"},
        "Destination": {
            "Bucket": "arn:aws:s3:::replica",
            "EncryptionConfiguration": {"ReplicaKmsKeyID": REPLICA_KEY},
        },
        **extra,
    }


class Replication(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        fixes.keep_s3_replication_selection_criteria()
        cls.log = logging.getLogger("werkzeug")
        cls.log_level = cls.log.level
        cls.log.setLevel(logging.WARNING)
        app = server.CompatibilityLayer(DomainDispatcherApplication(create_backend_app))
        cls.httpd = make_server("127.0.0.1", 0, app, threaded=True, request_handler=MotoRequestHandler)
        threading.Thread(target=cls.httpd.serve_forever, daemon=True).start()
        cls.url = f"http://127.0.0.1:{cls.httpd.server_port}"
        cls.s3 = boto3.client(
            "s3", endpoint_url=cls.url, region_name="us-east-1", aws_access_key_id="testing",
            aws_secret_access_key="testing", config=Config(retries={"max_attempts": 1}),
        )

    @classmethod
    def tearDownClass(cls):
        cls.httpd.shutdown()
        cls.httpd.server_close()
        cls.log.setLevel(cls.log_level)

    def setUp(self):
        urllib.request.urlopen(urllib.request.Request(self.url + "/moto-api/reset", method="POST")).close()
        self.s3.create_bucket(Bucket="source")
        self.s3.put_bucket_versioning(Bucket="source", VersioningConfiguration={"Status": "Enabled"})

    def put(self, *rules):
        self.s3.put_bucket_replication(
            Bucket="source", ReplicationConfiguration={"Role": ROLE, "Rules": list(rules)})

    def test_selection_criteria_come_back_as_put(self):
        criteria = {"SseKmsEncryptedObjects": {"Status": "Enabled"}}
        self.put(rule(SourceSelectionCriteria=criteria))
        got = self.s3.get_bucket_replication(Bucket="source")["ReplicationConfiguration"]
        self.assertEqual(got["Role"], ROLE)
        [answer] = got["Rules"]
        self.assertEqual(answer["SourceSelectionCriteria"], criteria)
        self.assertEqual(answer["Destination"]["EncryptionConfiguration"]["ReplicaKmsKeyID"], REPLICA_KEY)
        self.assertEqual(answer["Status"], "Enabled")

    def test_a_rule_without_criteria_answers_none(self):
        self.put(rule())
        [answer] = self.s3.get_bucket_replication(Bucket="source")["ReplicationConfiguration"]["Rules"]
        self.assertNotIn("SourceSelectionCriteria", answer)

    def test_disabled_criteria_are_not_turned_on(self):
        criteria = {"SseKmsEncryptedObjects": {"Status": "Disabled"}}
        self.put(rule(SourceSelectionCriteria=criteria))
        [answer] = self.s3.get_bucket_replication(Bucket="source")["ReplicationConfiguration"]["Rules"]
        self.assertEqual(answer["SourceSelectionCriteria"], criteria)

    def test_no_configuration_is_still_an_error(self):
        with self.assertRaises(ClientError) as caught:
            self.s3.get_bucket_replication(Bucket="source")
        self.assertEqual(caught.exception.response["Error"]["Code"], "ReplicationConfigurationNotFoundError")


if __name__ == "__main__":
    unittest.main()
