"""The HTTP edge: size limits, short error quotes, security headers, self-hosted /docs, and
departure impact's bound on concurrent computations."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import anyio
import pytest
from api_client import serving
from api_portfolio import headers
from fastapi.testclient import TestClient

from stakegraph.api.app import STATIC_DIR
from stakegraph.api.edge import same_origin_location
from stakegraph.api.keys import KeyRing, Role
from stakegraph.api.service import people
from stakegraph.api.settings import ApiSettings
from stakegraph.graph.store import GraphStore

pytestmark = pytest.mark.store

MB = 1024 * 1024


def test_a_body_over_the_limit_is_413_unread(client: TestClient, keys: dict[str, str]) -> None:
    h = headers(keys["analyst"])
    big = b'{"query": "RETURN 1", "parameters": {"x": "' + b"a" * (10 * MB) + b'"}}'
    response = client.post(
        "/api/cypher", headers={**h, "Content-Type": "application/json"}, content=big
    )
    assert response.status_code == 413
    assert response.json() == {"detail": "request body too large (limit 1048576 bytes)"}

    def chunks() -> Iterator[bytes]:  # no Content-Length: the body comes in chunks
        yield b'{"query": "RETURN 1", "parameters": {"x": "'
        for _ in range(20):
            yield b"a" * (128 * 1024)
        yield b'"}}'

    chunked = client.post(
        "/api/cypher", headers={**h, "Content-Type": "application/json"}, content=chunks()
    )
    assert chunked.status_code == 413
    # A body under the limit is read as usual.
    ok = client.post(
        "/api/cypher", headers=h, json={"query": "RETURN $x AS x", "parameters": {"x": "a" * 1000}}
    )
    assert ok.status_code == 200 and ok.json()["rows"] == [{"x": "a" * 1000}]


def test_a_body_without_a_valid_key_is_refused_unread(
    client: TestClient, keys: dict[str, str]
) -> None:
    # Nobody without a key gets a body parsed: a 1 MB JSON body is the same 401 as none,
    # and a malformed one is 401 too (it was 422: parsed, then the key refused).
    nested = b'{"query": "x", "parameters": {"a": [' + b",".join([b"[[]]"] * 200_000) + b"]}}"
    for key in (None, "sg_nope_nope"):
        sent = {"Content-Type": "application/json", **({"X-API-Key": key} if key else {})}
        for body in (nested, b"{not json"):
            response = client.post("/api/cypher", headers=sent, content=body)
            assert response.status_code == 401, response.text
            assert response.headers["www-authenticate"] == "APIKey"
    refused = client.post("/api/cypher", content=b"{not json")
    assert (
        refused.json() == {"detail": "missing API key: send it in the X-API-Key header"}
        and refused.headers["connection"] == "close"
    )

    # At the ASGI level: the app answers without asking for the body at all.
    answers: list[Any] = []

    async def receive() -> Any:
        raise AssertionError("the body of a request without a key was read")

    async def send(message: Any) -> None:
        answers.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/cypher",
        "raw_path": b"/api/cypher",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"content-type", b"application/json"), (b"content-length", b"1000000")],
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 8000),
    }
    anyio.run(client.app, scope, receive, send)  # type: ignore[arg-type]
    assert answers[0]["status"] == 401
    # With a valid key the body is read and parsed as before: malformed is 422.
    malformed = client.post("/api/cypher", headers=headers(keys["analyst"]), content=b"{no")
    assert malformed.status_code == 422


def test_headers_over_the_limit_are_431(client: TestClient, keys: dict[str, str]) -> None:
    response = client.get(
        "/api/accounts", headers={**headers(keys["admin"]), "X-Padding": "p" * 20_000}
    )
    assert response.status_code == 431
    assert "request headers too large" in response.json()["detail"]
    assert client.get("/api/accounts", headers=headers(keys["admin"])).status_code == 200


def test_validation_errors_quote_a_short_prefix_only(
    client: TestClient, keys: dict[str, str]
) -> None:
    h = headers(keys["leader"])
    long_key = "k" * 5000
    response = client.post(
        "/api/outreach/plan", headers=h, json={"capacities": {long_key: "not a number"}}
    )
    assert response.status_code == 422
    assert "k" * 100 not in response.text and len(response.text) < 1000, response.text
    assert "body.capacities.kkk" in response.json()["detail"]  # still says where
    many = {f"p-{n:04d}-" + "x" * 50: "bad" for n in range(300)}
    response = client.post("/api/outreach/plan", headers=h, json={"capacities": many})
    assert response.status_code == 422
    assert len(response.json()["errors"]) == 10
    assert response.json()["detail"].endswith("; and 290 more")


def test_domain_errors_do_not_echo_a_large_input(client: TestClient, keys: dict[str, str]) -> None:
    """Valid ids that name nobody: the outreach plan's refusal listed every one of them (a
    0.95 MB body came back as a 0.95 MB answer), and a store's syntax error quotes the
    statement."""
    many = {f"p-{n:05d}-" + "x" * 140: 1 for n in range(6000)}
    response = client.post(
        "/api/outreach/plan", headers=headers(keys["leader"]), json={"capacities": many}
    )
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert "not our executives" in detail and detail.endswith("and 5995 more")
    assert len(response.content) < 2000
    statement = "RETURN " + " ".join(["1"] * 5000)
    response = client.post(
        "/api/cypher", headers=headers(keys["analyst"]), json={"query": statement}
    )
    assert response.status_code == 400 and len(response.content) <= 1100, len(response.content)
    assert len(response.text) < 6000


SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/app/", 200),
        ("GET", "/app/js/main.js", 200),
        ("GET", "/docs", 200),
        ("GET", "/health", 200),
        ("GET", "/api/accounts", 200),
        ("GET", "/api/accounts/nope", 404),
        ("GET", "/api/accounts", 401),
        ("POST", "/api/cypher", 413),
    ],
)
def test_every_answer_carries_the_security_headers(
    client: TestClient, keys: dict[str, str], method: str, path: str, status: int
) -> None:
    h = headers(keys["admin"]) if status != 401 else {}
    body = b"x" * (2 * MB) if status == 413 else None
    response = client.request(method, path, headers=h, content=body)
    assert response.status_code == status
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value, name
    policy = response.headers["content-security-policy"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy
    # The API's answers are never cached; the web app's files may be.
    assert (response.headers.get("cache-control") == "no-store") == path.startswith("/api/")


@pytest.mark.parametrize(
    ("path", "location"),
    [
        ("/app", "/app/"),  # StaticFiles' directory redirect
        ("/app/docs", "/app/docs/"),
        ("/api/accounts/", "/api/accounts"),  # the router's trailing-slash redirect
        ("/api/accounts/?sort=name", "/api/accounts?sort=name"),
        ("/", "/app/"),
    ],
)
@pytest.mark.parametrize("host", ["evil.example", "evil.example:8443", "127.0.0.1:1"])
def test_redirects_stay_on_this_origin_whatever_the_host_header(
    client: TestClient, keys: dict[str, str], path: str, location: str, host: str
) -> None:
    """Starlette built these redirects from the Host header: ``Host: evil.example`` got
    ``Location: http://evil.example/app/`` (open redirect, cache poisoning)."""
    response = client.get(
        path, headers={**headers(keys["admin"]), "Host": host}, follow_redirects=False
    )
    assert response.is_redirect
    assert response.headers["location"] == location


