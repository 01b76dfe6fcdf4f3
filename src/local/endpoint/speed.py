"""Making each request cheaper without changing any answer.

Measured with py-spy on the race benchmark's audit (`cargo bench --bench race`), about half of
the endpoint's samples were in two places that serve no answer:
- moto's dispatcher calls `moto.backends.list_of_moto_modules()` on every request, which lists
  moto's package folder and stats each entry, while holding the dispatcher's lock (so requests
  wait on each other too). The folder does not change while the server runs: it is read once.
- werkzeug writes one log line per request under the logging handler's lock. The request log
  is off unless HIPAA_AWS_ENDPOINT_LOG_REQUESTS=1; warnings and errors are still written.
Then, in what remained:
- every error answer (a third of an audit's S3 reads are 404s: no policy, no encryption, no
  replication) builds moto's error table of the whole service again, because moto makes a new
  ErrorLookupFactory, and with it an empty cache, per error: one factory serves them all.
- every request lists the methods of its response class with `inspect.getmembers`: classes do
  not change, so the list is kept per class.
"""

import functools
import logging
import os

from moto import backends
from moto.core import errors, responses

REQUEST_LOG_SETTING = "HIPAA_AWS_ENDPOINT_LOG_REQUESTS"


def cache_moto_modules():
    modules = tuple(backends.list_of_moto_modules())
    backends.list_of_moto_modules = lambda: modules


def share_error_tables():
    shared = errors.ErrorLookupFactory()
    errors.ErrorLookupFactory = lambda: shared


def cache_method_names():
    responses.method_names_from_class = functools.lru_cache(maxsize=None)(
        responses.method_names_from_class
    )


def quiet_request_log(environ=os.environ):
    if environ.get(REQUEST_LOG_SETTING) != "1":
        logging.getLogger("werkzeug").setLevel(logging.WARNING)


def apply():
    cache_moto_modules()
    share_error_tables()
    cache_method_names()
    quiet_request_log()
