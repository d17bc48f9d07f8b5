"""The server's connection limits (api/connections.py), against a real uvicorn on loopback.

Each test starts uvicorn with `guarded_protocol` and small limits, then talks raw HTTP/1.1
over sockets: slow or oversized headers and too many connections from one address must
be cut off before the app is involved, and ordinary requests must not notice.
"""

from __future__ import annotations

import select
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from stakegraph.api.connections import ConnectionLimits, guarded_protocol


async def _health(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


async def _echo(request: Request) -> JSONResponse:
    return JSONResponse({"received": len(await request.body())})


async def _large(request: Request) -> Response:
    size = int(request.query_params["bytes"])
    return Response(b"x" * size, media_type="application/octet-stream")  # written at once


APP = Starlette(
    routes=[
        Route("/health", _health),
        Route("/echo", _echo, methods=["POST"]),
        Route("/large", _large),
    ]
)
LIMITS = ConnectionLimits(
    header_timeout_s=1.0,
    max_header_bytes=16_384,
    max_connections_per_client=4,
    body_timeout_s=2.0,
    write_timeout_s=1.0,
)
REQUEST = b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n"


@contextmanager
def serving(limits: ConnectionLimits = LIMITS) -> Iterator[int]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(
        APP, host="127.0.0.1", port=port, http=guarded_protocol(limits), log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield port
    finally:
        server.should_exit = True
        thread.join(timeout=20)


def connect(port: int) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=10)


def read_all(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection."""
    chunks = []
    while chunk := sock.recv(65_536):
        chunks.append(chunk)
    return b"".join(chunks)


def status(response: bytes) -> int:
    return int(response.split(b" ", 2)[1])


def get(sock: socket.socket) -> bytes:
    """One request on an open connection; its response (headers and the JSON body)."""
    sock.sendall(REQUEST)
    response = b""
    while b"\r\n\r\n" not in response or not response.endswith(b"}"):
        chunk = sock.recv(65_536)
        assert chunk, f"closed after {response!r}"
        response += chunk
    return response


def test_an_ordinary_request_and_a_kept_alive_one_are_served() -> None:
    with serving() as port, connect(port) as sock:
        assert status(get(sock)) == 200
        time.sleep(0.6)  # within the deadline, counted again from the first response
        assert status(get(sock)) == 200
        time.sleep(0.6)
        assert status(get(sock)) == 200


def test_headers_that_never_finish_get_408_and_the_connection_closes() -> None:
    # Without the deadline the server waits for the rest and recv times out (10 s).
    with serving() as port, connect(port) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")  # no blank line: never complete
        response = read_all(sock)
    assert status(response) == 408
    assert b"request headers not received in time" in response
    assert b"connection: close" in response


def trickle(sock: socket.socket, byte: bytes, *, most: int = 100) -> bool:
    """Send ``byte`` every 0.2 s, at most ``most`` times (20 s: many deadlines of the test
    server), until the server answers; whether it answered while the bytes kept coming."""
    for _ in range(most):
        readable, _, _ = select.select([sock], [], [], 0.2)
        if readable:
            return True
        sock.sendall(byte)
    return False


def test_trickled_headers_do_not_reset_the_deadline() -> None:
    """A byte every 0.2 s keeps a connection busy but not its request alive: the server
    answers while the bytes still come (a deadline each byte reset would never end)."""
    with serving() as port, connect(port) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\n")
        assert trickle(sock, b"X")
        response = read_all(sock)
    assert status(response) == 408


def test_headers_over_the_limit_get_431_before_the_rest_is_read() -> None:
    pad = b"X-Pad: " + b"a" * 8_000 + b"\r\n"
    sent = 0
    with serving() as port, connect(port) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")
        try:
            while sent < 200_000_000:  # 200 MB, were it all read
                sock.sendall(pad)
                sent += len(pad)
        except OSError:
            pass  # the server closed the connection: what the test expects
        response = read_all(sock)
    assert status(response) == 431
    assert b"limit 16384 bytes" in response
    assert sent < 50_000_000  # the kernel's buffers, not the server, took the rest


def test_headers_under_the_limit_are_served() -> None:
    padded = b"GET /health HTTP/1.1\r\nHost: x\r\nX-Pad: " + b"a" * 15_000 + b"\r\n\r\n"
    with serving() as port, connect(port) as sock:
        sock.sendall(padded)
        response = b""
        while not response.endswith(b"}"):
            chunk = sock.recv(65_536)
            assert chunk
            response += chunk
    assert status(response) == 200


def test_one_address_holds_at_most_its_connections() -> None:
    limits = ConnectionLimits(
        header_timeout_s=30.0, max_header_bytes=16_384, max_connections_per_client=4
    )
    with serving(limits) as port:
        held = [connect(port) for _ in range(4)]
        try:
            time.sleep(0.2)  # the server has counted them
            with connect(port) as refused:
                assert status(read_all(refused)) == 503
            assert status(get(held[0])) == 200  # the ones held are served
        finally:
            for sock in held:
                sock.close()
        deadline = time.monotonic() + 5
        while True:  # once they are gone, the address may connect again
            with connect(port) as again:
                try:
                    assert status(get(again)) == 200
                    break
                except AssertionError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.1)


def post_head(length: int) -> bytes:
    return f"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: {length}\r\n\r\n".encode()


def test_a_trickled_body_gets_408_and_the_connection_closes() -> None:
    """Before, a body sent a byte at a time held its connection for as long as the client
    liked: the header deadline ends with the headers, and the app reads the body before it
    looks at a key."""
    with serving() as port, connect(port) as sock:
        sock.sendall(post_head(1_000) + b"{")
        assert trickle(sock, b" ")
        response = read_all(sock)
    assert status(response) == 408
    assert b"request body not received in time" in response


def test_a_body_in_time_is_served_and_the_connection_kept() -> None:
    with serving() as port, connect(port) as sock:
        sock.sendall(post_head(10) + b"01234")
        time.sleep(1.2)  # past the header deadline, within the body's
        sock.sendall(b"56789")
        response = b""
        while not response.endswith(b"}"):
            chunk = sock.recv(65_536)
            assert chunk, f"closed after {response!r}"
            response += chunk
        assert status(response) == 200 and response.endswith(b'{"received":10}')
        time.sleep(0.9)  # past the body deadline (2 s from the headers): it ended with the body
        assert status(get(sock)) == 200


def test_a_pipelined_requests_body_deadline_starts_with_its_turn() -> None:
    with serving() as port, connect(port) as sock:
        sock.sendall(REQUEST + post_head(4) + b"ab")
        time.sleep(0.5)
        sock.sendall(b"cd")
        received = b""
        while received.count(b"HTTP/1.1 ") < 2 or not received.endswith(b"}"):
            chunk = sock.recv(65_536)
            assert chunk, f"closed after {received!r}"
            received += chunk
    assert received.count(b"HTTP/1.1 200") == 2 and received.endswith(b'{"received":4}')


def receive(sock: socket.socket, pause_s: float = 0.0) -> tuple[int, bool]:
    """Bytes read until the server closes (a chunk each ``pause_s``), and whether it reset."""
    received = 0
    try:
        while chunk := sock.recv(262_144):
            received += len(chunk)
            time.sleep(pause_s)
    except ConnectionResetError:
        return received, True
    return received, False


def small_window(port: int) -> socket.socket:
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.settimeout(20)
    sock.connect(("127.0.0.1", port))
    return sock


def test_an_answer_the_client_does_not_read_is_dropped() -> None:
    """Before, the unsent answer and its connection were held for as long as the client
    did not read (a close waits for the buffer to drain)."""
    size = 32_000_000
    with serving() as port, small_window(port) as sock:
        sock.sendall(f"GET /large?bytes={size} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        time.sleep(3.0)  # past the write deadline, reading nothing
        received, reset = receive(sock)
    assert reset or received < size


def test_a_slow_reader_that_makes_progress_gets_the_whole_answer() -> None:
    size = 3_000_000
    with serving() as port, small_window(port) as sock:
        sock.sendall(f"GET /large?bytes={size} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        received = 0
        header = b""
        while b"\r\n\r\n" not in header:
            header += sock.recv(1)
        assert status(header) == 200
        started = time.monotonic()
        while received < size:
            chunk = sock.recv(65_536)
            assert chunk, f"closed after {received} bytes"
            received += len(chunk)
            time.sleep(0.01)
        assert time.monotonic() - started > 1.0  # slower than the write deadline