@pytest.mark.parametrize(
    ("location", "kept"),
    [
        (b"http://evil.example/app/", b"/app/"),
        (b"https://evil.example//evil.example/x?a=1#f", b"/evil.example/x?a=1#f"),
        (b"//evil.example/x", b"/x"),  # read as a host and a path
        (b"/\\evil.example/", b"/evil.example/"),
        (b"/\t/evil.example/x", b"/x"),  # the tab dropped, as browsers do
        (b"/app/", b"/app/"),
    ],
)
def test_a_location_keeps_only_a_path_of_this_origin(location: bytes, kept: bytes) -> None:
    """A browser reads a Location starting ``//``, ``/\\`` or ``/<tab>/`` as another host."""
    assert same_origin_location(location) == kept


def test_docs_load_swagger_ui_from_this_server(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    urls = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert urls and not [u for u in urls if "//" in u], urls  # no CDN, no other host
    assert "<script>" not in page.text  # no inline script (the policy would refuse it)
    for url in urls:
        if url.startswith("/"):
            assert client.get(url).status_code == 200, url
    assert client.get("/redoc").status_code == 404  # ReDoc would come from a CDN
    vendor = STATIC_DIR / "vendor" / "swagger-ui"
    assert "Apache License" in (vendor / "LICENSE").read_text()
    assert "swagger-ui-dist" in (STATIC_DIR / "vendor" / "VERSIONS").read_text()


def test_the_web_app_has_no_inline_script_or_style() -> None:
    """What the Content-Security-Policy would refuse: inline <script> or <style>, style
    attributes in the markup, or set as attributes from the scripts."""
    for page in [STATIC_DIR / "index.html", STATIC_DIR / "docs" / "index.html"]:
        html = page.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), page
        assert "<style" not in html and " style=" not in html, page
    for script in (STATIC_DIR / "js").glob("*.js"):
        text = script.read_text()
        assert not re.search(r"[{,] *style: *['`]", text), script  # h(..., {style: '...'})
        assert "setAttribute('style'" not in text, script


