"""CBOR codec: the decoding examples of RFC 8949 Appendix A, and encode/decode round trips."""

import math
import unittest

from cbor import EpochSeconds, cbor_decode, cbor_encode


class RfcExamples(unittest.TestCase):
    # (hex, value) from RFC 8949 Appendix A.
    EXAMPLES = [
        ("00", 0),
        ("17", 23),
        ("1818", 24),
        ("1903e8", 1000),
        ("1b000000e8d4a51000", 1000000000000),
        ("1bffffffffffffffff", 18446744073709551615),
        ("c249010000000000000000", 18446744073709551616),
        ("3bffffffffffffffff", -18446744073709551616),
        ("20", -1),
        ("3903e7", -1000),
        ("f93c00", 1.0),
        ("f97bff", 65504.0),
        ("fa47c35000", 100000.0),
        ("fb3ff199999999999a", 1.1),
        ("f4", False),
        ("f5", True),
        ("f6", None),
        ("40", b""),
        ("4401020304", b"\x01\x02\x03\x04"),
        ("60", ""),
        ("6449455446", "IETF"),
        ("62c3bc", "\u00fc"),
        ("83010203", [1, 2, 3]),
        ("a201020304", {1: 2, 3: 4}),
        ("5f42010243030405ff", b"\x01\x02\x03\x04\x05"),
        ("7f657374726561646d696e67ff", "streaming"),
        ("9f018202039f0405ffff", [1, [2, 3], [4, 5]]),
        ("bf61610161629f0203ffff", {"a": 1, "b": [2, 3]}),
    ]

    def test_each_example_decodes_to_its_value(self):
        for hex_text, expected in self.EXAMPLES:
            with self.subTest(hex_text):
                self.assertEqual(cbor_decode(bytes.fromhex(hex_text)), expected)

    def test_tag_1_is_an_epoch_timestamp(self):
        value = cbor_decode(bytes.fromhex("c11a514b67b0"))
        self.assertIsInstance(value, EpochSeconds)
        self.assertEqual(float(value), 1363896240.0)

    def test_half_precision_infinity_and_nan(self):
        self.assertEqual(cbor_decode(bytes.fromhex("f97c00")), math.inf)
        self.assertTrue(math.isnan(cbor_decode(bytes.fromhex("f97e00"))))


class RoundTrips(unittest.TestCase):
    VALUES = [
        0,
        23,
        24,
        255,
        256,
        65535,
        65536,
        4294967295,
        4294967296,
        18446744073709551615,
        -1,
        -24,
        -25,
        -18446744073709551616,
        1.5,
        -0.0,
        1e300,
        "",
        "h\u00e9llo \u2603",
        b"\x00\xff",
        [],
        [1, [2, [3]]],
        {},
        {"Namespace": "AWS/Logs", "Values": [1.0, 2.5], "Nested": {"k": None, "t": True}},
    ]

    def test_values_survive_encode_then_decode(self):
        for value in self.VALUES:
            with self.subTest(value=value):
                self.assertEqual(cbor_decode(bytes(cbor_encode(value))), value)

    def test_timestamps_survive_as_epoch_seconds(self):
        decoded = cbor_decode(bytes(cbor_encode({"Timestamp": EpochSeconds(1700000000.25)})))
        self.assertIsInstance(decoded["Timestamp"], EpochSeconds)
        self.assertEqual(float(decoded["Timestamp"]), 1700000000.25)

    def test_an_empty_body_is_an_empty_structure(self):
        self.assertEqual(cbor_decode(b""), {})


class Refusals(unittest.TestCase):
    def test_truncated_items_are_refused(self):
        for hex_text in ["19", "1903", "4401", "62c3", "8301"]:
            with self.subTest(hex_text):
                with self.assertRaises(ValueError):
                    cbor_decode(bytes.fromhex(hex_text))

    def test_trailing_bytes_are_refused(self):
        with self.assertRaises(ValueError):
            cbor_decode(bytes.fromhex("0000"))

    def test_reserved_additional_information_is_refused(self):
        with self.assertRaises(ValueError):
            cbor_decode(bytes.fromhex("1c"))


if __name__ == "__main__":
    unittest.main()
