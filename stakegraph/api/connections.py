"""Limits on a connection before its request reaches the app (``stakegraph serve``).

uvicorn reads a request's line, headers and body for as long as the client takes and
keeps all the headers, however many, before the app's own limits (`edge.RequestLimits`) can answer.
Measured against a running server (evaluation-log.md, 2026-12-07, *attacking the running
server, second pass*): 20,400 connections that each sent half a request held every
socket until `/health` answered nobody, with no key; one request with 400 MB of headers
took 330 MB of the server's memory before its 431. `GuardedHttpProtocol` is uvicorn's
httptools protocol with five limits added where the bytes arrive:

- **header deadline**: a request's line and headers must arrive within
  ``header_timeout_s`` of the connection, or of the previous response on a kept-alive
  one; else 408 and the connection is closed (a slow client cannot hold a socket);
- **body deadline**: a request's body must arrive within ``body_timeout_s`` of its
  headers; else 408 and the connection is closed. Before, a body trickled a byte at a
  time held its connection for as long as the client liked, with no key (the app reads
  the body before it looks at the key): 20 such connections were all still open after
  30 s, past the header deadline;
- **write deadline**: an answer the client stops taking in (the connection's write buffer
  above its high-water mark, and not one byte of it sent for ``write_timeout_s``) has its
  connection aborted, its buffer freed; a slow reader that makes progress is served.
  Before, a client that did not read held its connection and the unsent answer for as
  long as it liked (closing a connection waits for its buffer to drain): 40 unread Cypher
  answers of one analyst key held 40 sockets, 112 MB of kernel send buffers and 53 MB of
  the server's own memory, unchanged 50 s after the last one;
- **header size**: once the bytes received for a request whose headers are not complete
  pass ``max_header_bytes``, 431 and the connection is closed, before more is read (at most
  one more read, 256 KiB, is ever held);
- **connections per client address**: an address with ``max_connections_per_client``
  open connections has the next one closed at once with 503.

Behind a reverse proxy every client has the proxy's address: raise the per-client limit
there, and let the proxy enforce its own (docs/api.md, "Limits").
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import struct
import termios
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

__all__ = ["ConnectionLimits", "GuardedHttpProtocol", "guarded_protocol"]

if TYPE_CHECKING:
    from stakegraph.api.settings import ApiSettings


@dataclass(frozen=True)
class ConnectionLimits:
    header_timeout_s: float
    max_header_bytes: int
    max_connections_per_client: int
    body_timeout_s: float = 30.0
    write_timeout_s: float = 30.0

    @classmethod
    def from_settings(cls, settings: ApiSettings) -> ConnectionLimits:
        """``STAKEGRAPH_HEADER_TIMEOUT``, ``STAKEGRAPH_MAX_HEADER_BYTES`` (the app's own 431
        uses it too), ``STAKEGRAPH_MAX_CONNECTIONS_PER_CLIENT``, ``STAKEGRAPH_BODY_TIMEOUT``
        and ``STAKEGRAPH_WRITE_TIMEOUT``."""
        return cls(
            header_timeout_s=settings.header_timeout_s,
            max_header_bytes=settings.max_header_bytes,
            max_connections_per_client=settings.max_connections_per_client,
            body_timeout_s=settings.body_timeout_s,
            write_timeout_s=settings.write_timeout_s,
        )


def _reply(status: bytes, reason: str) -> bytes:
    body = ('{"detail":"' + reason + '"}').encode()
    return (
        b"HTTP/1.1 " + status + b"\r\ncontent-type: application/json\r\n"
        b"content-length: " + str(len(body)).encode() + b"\r\nconnection: close\r\n\r\n" + body
    )


class GuardedHttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with the module's five limits (`guarded_protocol`
    gives a subclass bound to one server's limits and its own count of connections)."""

    limits: ClassVar[ConnectionLimits]
    open_per_client: ClassVar[Counter[str]]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._awaiting_headers = True
        self._header_bytes = 0
        self._deadline: asyncio.TimerHandle | None = None
        self._write_deadline: asyncio.TimerHandle | None = None
        self._counted_as: str | None = None

    # -- the connection ------------------------------------------------------------------

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        address = self.client[0] if self.client else ""
        if self.open_per_client[address] >= self.limits.max_connections_per_client:
            self._refuse(b"503 Service Unavailable", "too many connections from this address")
            return
        self.open_per_client[address] += 1
        self._counted_as = address
        self._await_headers()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_deadline()
        self._stop_write_deadline()
        if self._counted_as is not None:
            self.open_per_client[self._counted_as] -= 1
            if self.open_per_client[self._counted_as] <= 0:
                del self.open_per_client[self._counted_as]
            self._counted_as = None
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._awaiting_headers and self._header_bytes > self.limits.max_header_bytes:
            limit = self.limits.max_header_bytes
            self._refuse(
                b"431 Request Header Fields Too Large",
                f"request headers too large (limit {limit} bytes)",
            )
            return
        super().data_received(data)
        if self._awaiting_headers:
            self._header_bytes += len(data)

    def pause_writing(self) -> None:
        super().pause_writing()
        if self._write_deadline is None:
            self._watch_writes(self._unsent())

    def resume_writing(self) -> None:
        self._stop_write_deadline()
        super().resume_writing()

    # -- the request ---------------------------------------------------------------------

    def on_headers_complete(self) -> None:
        self._awaiting_headers = False
        self._header_bytes = 0
        self._stop_deadline()
        super().on_headers_complete()
        if not self.pipeline:  # started now; a queued request's body waits for its turn
            self._await_body()

    def on_message_complete(self) -> None:
        if not self._awaiting_headers:  # else answered early: the next headers' deadline
            self._stop_deadline()
        super().on_message_complete()

    def on_response_complete(self) -> None:
        # The next request queued on this connection, if any: its headers are in, it
        # starts now, and its body is read from now on.
        following = self.pipeline[-1][0] if self.pipeline else None
        super().on_response_complete()
        if self.transport.is_closing():
            return
        if following is None:
            self._await_headers()  # the next request on a kept-alive connection
        elif following.more_body:
            self._await_body()

    # -- helpers -------------------------------------------------------------------------

    def _await_headers(self) -> None:
        self._awaiting_headers = True
        self._header_bytes = 0
        self._stop_deadline()
        self._deadline = self.loop.call_later(self.limits.header_timeout_s, self._headers_late)

    def _headers_late(self) -> None:
        self._deadline = None
        if self._awaiting_headers:
            self._refuse(b"408 Request Timeout", "request headers not received in time")

    def _await_body(self) -> None:
        """Until the whole message is in (at once for a request without a body)."""
        self._stop_deadline()
        self._deadline = self.loop.call_later(self.limits.body_timeout_s, self._body_late)

    def _body_late(self) -> None:
        self._deadline = None
        if not self._awaiting_headers:
            self._refuse(b"408 Request Timeout", "request body not received in time")

    def _watch_writes(self, unsent: int) -> None:
        self._write_deadline = self.loop.call_later(
            self.limits.write_timeout_s, self._check_writes, unsent
        )

    def _unsent(self) -> int:
        """Bytes of answers not yet taken in by the client: the transport's buffer and,
        on Linux, the socket's send queue (the kernel holds megabytes on loopback, so a
        slow reader drains it for a long while before the transport's buffer moves)."""
        unsent = self.transport.get_write_buffer_size()
        sock = self.transport.get_extra_info("socket")
        with contextlib.suppress(OSError, ValueError, AttributeError):
            queued = fcntl.ioctl(sock.fileno(), termios.TIOCOUTQ, b"\0\0\0\0")
            unsent += struct.unpack("i", queued)[0]
        return unsent

    def _check_writes(self, unsent_before: int) -> None:
        self._write_deadline = None
        unsent = self._unsent()
        if unsent >= unsent_before:
            self.transport.abort()  # close() would wait for the client to read the buffer
        else:
            self._watch_writes(unsent)

    def _stop_write_deadline(self) -> None:
        if self._write_deadline is not None:
            self._write_deadline.cancel()
            self._write_deadline = None

    def _stop_deadline(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _refuse(self, status: bytes, reason: str) -> None:
        if not self.transport.is_closing():
            self.transport.write(_reply(status, reason))
            self.transport.close()


def guarded_protocol(limits: ConnectionLimits) -> type[GuardedHttpProtocol]:
    """A `GuardedHttpProtocol` class for one server: its limits and its own count of open
    connections per client address (uvicorn builds one protocol object per connection)."""
    return type(
        "BoundGuardedHttpProtocol",
        (GuardedHttpProtocol,),
        {"limits": limits, "open_per_client": Counter()},
    )
