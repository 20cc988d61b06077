"""One NETCONF session on the ``netconf`` SSH subsystem: hello, framing, RPC loop.

The server sends its hello at once (as Junos does), reads the client's, and uses chunked
framing afterwards when both sides list base:1.1. RPCs run one at a time, each after the
``slow``/``hang`` fault delay; ``drop_on_commit`` aborts the SSH connection when a commit
arrives, before anything is committed.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import asyncssh
from lxml import etree

from egress.lab.junos.framing import BASE_10, BASE_11, FrameDecoder, FramingError, encode
from egress.lab.junos.rpc import JUNOS_NS, RpcContext, RpcErrorInfo, RpcFailure, dispatch
from egress.lab.junos.xmlconf import local

if TYPE_CHECKING:
    from egress.lab.junos.device import JunosDevice

log = logging.getLogger(__name__)

NETCONF_NS = "urn:ietf:params:xml:ns:netconf:base:1.0"

CAPABILITIES = (
    "urn:ietf:params:netconf:capability:candidate:1.0",
    "urn:ietf:params:netconf:capability:confirmed-commit:1.0",
    "urn:ietf:params:netconf:capability:validate:1.0",
    "urn:ietf:params:netconf:capability:url:1.0?scheme=http,ftp,file",
    "urn:ietf:params:xml:ns:netconf:base:1.0",
    "urn:ietf:params:xml:ns:netconf:capability:candidate:1.0",
    "urn:ietf:params:xml:ns:netconf:capability:confirmed-commit:1.0",
    "urn:ietf:params:xml:ns:netconf:capability:validate:1.0",
    "urn:ietf:params:xml:ns:netconf:capability:url:1.0?scheme=http,ftp,file",
    "urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring",
    "http://xml.juniper.net/netconf/junos/1.0",
    "http://xml.juniper.net/dmi/system/1.0",
)

_PARSER = etree.XMLParser(remove_blank_text=True, resolve_entities=False, huge_tree=True)


def server_hello(session_id: int, *, base11: bool) -> bytes:
    bases = [BASE_10, BASE_11] if base11 else [BASE_10]
    caps = "".join(f"<capability>{c}</capability>" for c in (*bases, *CAPABILITIES))
    return (
        f"<!-- No zombies were killed during the creation of this user interface -->\n"
        f'<hello xmlns="{NETCONF_NS}"><capabilities>{caps}</capabilities>'
        f"<session-id>{session_id}</session-id></hello>"
    ).encode()


def _strip_namespaces(element: etree._Element) -> None:
    # Clients qualify some RPCs (``<nc:lock>``) and not others; handlers use local names.
    for node in element.iter():
        if isinstance(node.tag, str):
            node.tag = local(node.tag)
    etree.cleanup_namespaces(element)


def reply_bytes(attrs: dict[str, str], body: list[etree._Element]) -> bytes:
    reply = etree.Element(f"{{{NETCONF_NS}}}rpc-reply", nsmap={None: NETCONF_NS, "junos": JUNOS_NS})
    for key, value in attrs.items():
        reply.set(key, value)
    for element in body:
        reply.append(_qualified(element))
    return etree.tostring(reply, encoding="unicode").encode()


def _qualified(element: etree._Element) -> etree._Element:
    # Junos replies inherit the NETCONF default namespace; ncclient looks for
    # ``{base:1.0}rpc-error`` anywhere in the reply.
    for node in element.iter():
        if isinstance(node.tag, str) and not node.tag.startswith("{"):
            node.tag = f"{{{NETCONF_NS}}}{node.tag}"
    return element


class NetconfSession:
    def __init__(
        self, device: JunosDevice, process: asyncssh.SSHServerProcess[bytes], session_id: int
    ) -> None:
        self.device = device
        self.process = process
        self.session_id = session_id
        self.chunked = False
        username = process.get_extra_info("username")
        self.context = RpcContext(device=device, session_id=session_id, user=str(username))

    async def run(self) -> None:
        # Junos ends a session (and releases its lock) when the client goes away, also
        # while the session is busy: a hung answer (the `hang` fault) must not keep it
        serve = asyncio.ensure_future(self._serve())
        closed = asyncio.ensure_future(self.process.channel.wait_closed())
        try:
            done, _ = await asyncio.wait({serve, closed}, return_when=asyncio.FIRST_COMPLETED)
            if serve in done:
                serve.result()
        except (asyncssh.Error, ConnectionError, BrokenPipeError, FramingError) as err:
            log.debug("session %s ended: %s", self.session_id, err)
        finally:
            for task in (serve, closed):
                task.cancel()
            self.device.session_ended(self.session_id)
            if not self.process.is_closing():
                self.process.exit(0)

    async def _serve(self) -> None:
        await self.device.answer_delay()
        self._send(server_hello(self.session_id, base11=self.device.netconf_base11))
        decoder = FrameDecoder()
        hello_seen = False
        while True:
            data = await self.process.stdin.read(65536)
            if not data:
                return
            messages = decoder.feed(data)
            while messages:
                message = messages.pop(0)
                if not hello_seen:
                    hello_seen = True
                    if self._client_hello(message):
                        decoder.switch_to_chunked()
                        self.chunked = True
                        messages = decoder.feed(b"")
                    continue
                if not await self._handle(message):
                    return

    def _client_hello(self, message: bytes) -> bool:
        """Read the client's hello; True when both sides speak base:1.1."""
        try:
            hello = etree.fromstring(message, _PARSER)
        except etree.XMLSyntaxError as err:
            raise FramingError(f"bad hello: {err}") from err
        caps = {(c.text or "").strip() for c in hello.iter() if local(c.tag) == "capability"}
        return self.device.netconf_base11 and BASE_11 in caps

    def _send(self, message: bytes) -> None:
        self.process.stdout.write(encode(message, chunked=self.chunked))

    async def _handle(self, message: bytes) -> bool:
        """Answer one RPC; False when the session is over."""
        try:
            root = etree.fromstring(message, _PARSER)
        except etree.XMLSyntaxError as err:
            failure = RpcFailure(RpcErrorInfo(message=f"syntax error: {err}"))
            self._send(reply_bytes({}, failure.body()))
            return True
        attrs = {k: v for k, v in root.attrib.items() if not k.startswith("{")}
        operations = [c for c in root if isinstance(c.tag, str)]
        if local(root.tag) != "rpc" or not operations:
            failure = RpcFailure(RpcErrorInfo(message="syntax error, expecting <rpc>"))
            self._send(reply_bytes(attrs, failure.body()))
            return True
        operation = operations[0]
        _strip_namespaces(operation)
        log.debug("session %s rpc %s", self.session_id, operation.tag)
        await self.device.answer_delay()
        if operation.tag in ("commit-configuration", "commit") and (
            self.device.faults.drop_on_commit
        ):
            connection = self.process.channel.get_connection()
            connection.abort()
            return False
        if operation.tag == "close-session":
            self._send(reply_bytes(attrs, [etree.Element("ok")]))
            await self.process.stdout.drain()
            return False
        self.device.catch_up_timers()
        try:
            body = dispatch(self.context, operation, self.device.handlers)
        except RpcFailure as failure:
            body = failure.body()
        self._send(reply_bytes(attrs, body))
        await self.process.stdout.drain()
        return True
