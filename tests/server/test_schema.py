"""The OpenAPI document: valid OpenAPI 3.1, covering every API route, and (slow) schemathesis
against it: no 500s, every answer as the document says."""

from __future__ import annotations

import shutil

import pytest
from starlette.routing import Route
from starlette.testclient import TestClient

from searchlib.server import create_app

from .conftest import AUTH, KEY


def test_the_document_is_valid_openapi_3_1(client):
    validator = pytest.importorskip("openapi_spec_validator", reason="the browser extra is not installed")
    doc = client.get("/openapi.json").json()
    assert doc["openapi"] == "3.1.0"
    validator.validate(doc)


def test_the_document_describes_every_api_route(client):
    doc = client.get("/openapi.json").json()
    described = {(path, method.upper()) for path, item in doc["paths"].items()
                 for method in item if method != "parameters"}
    api = [r for r in client.app.routes if isinstance(r, Route) and r.path.startswith(("/v1", "/health", "/ready"))]
    routes = {(r.path, m) for r in api for m in (r.methods or ()) if m != "HEAD"}
    assert routes == described


def test_answers_match_the_document(client):
    """A few answers checked against the schemas by hand (schemathesis does it at scale)."""
    jsonschema = pytest.importorskip("jsonschema")
    doc = client.get("/openapi.json").json()
    schemas = doc["components"]["schemas"]

    def check(body, name):
        schema = {**schemas[name], "components": {"schemas": schemas}}
        jsonschema.validate(body, schema, cls=jsonschema.Draft202012Validator)

    check(client.get("/v1/search", params={"q": "援疆", "facets": "month"}).json(), "SearchResults")
    check(client.get("/v1/articles/xss").json(), "Article")
    check(client.get("/v1/stats").json(), "Stats")
    check(client.get("/v1/search", params={"q": "("}).json(), "Problem")
    check(client.get("/v1/facets", params={"q": "总统"}).json(), "FacetCounts")


schemathesis = pytest.importorskip("schemathesis", reason="the browser extra is not installed")


EXAMPLES = 20  # per operation and mode: bounded (about a minute in all)


@pytest.mark.slow
def test_schemathesis_finds_no_500_and_no_answer_outside_the_schema(news_dir, tmp_path):
    from hypothesis import HealthCheck, given, settings
    from hypothesis.errors import Unsatisfiable
    from schemathesis import GenerationMode
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    index = tmp_path / "index"
    shutil.copytree(news_dir, index)  # schemathesis writes too
    app = create_app(index, admin_key=KEY)
    checks = [not_a_server_error, status_code_conformance, content_type_conformance,
              response_schema_conformance]
    with TestClient(app):
        schema = schemathesis.openapi.from_asgi("/openapi.json", app)
        operations = [result.ok() for result in schema.get_all_operations()]
        labels = {op.label for op in operations}
        assert len(operations) == 18  # every operation of the document is fuzzed, the new ones too
        assert {"GET /v1/articles/{id}/similar", "GET /v1/synonyms", "PUT /v1/synonyms"} <= labels
        negated_nothing: list[str] = []
        for operation in operations:
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                @given(case=operation.as_strategy(generation_mode=mode))
                @settings(max_examples=EXAMPLES, deadline=None, database=None,
                          suppress_health_check=list(HealthCheck))
                def run(case) -> None:
                    case.call_and_validate(headers=AUTH, checks=checks)

                try:
                    run()
                except Unsatisfiable:  # nothing to negate (an operation without parameters)
                    assert mode == GenerationMode.NEGATIVE, operation.label
                    negated_nothing.append(operation.label)
        assert len(negated_nothing) < len(operations) / 2
