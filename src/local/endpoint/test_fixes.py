"""Answer fixes and the RPC v2 value conversion, on their own (no moto server running)."""

import io
import json
import unittest

from cbor import EpochSeconds, cbor_decode, cbor_encode
from fixes import fix_empty_s3_roots
from rpc_v2 import _cbor_to_json_value, _epoch, rpc_v2_request


class EmptyS3Roots(unittest.TestCase):
    def test_versioning_root_is_renamed(self):
        body = b'<?xml version="1.0"?><GetBucketVersioningResponse xmlns="x"></GetBucketVersioningResponse>'
        _, _, fixed = fix_empty_s3_roots({}, "200 OK", [], body)
        self.assertIn(b"<VersioningConfiguration", fixed)
        self.assertIn(b"</VersioningConfiguration>", fixed)
        self.assertNotIn(b"GetBucketVersioningResponse", fixed)

    def test_other_answers_are_left_alone(self):
        body = b"<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>"
        self.assertEqual(fix_empty_s3_roots({}, "200 OK", [], body)[2], body)


class RpcV2Translation(unittest.TestCase):
    def test_a_cbor_request_becomes_aws_json_1_0(self):
        payload = bytes(cbor_encode({"AlarmNames": ["a"], "MaxRecords": 10}))
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": "/service/GraniteServiceVersion20100801/operation/DescribeAlarms",
            "HTTP_SMITHY_PROTOCOL": "rpc-v2-cbor",
            "CONTENT_LENGTH": str(len(payload)),
            "wsgi.input": io.BytesIO(payload),
        }
        context = rpc_v2_request(environ)
        self.assertEqual(context, ("cloudwatch", "DescribeAlarms"))
        self.assertEqual(environ["HTTP_X_AMZ_TARGET"], "GraniteServiceVersion20100801.DescribeAlarms")
        self.assertEqual(environ["CONTENT_TYPE"], "application/x-amz-json-1.0")
        self.assertEqual(json.loads(environ["wsgi.input"].read()), {"AlarmNames": ["a"], "MaxRecords": 10})

    def test_requests_of_other_services_are_not_touched(self):
        environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/service/Other/operation/Op",
                   "HTTP_SMITHY_PROTOCOL": "rpc-v2-cbor"}
        self.assertIsNone(rpc_v2_request(environ))
        self.assertEqual(environ["PATH_INFO"], "/service/Other/operation/Op")

    def test_cbor_values_become_json_values(self):
        value = {"T": EpochSeconds(5.0), "B": b"\x01", "N": float("nan"), "I": float("-inf")}
        self.assertEqual(_cbor_to_json_value(value), {"T": 5.0, "B": "AQ==", "N": "NaN", "I": "-Infinity"})

    def test_timestamps_parse_from_epoch_and_iso_forms(self):
        for text in [1700000000, "1700000000", "2023-11-14T22:13:20Z", "2023-11-14T22:13:20+00:00"]:
            with self.subTest(text=text):
                self.assertEqual(float(_epoch(text)), 1700000000.0)


if __name__ == "__main__":
    unittest.main()
