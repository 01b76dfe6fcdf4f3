"""The per-request savings of speed.py keep every answer the same."""

import logging
import os
import unittest
from unittest import mock

import speed
from moto import backends


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
