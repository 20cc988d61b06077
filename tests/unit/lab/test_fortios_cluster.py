"""FGCP config sync in the lab: a cluster primary's committed config reaches its member,
which keeps its own hostname and HA priority/override."""

from __future__ import annotations

from pathlib import Path

from egress.lab.fortios.device import FortiOSDevice
from egress.lab.fortios.engine import apply_script
from egress.lab.server import LabNetwork
from egress.lab.spec import LabDeviceSpec, LabSpec

HA = """config system ha
    set group-id 41
    set mode a-p
    set priority {priority}
    set override enable
end
"""


def _cluster(tmp_path: Path) -> tuple[FortiOSDevice, FortiOSDevice]:
    spec = LabSpec(
        inventory="inventory",
        devices=[
            LabDeviceSpec(name="sin-fgt-01", platform="fortios", port=1),
            LabDeviceSpec(name="sin-fgt-02", platform="fortios", port=2, mirror_of="sin-fgt-01"),
        ],
        segments=[],
    )
    network = LabNetwork(spec, tmp_path)
    primary = FortiOSDevice(name="sin-fgt-01", state_dir=tmp_path, world=network)
    member = FortiOSDevice(name="sin-fgt-02", state_dir=tmp_path, world=network)
    network.devices = {d.name: d for d in (primary, member)}
    return primary, member


def _commit(device: FortiOSDevice, script: str) -> None:
    """What the shell does for a line that reaches the running config."""
    mode = device.cfg_save_mode
    assert apply_script(device.running, script) == []
    device.commit_point(mode_before=mode)


def test_a_commit_on_the_primary_reaches_the_member(tmp_path: Path) -> None:
    primary, member = _cluster(tmp_path)
    _commit(member, HA.format(priority=100))
    _commit(primary, HA.format(priority=200))
    _commit(
        primary,
        "config router static\n    edit 901\n        set gateway 192.0.2.1\n"
        '        set device "port3"\n    next\nend\n',
    )
    static = member.running.find("router static", "901")
    assert static is not None and static.value("gateway") == "192.0.2.1"
    # per member: hostname and HA priority/override stay its own
    assert member.hostname == "sin-fgt-02"
    ha = member.running.block("system ha")
    assert ha is not None and ha.value("priority") == "100" and ha.value("mode") == "a-p"
    # and the member saved it: a restarted member comes back with the primary's config
    restarted = FortiOSDevice(name="sin-fgt-02", state_dir=tmp_path)
    assert restarted.running.find("router static", "901") is not None


def test_the_member_never_pushes_back(tmp_path: Path) -> None:
    primary, member = _cluster(tmp_path)
    _commit(member, 'config system global\n    set alias "member-only"\nend\n')
    assert primary.running.block("system global").value("alias") == "FortiGate-VM64"  # type: ignore[union-attr]


def test_a_member_without_own_priority_takes_none(tmp_path: Path) -> None:
    primary, member = _cluster(tmp_path)
    _commit(primary, HA.format(priority=200))
    ha = member.running.block("system ha")
    assert ha is not None and ha.get("priority") is None and ha.get("override") is None
    assert ha.value("group-id") == "41"


def test_a_revert_on_the_primary_is_mirrored_too(tmp_path: Path) -> None:
    primary, member = _cluster(tmp_path)
    primary.reset()
    _commit(
        primary, 'config system interface\n    edit "port2"\n        set alias "x"\n    next\nend\n'
    )
    assert member.running.find("system interface", "port2").value("alias") == "x"  # type: ignore[union-attr]
    primary.reset()  # back to the factory config, as a revert reloads the saved one
    assert member.running.find("system interface", "port2").get("alias") is None  # type: ignore[union-attr]


def test_export_import_round_trip_keeps_everything_else(tmp_path: Path) -> None:
    primary, member = _cluster(tmp_path)
    member.import_cluster_config(primary.export_cluster_config())
    assert member.running.block("system interface") == primary.running.block("system interface")
