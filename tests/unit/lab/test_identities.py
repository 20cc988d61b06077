"""Every lab device of the example inventory has its own serial number and management
address, as real boxes do (a report or a backup mixing two devices must show it)."""

from __future__ import annotations

from pathlib import Path

from egress.lab.base import management_address
from egress.lab.fortios.device import FortiOSDevice
from egress.lab.ios.device import IosDevice
from egress.lab.junos.device import JunosDevice
from egress.model.inventory import load_nornir
from tests.conftest import EXAMPLE_INVENTORY

CLASSES = {"ios": IosDevice, "junos": JunosDevice, "fortios": FortiOSDevice}


def test_serials_and_management_addresses_are_distinct(tmp_path: Path) -> None:
    hosts = load_nornir(EXAMPLE_INVENTORY).inventory.hosts
    assert len(hosts) == 12
    serials = {}
    for name, host in hosts.items():
        device = CLASSES[str(host.platform)](name=name, state_dir=tmp_path)
        if isinstance(device, IosDevice):
            serials[name] = device.op_state().serial
        elif isinstance(device, JunosDevice):
            serials[name] = device.serial
        else:
            assert isinstance(device, FortiOSDevice)
            serials[name] = device.identity.serial
    assert len(set(serials.values())) == len(hosts), serials
    addresses = {management_address(name, network="10") for name in hosts}
    assert len(addresses) == len(hosts)
