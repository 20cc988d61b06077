"""Run lab devices in a background event loop, for tests and scripts that are not async.

The unmodified drivers (napalm, netmiko, PyEZ) are blocking: they must run in the test's own
thread while the emulators answer from another. :func:`serve_in_background` starts one asyncio
loop in a daemon thread, serves every device on its own free 127.0.0.1 port and yields where
each one listens.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import asyncssh

from egress.lab.base import LabDevice, serve_device

_T = TypeVar("_T")

LOCALHOST = "127.0.0.1"


@dataclass(frozen=True)
class ServedDevice:
    """Where one device listens while :func:`serve_in_background` runs."""

    device: LabDevice
    host: str
    port: int


class BackgroundLoop:
    """An asyncio loop in a daemon thread; blocking code submits coroutines to it."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()

    def run(self, coro: Coroutine[Any, Any, _T], *, timeout: float = 30.0) -> _T:
        """Run ``coro`` on the loop and wait for its result from the calling thread."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def stop(self) -> None:
        async def _cancel_all() -> None:
            # Device timers (revert, commit-confirm) are tasks on this loop: end them quietly.
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        try:
            self.run(_cancel_all(), timeout=10.0)
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(timeout=10.0)
            self.loop.close()


@contextmanager
def serve_in_background(
    devices: Sequence[LabDevice], *, host: str = LOCALHOST
) -> Iterator[list[ServedDevice]]:
    """Serve ``devices`` on free ports of ``host`` until the ``with`` block ends."""
    background = BackgroundLoop()
    acceptors: list[asyncssh.SSHAcceptor] = []
    try:
        host_key = asyncssh.generate_private_key("ssh-ed25519")
        served: list[ServedDevice] = []
        for device in devices:
            acceptor = background.run(serve_device(device, host=host, port=0, host_key=host_key))
            acceptors.append(acceptor)
            served.append(ServedDevice(device=device, host=host, port=acceptor.get_port()))
        yield served
    finally:

        async def _close() -> None:
            for acceptor in acceptors:
                acceptor.close()
                await acceptor.wait_closed()

        try:
            background.run(_close(), timeout=10.0)
        finally:
            background.stop()
