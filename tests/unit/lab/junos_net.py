"""A small lab network of the example inventory's Junos devices, without SSH: the devices
with their rendered golden configs committed, wired by the server's own LabNetwork."""

from __future__ import annotations

import json
from pathlib import Path

from egress.lab.junos import JunosDevice
from egress.lab.junos.setfmt import apply_set
from egress.lab.server import LINKS_FILE, LabNetwork
from egress.lab.spec import LabDeviceSpec, LabSpec, SegmentSpec, cluster_mirrors
from egress.lab.topology import topology_from_intents
from egress.model.intent import DeviceIntent

GOLDEN = Path(__file__).resolve().parents[2] / "golden"
JUNOS_HOSTS = ["nyc-srx-01", "nyc-srx-02", "lon-srx-01", "lon-srx-02"]


def example_intents() -> dict[str, DeviceIntent]:
    from egress.model.inventory import load_nornir
    from egress.model.sites import InventoryFiles, build_intents
    from tests.conftest import EXAMPLE_INVENTORY

    return build_intents(
        load_nornir(EXAMPLE_INVENTORY).inventory, files=InventoryFiles.in_dir(EXAMPLE_INVENTORY)
    )


def apply_golden(device: JunosDevice, name: str | None = None) -> None:
    """Load a host's golden config (set commands) and commit it, as napalm would."""
    text = (GOLDEN / f"{name or device.name}.cfg").read_text()
    assert apply_set(device.db.candidate, text) == []
    device.commit(user="egress")


def junos_network(state: Path, *, commit: tuple[str, ...] = tuple(JUNOS_HOSTS)) -> LabNetwork:
    """The Junos devices of the example lab; ``commit`` names the hosts whose golden
    config is committed (a cluster secondary gets its config from its primary)."""
    intents = {h: i for h, i in example_intents().items() if h in JUNOS_HOSTS}
    mirrors = cluster_mirrors(intents)
    spec = LabSpec(
        inventory="inventory",
        devices=[
            LabDeviceSpec(
                name=h,
                platform="junos",
                port=0,
                mirror_of=mirrors.get(h),
                os_release=intents[h].os_release,
            )
            for h in JUNOS_HOSTS
        ],
        segments=[SegmentSpec.of(s) for s in topology_from_intents(intents).segments],
    )
    network = LabNetwork(spec, state)
    for host in JUNOS_HOSTS:
        network.devices[host] = JunosDevice(
            name=host, state_dir=state, world=network, os_release=intents[host].os_release
        )
    for host in commit:
        device = network.devices[host]
        assert isinstance(device, JunosDevice)
        apply_golden(device)
    return network


def cut(state: Path, *links: tuple[str, str]) -> None:
    """Cut links the way `egress lab link` does (the server reads this file)."""
    (state / LINKS_FILE).write_text(json.dumps({"down": [list(link) for link in links]}))
