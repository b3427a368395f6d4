"""Schemathesis over the whole OpenAPI schema, logged in as a worker with session and CSRF: a bounded,
reproducible run (fixed seed, fixed example count, every check) that fails on any server error, any answer
the schema does not declare and any answer that does not match its declared schema. It runs in `make test`,
so `.ci/run` runs it on SQLite and on PostgreSQL."""

import json

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, settings

from renkei.api import api

SEED = 20261201
EXAMPLES = 5
CSRF = "h5fuzzcsrfsecrettokenvalue000000"  # 32 characters: a valid unmasked CSRF secret

CONFIG = schemathesis.Config.from_dict({
    "seed": SEED,
    "suppress-health-check": ["too_slow", "filter_too_much", "data_too_large"],
    "generation": {"max-examples": EXAMPLES, "deterministic": True},
    # Every check. A well-formed request may still be refused for what a schema cannot say (a record it
    # names that the worker cannot see, a date after today, a rule of the domain): 400, 404, 409, 422.
    "checks": {"enabled": True, "positive_data_acceptance": {
        "expected-statuses": ["2xx", 400, 401, 403, 404, 409, 422]}},
    "phases": {"stateful": {"enabled": False}},
})


def _schema():
    loaded = schemathesis.openapi.from_dict(json.loads(json.dumps(api.get_openapi_schema())), config=CONFIG)
    loaded.app = WSGIHandler()
    return loaded


schema = _schema()


SESSION = {}


@schema.auth(refresh_interval=None)
class SessionAuth:
    """The session cookie of the logged-in worker (schemathesis leaves it out to check the 401s), with the
    CSRF cookie and header that every write needs."""

    def get(self, case, context):
        return SESSION.get("key", "")

    def set(self, case, data, context):
        case.cookies = {**(case.cookies or {}), "sessionid": data, "csrftoken": CSRF}
        case.headers = {**(case.headers or {}), "X-CSRFToken": CSRF}


@pytest.fixture
def logged_in(pref):
    client = Client()
    client.force_login(pref.users.alice)
    SESSION["key"] = client.cookies["sessionid"].value
    # As Django's test client does: the requests run inside the test's transaction, so the end of a request
    # must not close the database connection (PostgreSQL would lose the test's transaction).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
    SESSION.clear()


@schema.parametrize()
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_the_api_answers_every_generated_request_as_its_schema_says(case, logged_in):
    case.call_and_validate(headers={"Host": "localhost"})
