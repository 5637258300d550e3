"""A fake ClamAV daemon on a real socket (TCP on a free loopback port, or a unix socket), speaking INSTREAM.

It reads "zINSTREAM\\0" and the length-prefixed chunks up to the zero-length one, then answers as `mode` says:
"scan" (FOUND for the EICAR test string or for bytes containing VIRUS_MARKER, else OK), "error" (an ERROR reply),
"close" (hangs up without a reply) or "slow" (waits for `delay` seconds, longer than the client's timeout).
"""

from __future__ import annotations

import socket
import struct
import threading
from pathlib import Path

# The EICAR anti-virus test file: harmless, and every scanner reports it. Split so no scanner flags this source.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
EICAR_SIGNATURE = "Eicar-Signature"
VIRUS_MARKER = b"FAKE-VIRUS-FOR-TESTS"
MARKER_SIGNATURE = "Test.Fake-Virus"


class FakeClamd:
    def __init__(self, *, unix_path: Path | None = None) -> None:
        self.mode = "scan"
        self.delay = 2.0
        self.scanned: list[bytes] = []
        self._stop = threading.Event()
        if unix_path is not None:
            self._server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self._server.bind(str(unix_path))
            self.url = f"unix://{unix_path}"
        else:
            self._server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            self._server.bind(("127.0.0.1", 0))
            self.url = f"tcp://127.0.0.1:{self._server.getsockname()[1]}"
        self._server.listen(8)
        self._server.settimeout(0.1)
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> FakeClamd:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._server.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with conn:
                conn.settimeout(5)
                try:
                    self._handle(conn)
                except OSError:
                    pass

    def _handle(self, conn: socket.socket) -> None:
        reader = conn.makefile("rb")
        if reader.read(len(b"zINSTREAM\0")) != b"zINSTREAM\0":
            conn.sendall(b"UNKNOWN COMMAND\0")
            return
        data = b""
        while True:
            (size,) = struct.unpack(">L", reader.read(4))
            if size == 0:
                break
            data += reader.read(size)
        self.scanned.append(data)
        if self.mode == "close":
            return
        if self.mode == "slow":
            self._stop.wait(self.delay)
            return
        if self.mode == "error":
            conn.sendall(b"INSTREAM size limit exceeded. ERROR\0")
        elif EICAR in data:
            conn.sendall(f"stream: {EICAR_SIGNATURE} FOUND\0".encode())
        elif VIRUS_MARKER in data:
            conn.sendall(f"stream: {MARKER_SIGNATURE} FOUND\0".encode())
        else:
            conn.sendall(b"stream: OK\0")
