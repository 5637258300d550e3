"""Scanning uploaded files for viruses with ClamAV's daemon (clamd), when CLAMAV_URL is set.

The client is written here, about sixty lines of the documented clamd protocol, rather than taken from a
library: `clamd` (1.0.2) was last released in 2014 and is unmaintained, `aioclamd` is asyncio-only (the app is
synchronous Flask), and the others on PyPI are wrappers for cloud storage. The protocol is small and stable:

    send  b"zINSTREAM\\0", then the file in chunks, each prefixed by its length as 4 bytes big-endian,
          then a zero-length chunk;
    read  b"stream: OK\\0", b"stream: <signature> FOUND\\0" or b"... ERROR\\0" (e.g. "INSTREAM size limit
          exceeded. ERROR").

CLAMAV_URL is "tcp://host:port" or "unix:///path/to/clamd.ctl"; CLAMAV_TIMEOUT_SECONDS bounds every socket
operation. Unset means no scanning. Anything but a clear OK or FOUND (refused connection, timeout, ERROR, a
reply we do not understand) raises ScannerUnavailable, and callers refuse the file: a scanner that is configured
fails closed.
"""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app

CHUNK_BYTES = 64 * 1024
_MAX_REPLY_BYTES = 4096


class ScannerUnavailable(Exception):
    """The scanner could not give a verdict (unreachable, too slow, an error, or a reply we do not understand)."""


@dataclass(frozen=True)
class Scanner:
    """Where clamd listens, (host, port) or a unix socket's path, and how long to wait for it."""

    address: tuple[str, int] | str
    timeout: float

    @classmethod
    def from_url(cls, url: str, *, timeout: float) -> Scanner:
        """A scanner for "tcp://host:port" or "unix:///path"; raises ValueError for anything else."""
        parts = urlsplit(url)
        if parts.scheme == "tcp" and parts.hostname and parts.port:
            return cls((parts.hostname, parts.port), timeout)
        if parts.scheme == "unix" and parts.path:
            return cls(parts.path, timeout)
        raise ValueError(f"CLAMAV_URL must be tcp://host:port or unix:///path, not {url!r}")

    def _connect(self) -> socket.socket:
        if isinstance(self.address, str):
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(self.timeout)
            try:
                sock.connect(self.address)
            except OSError:
                sock.close()
                raise
            return sock
        return socket.create_connection(self.address, timeout=self.timeout)

    def scan(self, data: bytes) -> str | None:
        """The name of the virus clamd found in data, or None if it found none; raises ScannerUnavailable."""
        try:
            with self._connect() as sock:
                sock.sendall(b"zINSTREAM\0")
                for start in range(0, len(data), CHUNK_BYTES):
                    chunk = data[start : start + CHUNK_BYTES]
                    sock.sendall(struct.pack(">L", len(chunk)) + chunk)
                sock.sendall(struct.pack(">L", 0))
                reply = _read_reply(sock)
        except OSError as exc:  # refused, reset, timed out (socket.timeout is an OSError)
            raise ScannerUnavailable(f"{type(exc).__name__}: {exc}") from exc
        return _verdict(reply)


def _read_reply(sock: socket.socket) -> str:
    reply = b""
    while not reply.endswith(b"\0") and len(reply) < _MAX_REPLY_BYTES:
        part = sock.recv(_MAX_REPLY_BYTES)
        if not part:
            break
        reply += part
    return reply.rstrip(b"\0\n").decode("utf-8", "replace")


def _verdict(reply: str) -> str | None:
    _, _, result = reply.partition(": ")
    if result == "OK":
        return None
    if result.endswith(" FOUND") and result[: -len(" FOUND")].strip():
        return result[: -len(" FOUND")].strip()[:200]
    raise ScannerUnavailable(f"clamd replied {reply[:200]!r}" if reply else "clamd closed the connection")


def configured_scanner() -> Scanner | None:
    """The scanner CLAMAV_URL names, or None when scanning is off."""
    url = current_app.config.get("CLAMAV_URL")
    if not url:
        return None
    return Scanner.from_url(url, timeout=float(current_app.config.get("CLAMAV_TIMEOUT_SECONDS", 10)))
