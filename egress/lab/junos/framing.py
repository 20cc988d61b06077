"""NETCONF message framing over SSH (RFC 6242).

Both sides start with end-of-message framing (``]]>]]>``, base:1.0) for the hello; when both
hellos list ``urn:ietf:params:netconf:base:1.1`` every later message is chunked
(``\\n#<len>\\n<data>…\\n##\\n``).
"""

from __future__ import annotations

import re

EOM = b"]]>]]>"
BASE_10 = "urn:ietf:params:netconf:base:1.0"
BASE_11 = "urn:ietf:params:netconf:base:1.1"
_CHUNK_HEADER = re.compile(rb"\n#(\d+)\n")
_END_OF_CHUNKS = b"\n##\n"
MAX_CHUNK = 4294967295


class FramingError(ValueError):
    """The peer broke the framing; a real server closes the session."""


class FrameDecoder:
    """Turns received bytes into whole messages, in either framing."""

    def __init__(self) -> None:
        self.chunked = False
        self._buffer = bytearray()
        self._parts: list[bytes] = []

    def feed(self, data: bytes) -> list[bytes]:
        """Add received bytes; returns every message now complete (maybe none)."""
        self._buffer.extend(data)
        messages: list[bytes] = []
        while True:
            message = self._next_chunked() if self.chunked else self._next_eom()
            if message is None:
                return messages
            messages.append(message)

    def switch_to_chunked(self) -> None:
        """Called after the hellos; bytes already buffered are read as chunks."""
        self.chunked = True

    def _next_eom(self) -> bytes | None:
        index = self._buffer.find(EOM)
        if index < 0:
            return None
        message = bytes(self._buffer[:index])
        del self._buffer[: index + len(EOM)]
        return message.strip()

    def _next_chunked(self) -> bytes | None:
        while True:
            if self._buffer.startswith(_END_OF_CHUNKS):
                del self._buffer[: len(_END_OF_CHUNKS)]
                message = b"".join(self._parts)
                self._parts = []
                return message
            match = _CHUNK_HEADER.match(self._buffer)
            if match is None:
                complete_line = b"\n" in self._buffer[2:]
                if (
                    not b"\n#".startswith(bytes(self._buffer[:2]))
                    or complete_line
                    or len(self._buffer) > 14
                ):
                    raise FramingError(f"bad chunk header {bytes(self._buffer[:20])!r}")
                return None
            size = int(match.group(1))
            if not 0 < size <= MAX_CHUNK:
                raise FramingError(f"bad chunk size {size}")
            end = match.end() + size
            if len(self._buffer) < end:
                return None
            self._parts.append(bytes(self._buffer[match.end() : end]))
            del self._buffer[:end]

    @property
    def pending(self) -> bytes:
        return bytes(self._buffer)


def encode(message: bytes, *, chunked: bool) -> bytes:
    if not chunked:
        return message + b"\n" + EOM
    return b"\n#%d\n" % len(message) + message + _END_OF_CHUNKS
