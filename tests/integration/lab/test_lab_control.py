"""`egress lab up` itself: a port taken between picking and binding does not stop the lab."""

from __future__ import annotations

import shutil
import socket
import time
from pathlib import Path

from egress.lab.control import lab_down, lab_status, lab_up
from egress.lab.spec import LOCALHOST
from tests.conftest import EXAMPLE_INVENTORY


def test_a_port_taken_by_another_process_is_replaced_and_the_lab_starts(tmp_path: Path) -> None:
    inventory = tmp_path / "inventory"
    shutil.copytree(EXAMPLE_INVENTORY, inventory)
    state = tmp_path / "lab"
    first = lab_up(inventory=inventory, state_dir=state)
    lab_down(state)
    victim = first.devices[0]
    # another process now listens on the port the lab kept for this device. lab_down may
    # return while the server's listeners are still closing (its main thread is already a
    # zombie while the others finish), so the squatter retries for a moment.
    squatter = socket.socket()
    deadline = time.monotonic() + 5
    while True:
        try:
            squatter.bind((LOCALHOST, victim.port))
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    squatter.listen()
    try:
        again = lab_up(inventory=inventory, state_dir=state)
        try:
            ports = {d.name: d.port for d in again.devices}
            assert ports[victim.name] != victim.port
            others = {d.name: d.port for d in first.devices if d.name != victim.name}
            assert others == {n: p for n, p in ports.items() if n != victim.name}
            assert all(s.reachable for s in lab_status(state))
            known_hosts = (state / "known_hosts").read_text()
            assert f"[{LOCALHOST}]:{ports[victim.name]} " in known_hosts
            assert f"[{LOCALHOST}]:{victim.port} " not in known_hosts
        finally:
            lab_down(state)
    finally:
        squatter.close()
