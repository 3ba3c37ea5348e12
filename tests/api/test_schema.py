"""The OpenAPI schema is valid, and Schemathesis finds nothing: every operation, public and with
a token, with generated input (valid and invalid), answers without a server error and with a
response that matches the schema (status, content type, body, headers)."""

from __future__ import annotations

import pytest
import schemathesis
from django.test import Client
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from openapi_spec_validator import validate
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from foia.api.models import Scope
from foia.api.services import token_create

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


def _schema_dict() -> dict:
    response = Client().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    import json

    return json.loads(response.content)


def test_the_schema_is_valid_openapi_3():
    schema = _schema_dict()
    validate(schema)
    assert schema["openapi"].startswith("3.")
    paths = set(schema["paths"])
    for contract in (
        "/api/v1/requests/",
        "/api/v1/requests/{id}/",
        "/api/v1/authorities/",
        "/api/v1/authorities/{id}/",
        "/api/v1/campaigns/",
        "/api/v1/campaigns/{id}/",
        "/api/v1/figures/",
    ):
        assert contract in paths


def test_every_operation_is_documented_with_its_error_format():
    schema = _schema_dict()
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            codes = set(operation["responses"])
            assert codes & {"200", "201", "202"}, (method, path)
            assert codes & {"400", "401", "404"}, (method, path)


@pytest.fixture
def api_schema():
    """The live schema, served by the WSGI application itself. Like Django's test client, the
    database connection is kept open between requests (it holds the test's transaction)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from config.wsgi import application

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def schemathesis_token(story, owner, org, no_throttle):
    """The public story (published, private, embargoed requests and a campaign) and a
    read-write token of the organisation that owns them."""
    _token, raw = token_create(user=owner, organization=org, name="st", scope=Scope.READ_WRITE)
    return raw


def _fuzz(api_schema, *, headers_for, max_examples: int) -> tuple[int, list[str]]:
    """Every operation of the live schema, with valid and invalid generated input; returns the
    number of calls and the failures (each with the request that caused it)."""
    calls_and_failures = {"calls": 0, "failures": []}
    for result in api_schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            run = _runner(operation, mode, headers_for, max_examples, calls_and_failures)
            try:
                run()
            except Unsatisfiable:
                # No input of this mode exists (an operation without parameters has no invalid one).
                assert mode == GenerationMode.NEGATIVE, operation.label
    return calls_and_failures["calls"], calls_and_failures["failures"]


def _runner(operation, mode, headers_for, max_examples: int, out: dict):
    @given(case=operation.as_strategy(generation_mode=mode))
    @hypothesis_settings(
        max_examples=max_examples,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
    )
    def run(case):
        for headers in headers_for(case):
            out["calls"] += 1
            try:
                case.call_and_validate(headers=headers, checks=CHECKS)
            except Exception as exc:  # collect, to report every operation at once
                out["failures"].append(f"{case.method} {case.formatted_path} {mode}: {exc}"[:1500])

    return run


@pytest.mark.django_db
def test_schemathesis_finds_no_server_error_and_no_schema_mismatch(api_schema, schemathesis_token):
    token = {"Authorization": f"Bearer {schemathesis_token}"}

    def headers_for(case):
        if case.path.startswith("/api/v1/workspace/"):
            return [token]
        # Public operations anonymously, and with a token sent anyway (it is ignored).
        return [{}, token]

    calls, failures = _fuzz(api_schema, headers_for=headers_for, max_examples=15)
    assert calls > 300
    assert failures == []


@pytest.mark.django_db
def test_schemathesis_without_a_token_finds_nothing_either(api_schema, no_throttle):
    calls, failures = _fuzz(api_schema, headers_for=lambda case: [{}], max_examples=5)
    assert failures == []
