"""Making each request cheaper without changing any answer.

Measured with py-spy on the race benchmark's audit (`cargo bench --bench race`), about half of
the endpoint's samples were in two places that serve no answer:
- moto's dispatcher calls `moto.backends.list_of_moto_modules()` on every request, which lists
  moto's package folder and stats each entry, while holding the dispatcher's lock (so requests
  wait on each other too). The folder does not change while the server runs: it is read once.
- werkzeug writes one log line per request under the logging handler's lock. The request log
  is off unless HIPAA_AWS_ENDPOINT_LOG_REQUESTS=1; warnings and errors are still written.
"""

import logging
import os

from moto import backends

REQUEST_LOG_SETTING = "HIPAA_AWS_ENDPOINT_LOG_REQUESTS"


def cache_moto_modules():
    modules = tuple(backends.list_of_moto_modules())
    backends.list_of_moto_modules = lambda: modules


def quiet_request_log(environ=os.environ):
    if environ.get(REQUEST_LOG_SETTING) != "1":
        logging.getLogger("werkzeug").setLevel(logging.WARNING)


def apply():
    cache_moto_modules()
    quiet_request_log()
