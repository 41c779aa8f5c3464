"""Property-based tests of the REST API against its own OpenAPI schema: no input gives a 500.

Schemathesis generates requests for every GET and POST operation (valid and invalid
parameters and bodies) and
checks each answer: never a server error, and every error in the one documented JSON shape.
Bounded by ``max_examples`` so the whole module runs in well under a minute. (Schemathesis'
pytest plugin does not run under this pytest version, so the cases are drawn with Hypothesis
from each operation's strategy.)
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from cosmodrome.web.app import create_app
from tests.web_support import home_with_elements

pytestmark = [pytest.mark.integration, pytest.mark.slow]

# The operations are listed from an app without a catalog: the schema does not need one.
_PATHS = create_app(Path("/nonexistent-cosmodrome-home")).openapi()["paths"]
GET_PATHS = sorted(path for path, item in _PATHS.items() if "get" in item)
POST_PATHS = sorted(path for path, item in _PATHS.items() if "post" in item)


@pytest.fixture(scope="module")
def web_schema(
    mirror_home: Path, shared_data: Path, tmp_path_factory: pytest.TempPathFactory
) -> Any:
    home = home_with_elements(mirror_home, shared_data, tmp_path_factory.mktemp("web-fuzz"))
    from starlette.exceptions import StarletteDeprecationWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StarletteDeprecationWarning)
        return schemathesis.openapi.from_asgi("/api/openapi.json", create_app(home))


#: Reproducible fuzzing: the same examples every run, none remembered between runs.
FUZZ = settings(
    deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
)


@pytest.mark.parametrize("path", GET_PATHS)
def test_no_server_errors(web_schema: Any, path: str) -> None:
    operation = web_schema[path]["GET"]

    @given(case=operation.as_strategy())
    @settings(FUZZ, max_examples=25)
    def check(case: Any) -> None:
        response = case.call()
        assert response.status_code < 500, (
            f"GET {case.formatted_path} {case.query} -> {response.status_code}: {response.text[:300]}"
        )
        if response.status_code >= 400:
            assert set(response.json()["error"]) == {
                "type",
                "status",
                "message",
                "suggestions",
                "field",
                "name",
            }
        case.validate_response(response, checks=[not_a_server_error])

    check()


@pytest.mark.parametrize("path", POST_PATHS)
def test_no_server_errors_on_post(web_schema: Any, path: str) -> None:
    """Bodies of every shape: answered, refused (4xx) or, when busy, 503/429 with
    Retry-After; never a 500, and jobs never fail for a reason the submission could see."""
    operation = web_schema[path]["POST"]

    @given(case=operation.as_strategy())
    @settings(FUZZ, max_examples=40)
    def check(case: Any) -> None:
        response = case.call()
        assert response.status_code < 500 or "retry-after" in response.headers, (
            f"POST {case.formatted_path} {case.body!r:.300} -> {response.status_code}: "
            f"{response.text[:300]}"
        )
        if response.status_code >= 400:
            assert set(response.json()["error"]) == {
                "type",
                "status",
                "message",
                "suggestions",
                "field",
                "name",
            }

    check()
