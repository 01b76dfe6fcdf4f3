"""The per-request savings of speed.py keep every answer the same."""

import logging
import os
import unittest
from unittest import mock

import speed
from moto import backends
from moto.core import errors, responses


class MotoModulesCached(unittest.TestCase):
    def test_the_cached_list_is_moto_s_own_and_reads_no_folder(self):
        original = backends.list_of_moto_modules
        try:
            expected = list(original())
            speed.cache_moto_modules()
            with mock.patch.object(os, "listdir", side_effect=AssertionError("listed again")):
                self.assertEqual(list(backends.list_of_moto_modules()), expected)
            self.assertIn("s3", expected)
        finally:
            backends.list_of_moto_modules = original


class ErrorTablesShared(unittest.TestCase):
    def test_one_factory_answers_every_error_with_the_same_shape(self):
        original = errors.ErrorLookupFactory
        try:
            from moto.core.utils import get_service_model

            model = get_service_model("kms")
            before = original().for_service(model).from_code("NotFoundException")
            self.assertIsNotNone(before)
            speed.share_error_tables()
            self.assertIs(errors.ErrorLookupFactory(), errors.ErrorLookupFactory())
            after = errors.ErrorLookupFactory().for_service(model).from_code("NotFoundException")
            self.assertEqual(before.name, after.name)
        finally:
            errors.ErrorLookupFactory = original


class MethodNamesCached(unittest.TestCase):
    def test_the_same_names_as_moto_lists(self):
        original = responses.method_names_from_class
        try:
            from moto.s3.responses import S3Response

            expected = original(S3Response)
            speed.cache_method_names()
            self.assertEqual(responses.method_names_from_class(S3Response), expected)
            self.assertIn("get_bucket_policy", expected)
        finally:
            responses.method_names_from_class = original


class RequestLog(unittest.TestCase):
    def setUp(self):
        self.logger = logging.getLogger("werkzeug")
        self.level = self.logger.level

    def tearDown(self):
        self.logger.setLevel(self.level)

    def test_off_by_default_warnings_kept(self):
        self.logger.setLevel(logging.NOTSET)
        speed.quiet_request_log({})
        self.assertFalse(self.logger.isEnabledFor(logging.INFO))
        self.assertTrue(self.logger.isEnabledFor(logging.WARNING))

    def test_kept_when_asked(self):
        self.logger.setLevel(logging.NOTSET)
        speed.quiet_request_log({speed.REQUEST_LOG_SETTING: "1"})
        self.assertEqual(self.logger.level, logging.NOTSET)


if __name__ == "__main__":
    unittest.main()
