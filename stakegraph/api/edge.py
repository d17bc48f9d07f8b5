"""The HTTP edge: request size limits and the security headers of every answer.

Two plain ASGI middlewares, installed by :func:`stakegraph.api.app.create_app`:

- :class:`RequestLimits` answers 431 when the request's headers are larger than
  ``max_header_bytes`` and 413 when its body is larger than ``max_body_bytes``, before any
  route runs: a body is read up to the limit and no further (a 10 MB body was read and
  answered before), whether it announces its length or comes in chunks. A body sent to
  the API without a valid key is not read at all: the key is asked first (``admit``), and
  the answer is the route's own 401 or 429. Before, the app parsed a 1 MB JSON body and
  only then refused the key: six keyless clients sending such bodies made a leader's
  request 100 times slower (2 ms to 215 ms).
- :class:`SecurityHeaders` adds to every answer (the API, the web app under ``/app/``,
  ``/docs``) a Content-Security-Policy without ``unsafe-inline`` (the web app and the docs
  page load only their own files), ``X-Content-Type-Options: nosniff``, ``X-Frame-Options:
  DENY`` and ``Referrer-Policy: no-referrer``, and to the API's answers ``Cache-Control:
  no-store``; and makes a redirect's ``Location`` relative to this origin
  (:func:`same_origin_location`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from urllib.parse import urlsplit, urlunsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from stakegraph.api.errors import error_answer
from stakegraph.errors import StakegraphError

# Only this origin's files: no inline script or style, no framing, no plugins. data: images
# are the web app's empty favicon and Swagger UI's icons.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
)

# The API's answers hold account data: no browser or proxy keeps a copy (a shared
# computer's cache, a corporate proxy).
API_CACHE_CONTROL: tuple[bytes, bytes] = (b"cache-control", b"no-store")

# Characters a browser skips or reads as "/" at the start of a relative URL.
_LEADING_JUNK = "/\\" + "".join(map(chr, range(0x21)))


def same_origin_location(location: bytes) -> bytes:
    """A redirect's target as a path on this origin: no scheme, no host.

    Starlette builds the redirects of ``/app`` to ``/app/`` (StaticFiles) and of
    ``/api/accounts/`` to ``/api/accounts`` (the router) from the request's URL, whose host
    is the client's ``Host`` header: ``Host: evil.example`` got ``Location:
    http://evil.example/app/`` (an open redirect, and a poisoned answer for a cache in
    front that does not key on Host). Every redirect of this app stays on its origin, so
    the host is dropped; leading slashes, backslashes and control characters collapse to
    one slash, as a browser reads ``//evil.example``, ``/\\evil.example`` and
    ``/<tab>/evil.example`` as another host.
    """
    parts = urlsplit(location.decode("latin-1"))
    path = "/" + parts.path.lstrip(_LEADING_JUNK)
    return urlunsplit(("", "", path, parts.query, parts.fragment)).encode("latin-1")


class SecurityHeaders:
    """Adds :data:`SECURITY_HEADERS` to every HTTP answer (a route's own value wins), and
    keeps a redirect on this origin (:func:`same_origin_location`)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        api = scope["path"].startswith("/api/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (name, same_origin_location(value) if name.lower() == b"location" else value)
                    for name, value in message.get("headers", [])
                ]
                present = {name.lower() for name, _ in headers}
                headers += [(n, v) for n, v in SECURITY_HEADERS if n not in present]
                if api and b"cache-control" not in present:
                    headers.append(API_CACHE_CONTROL)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class RequestLimits:
    """431 for oversized headers, 413 for an oversized body, before the app sees either."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body_bytes: int,
        max_header_bytes: int,
        admit: Callable[[Scope], StakegraphError | None] | None = None,
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.max_header_bytes = max_header_bytes
        # Who may have a body read: the refusal of a request to the API, or None.
        self.admit = admit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers: list[tuple[bytes, bytes]] = scope["headers"]
        header_bytes = sum(len(name) + len(value) for name, value in headers)
        if header_bytes > self.max_header_bytes:
            await _refuse(
                send, 431, f"request headers too large (limit {self.max_header_bytes} bytes)"
            )
            return
        declared = dict(headers).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body_bytes:
            await _refuse(send, 413, self._too_large())
            return
        if self.admit is not None and _has_body(headers) and scope["path"].startswith("/api/"):
            refusal = self.admit(scope)
            if refusal is not None:
                answer = error_answer(refusal, f"{scope['method']} {scope['path']}")
                answer.headers["connection"] = "close"  # the unread body goes with it
                await answer(scope, receive, send)
                return
        # Read the body here, up to the limit: a chunked body announces no length.
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break  # the client went away: the app will see it too
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                await _refuse(send, 413, self._too_large())
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    def _too_large(self) -> str:
        return f"request body too large (limit {self.max_body_bytes} bytes)"


def _has_body(headers: list[tuple[bytes, bytes]]) -> bool:
    """Whether the request announces a body: a length above zero, or chunks."""
    for name, value in headers:
        if name == b"transfer-encoding" or (name == b"content-length" and value.strip() != b"0"):
            return True
    return False


async def _refuse(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