@pytest.fixture
def impact_client(portfolio: GraphStore, api_settings: ApiSettings) -> Iterator[TestClient]:
    settings = api_settings.model_copy(
        update={"impact_concurrency": 1, "cache_ttl_s": 60.0, "read_model": False}
    )
    with serving(portfolio, settings) as test_client:
        yield test_client


def test_departure_impacts_are_bounded_and_computed_once(
    impact_client: TestClient, keys: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Six requests at once, for three people twice: one computation at a time (the bound
    is 1 here), each person computed once, every answer the same as alone. Six keys of one
    scope (the cache's key) send them: a key computes one at a time (test_fair_share.py)."""
    lock = threading.Lock()
    running, peak, computed = [0], [0], []
    real = people.departure_impact

    def counted(*args: Any, **kwargs: Any) -> Any:
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
            computed.append(args[3])
        try:
            return real(*args, **kwargs)
        finally:
            with lock:
                running[0] -= 1

    monkeypatch.setattr(people, "departure_impact", counted)
    who = ["u-am1", "a-champ", "a-cto"] * 2
    ring = KeyRing(Path(keys["home"]) / "keys.json")
    admins = [headers(ring.create(Role.ADMIN)) for _ in who]
    with ThreadPoolExecutor(len(who)) as pool:
        answers = list(
            pool.map(
                lambda p, h: impact_client.get(f"/api/people/{p}/departure-impact", headers=h),
                who,
                admins,
            )
        )
    assert [a.status_code for a in answers] == [200] * 6
    assert answers[0].json() == answers[3].json()
    assert peak[0] == 1
    assert sorted(computed) == ["a-champ", "a-cto", "u-am1"]


def test_store_work_is_not_reached_for_refused_requests(tmp_path: Path) -> None:
    """The limits answer before any route: no key, no store, still 413 / 431."""
    from stakegraph.api.app import create_app

    app = create_app(
        store=object(), settings=ApiSettings(STAKEGRAPH_HOME=tmp_path, STAKEGRAPH_READ_MODEL=False)
    )  # type: ignore[arg-type]
    with TestClient(app) as plain:
        assert plain.post("/api/cypher", content=b"x" * (2 * MB)).status_code == 413
        assert plain.get("/health", headers={"X-Big": "b" * 40_000}).status_code == 431


@pytest.mark.parametrize("day", ["1735689600", "2025-01-01T00:00:00", "20250101", "2025-1-1"])
def test_a_day_is_written_yyyy_mm_dd_only(
    client: TestClient, keys: dict[str, str], day: str
) -> None:
    h = headers(keys["leader"])
    for path in ("/api/kpis", "/api/digest"):
        name = "from" if path == "/api/kpis" else "since"
        response = client.get(path, headers=h, params={name: day})
        assert response.status_code == 422, (path, response.text)
        assert "a day is written YYYY-MM-DD" in response.json()["detail"]
    plan = client.post("/api/outreach/plan", headers=h, json={"as_of": day})
    assert plan.status_code == 422, plan.text
    assert client.get("/api/kpis", headers=h, params={"from": "2025-01-01"}).status_code == 200
