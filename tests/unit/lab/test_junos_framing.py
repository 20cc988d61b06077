"""NETCONF framing of the lab Junos: end-of-message (base:1.0) and chunked (base:1.1)."""

from __future__ import annotations

import pytest

from egress.lab.junos.framing import EOM, FrameDecoder, FramingError, encode


def test_end_of_message_framing_across_reads() -> None:
    decoder = FrameDecoder()
    assert decoder.feed(b"<hello/>]]>") == []
    assert decoder.feed(b"]]><rpc>1</rpc>]]>]]><rpc>2") == [b"<hello/>", b"<rpc>1</rpc>"]
    assert decoder.feed(b"</rpc>" + EOM) == [b"<rpc>2</rpc>"]


def test_chunked_framing_after_the_hello() -> None:
    decoder = FrameDecoder()
    first = b"<hello/>" + EOM + b"\n#5\n<rpc>\n#3\n1</\n#4\nrpc>\n##\n\n#3"
    assert decoder.feed(first) == [b"<hello/>"]
    decoder.switch_to_chunked()
    assert decoder.feed(b"") == [b"<rpc>1</rpc>"]
    assert decoder.feed(b"\nabc") == []
    assert decoder.feed(b"\n##\n") == [b"abc"]


@pytest.mark.parametrize("garbage", [b"<rpc/>\n##\n", b"\n#0\nx\n##\n", b"\n#x\n"])
def test_broken_chunks_are_refused(garbage: bytes) -> None:
    decoder = FrameDecoder()
    decoder.switch_to_chunked()
    with pytest.raises(FramingError):
        decoder.feed(garbage)


def test_encode_round_trips() -> None:
    for chunked in (False, True):
        decoder = FrameDecoder()
        if chunked:
            decoder.switch_to_chunked()
        message = "<rpc-reply>é</rpc-reply>".encode()
        assert decoder.feed(encode(message, chunked=chunked)) == [message]
