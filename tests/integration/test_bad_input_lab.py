"""Bad input exits 2 before any device is contacted: the lab counts every session opened
to its devices, and not one is opened by any of these runs."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from typer.testing import CliRunner

from egress.cli import app
from egress.lab.base import sessions_opened
from egress.lab.control import lab_down, lab_up
from egress.lab.spec import LabSpec
from tests.conftest import EXAMPLE_INVENTORY
from tests.integration.conftest import TIME_SCALE

REPO = EXAMPLE_INVENTORY.parent
AMS_01 = "ams-edge-01:\n  hostname: 10.255.10.11\n"
AMS_LAN_02 = "lan: {name: GigabitEthernet2, address: 10.10.0.3}"
AMS_ISP1_01 = "isp1: {name: GigabitEthernet3, address: 198.51.100.2}"
AMS_ISP2_01 = "isp2: {name: GigabitEthernet4, address: 203.0.113.2}"
AMS_LINK1 = "{name: isp1, provider: KPN, prefix: 198.51.100.0/29, gateway: 198.51.100.1}"
AMS_BFD = "bfd: {interval_ms: 50, multiplier: 3}"
AMS_LAN = "lan: {prefix: 10.10.0.0/24, vip: 10.10.0.1, vrrp_group: 10}"
AMS_PBR = "- {name: voice, match: {dscp: ef}, via: isp2}"
AMS_HA = "ha_sync: {form: sync-pair, group_id: 1, prefix: 169.254.10.0/30, session_sync: true}"
AMS_PROBE = "- {name: isp1-icmp, type: icmp, link: isp1, target: 192.0.2.10, interval_s: 10,"


@dataclass(frozen=True)
class Case:
    id: str
    expect: str  # must appear in the output
    file: str = ""  # inventory file to edit ("" = none)
    old: str = ""
    new: str = ""
    args: tuple[str, ...] = ("diff",)  # the verb and its own options
    playbook: str | None = None  # a playbook to write and run (`egress run PLAYBOOK --yes`)
    extra: dict[str, str] = field(default_factory=dict)  # more files to write: name -> text


def _inv(id: str, file: str, old: str, new: str, expect: str, *args: str) -> Case:
    return Case(id, expect, file, old, new, args or ("diff",))


CASES = [
    # --- issue 17 item 5: inputs that used to reach devices ------------------------------
    _inv(
        "duplicate-address-in-pair",
        "hosts.yaml",
        AMS_LAN_02,
        "lan: {name: GigabitEthernet2, address: 10.10.0.2}",
        "used twice in the pair",
    ),
    _inv(
        "address-is-its-gateway",
        "hosts.yaml",
        AMS_ISP1_01,
        "isp1: {name: GigabitEthernet3, address: 198.51.100.1}",
        "is the gateway of link isp1",
    ),
    _inv(
        "lan-address-is-the-vip",
        "hosts.yaml",
        AMS_LAN_02,
        "lan: {name: GigabitEthernet2, address: 10.10.0.1}",
        "VRRP virtual address",
    ),
    _inv(
        "one-port-two-roles",
        "hosts.yaml",
        AMS_ISP2_01,
        "isp2: {name: GigabitEthernet3, address: 203.0.113.2}",
        "plays two roles",
        "commit",
        "--yes",
    ),
    _inv(
        "megabyte-description",
        "groups.yaml",
        "description: Amsterdam DC internet and VPN egress",
        "description: " + "A" * 1_000_000,
        "at most 240 characters",
    ),
    _inv(
        "long-provider",
        "groups.yaml",
        "provider: KPN,",
        "provider: " + "K" * 300 + ",",
        "at most 240 characters",
    ),
    _inv(
        "hostname-as-list",
        "hosts.yaml",
        "hostname: 10.255.10.11",
        "hostname: [10.255.10.11, 10.255.10.12]",
        "hostname must be an IP address or a DNS name",
    ),
    _inv(
        "hostname-as-text",
        "hosts.yaml",
        "hostname: 10.255.10.11",
        "hostname: 'edge; reload'",
        "hostname must be an IP address or a DNS name",
    ),
    _inv(
        "other-inventory-plugin",
        "nornir.yaml",
        "plugin: EgressInventory",
        "plugin: SimpleInventory",
        "inventory.plugin 'SimpleInventory' is not supported",
    ),
    _inv(
        "other-transform-function",
        "nornir.yaml",
        "transform_function: egress_credentials",
        "transform_function: load_credentials",
        "inventory.transform_function",
    ),
    _inv(
        "other-runner",
        "nornir.yaml",
        "plugin: threaded",
        "plugin: serial",
        "runner.plugin 'serial' is not supported",
    ),
    _inv(
        "nine-mib-hosts-file",
        "hosts.yaml",
        "# One entry per device.",
        "#" + "x" * (9 * 1024 * 1024) + "\n# One entry per device.",
        "at most 8 MiB is read",
    ),
    # --- injection and syntax --------------------------------------------------------------
    _inv(
        "newline-injection",
        "groups.yaml",
        "provider: KPN,",
        'provider: "KPN\\nusername evil privilege 15",',
        "would inject config",
    ),
    _inv(
        "quote-injection",
        "groups.yaml",
        "provider: KPN,",
        "provider: 'KPN\"; set system',",
        "would inject config",
    ),
    _inv(
        "brace-in-interface-name",
        "hosts.yaml",
        "GigabitEthernet2, address: 10.10.0.2",
        "GigabitEthernet2}, address: 10.10.0.2",
        "hosts.yaml",
    ),
    _inv(
        "malformed-yaml",
        "hosts.yaml",
        "  groups: [site_ams, ios]\n  data:\n    role: primary",
        "  groups: [site_ams, ios\n  data:\n    role: primary",
        "malformed YAML",
    ),
    _inv(
        "duplicate-host",
        "hosts.yaml",
        "ams-edge-02:\n",
        "ams-edge-01:\n",
        "ams-edge-01",
    ),
    _inv(
        "password-in-inventory",
        "hosts.yaml",
        AMS_01,
        AMS_01 + "  password: hunter2hunter2\n",
        "password must not be stored in the inventory",
    ),
    _inv(
        "unknown-platform",
        "hosts.yaml",
        AMS_01,
        AMS_01 + "  platform: nxos\n",
        "unknown platform 'nxos'",
    ),
    _inv("unknown-group", "hosts.yaml", "[site_ams, ios]", "[site_ams, ios, nope]", "nope"),
    # --- design values ---------------------------------------------------------------------
    _inv(
        "missing-role",
        "hosts.yaml",
        "    role: primary\n    interfaces:\n"
        "      lan: {name: GigabitEthernet2, address: 10.10.0.2}",
        "    interfaces:\n      lan: {name: GigabitEthernet2, address: 10.10.0.2}",
        "required field missing",
    ),
    _inv("bad-role", "hosts.yaml", "    role: primary\n", "    role: boss\n", "role"),
    _inv(
        "invalid-ip",
        "hosts.yaml",
        AMS_ISP1_01,
        "isp1: {name: GigabitEthernet3, address: 198.51.100.300}",
        "address",
    ),
    _inv(
        "address-outside-link",
        "hosts.yaml",
        AMS_ISP1_01,
        "isp1: {name: GigabitEthernet3, address: 198.51.100.9}",
        "198.51.100.9",
    ),
    _inv(
        "vip-outside-lan",
        "groups.yaml",
        AMS_LAN,
        "lan: {prefix: 10.10.0.0/24, vip: 10.99.0.1, vrrp_group: 10}",
        "VRRP virtual address",
    ),
    _inv(
        "gateway-outside-link",
        "groups.yaml",
        AMS_LINK1,
        AMS_LINK1.replace("gateway: 198.51.100.1", "gateway: 198.51.100.9"),
        "gateway",
    ),
    _inv(
        "vrrp-group-out-of-range",
        "groups.yaml",
        AMS_LAN,
        AMS_LAN.replace("vrrp_group: 10", "vrrp_group: 300"),
        "vrrp_group",
    ),
    _inv("bfd-interval-zero", "groups.yaml", AMS_BFD, AMS_BFD.replace("50", "0"), "interval_ms"),
    _inv(
        "bfd-multiplier-huge",
        "groups.yaml",
        AMS_BFD,
        AMS_BFD.replace("multiplier: 3", "multiplier: 300"),
        "multiplier",
    ),
    _inv("unknown-mode", "groups.yaml", "mode: load-sharing", "mode: anycast", "mode"),
    _inv("unknown-hashing", "groups.yaml", "hashing: five-tuple", "hashing: random", "hashing"),
    _inv(
        "pbr-via-unknown-link",
        "groups.yaml",
        AMS_PBR,
        AMS_PBR.replace("via: isp2", "via: isp9"),
        "unknown link 'isp9'",
    ),
    _inv(
        "probe-on-unknown-link",
        "groups.yaml",
        AMS_PROBE,
        AMS_PROBE.replace("link: isp1", "link: isp7"),
        "unknown link 'isp7'",
    ),
    _inv(
        "probe-unknown-type",
        "groups.yaml",
        AMS_PROBE,
        AMS_PROBE.replace("type: icmp", "type: dns"),
        "type",
    ),
    _inv(
        "ha-group-negative",
        "groups.yaml",
        AMS_HA,
        AMS_HA.replace("group_id: 1", "group_id: -1"),
        "group_id",
    ),
    _inv(
        "site-key-typo",
        "groups.yaml",
        "      hashing: five-tuple",
        "      hashng: five-tuple",
        "unknown key",
    ),
    # --- the command line ----------------------------------------------------------------------
    Case("unknown-host", "unknown host(s): nope", args=("diff", "--hosts", "nope")),
    Case("unknown-group-filter", "unknown group", args=("diff", "--group", "nope")),
    Case("unknown-platform-filter", "unknown platform", args=("diff", "--platform", "nxos")),
    Case(
        "fortios-confirm-under-ten",
        "not possible on fortios",
        args=("commit", "--yes", "--hosts", "syd-fgt-02", "--confirm", "5"),
    ),
    Case(
        "ios-confirm-not-whole-minutes",
        "not possible on ios",
        args=("commit", "--yes", "--hosts", "ams-edge-02", "--confirm", "90"),
    ),
    Case(
        "confirm-shorter-than-settle",
        "would fire before egress can confirm",
        args=("commit", "--yes", "--confirm", "60", "--settle", "55"),
    ),
    Case("commit-without-yes", "refusing to commit without --yes", args=("commit",)),
    Case(
        "rollback-unknown-change",
        "no change 'nope'",
        args=("rollback", "--yes", "--change", "nope"),
    ),
    # --- playbooks -----------------------------------------------------------------------------
    Case(
        "sixty-mb-playbook",
        "at most 1 MiB is read",
        playbook="#" + "x" * (60 * 1024 * 1024) + "\nname: big\n",
    ),
    Case(
        "playbook-unknown-step", "nope", playbook="name: p\nchange_id: p\nsteps: [render, nope]\n"
    ),
    Case(
        "playbook-confirm-fortios",
        "not possible on fortios",
        playbook="name: p\nchange_id: p\ntargets: {groups: [site_syd]}\nconfirm_s: 5\n"
        "steps: [render, lint, backup, diff, commit, validate, confirm, report]\n",
    ),
]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, LabSpec]]:
    root = tmp_path_factory.mktemp("bad-input-lab")
    inventory = root / "inventory"
    shutil.copytree(EXAMPLE_INVENTORY, inventory)
    state = root / "lab"
    spec = lab_up(inventory=inventory, state_dir=state, time_scale=TIME_SCALE)
    try:
        yield state, spec
    finally:
        lab_down(state)


def test_there_are_at_least_forty() -> None:
    assert len(CASES) >= 40
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_exits_2_before_any_device(
    case: Case, served: tuple[Path, LabSpec], tmp_path: Path
) -> None:
    state, _spec = served
    inventory = tmp_path / "inventory"
    shutil.copytree(EXAMPLE_INVENTORY, inventory)
    if case.file:
        path = inventory / case.file
        text = path.read_text()
        assert case.old in text, f"{case.id}: {case.old!r} not in {case.file}"
        path.write_text(text.replace(case.old, case.new, 1))
    changes = tmp_path / "changes"
    common = [
        "-i",
        str(inventory),
        "--lab",
        "--lab-state",
        str(state),
        "--changes-dir",
        str(changes),
    ]
    if case.playbook is not None:
        book = tmp_path / "playbook.yaml"
        book.write_text(case.playbook)
        argv = ["run", str(book), *common, "--yes"]
    else:
        verb, *options = case.args
        argv = [verb, *common, *options]
    before = sessions_opened(state)
    result = CliRunner().invoke(app, argv, env={"COLUMNS": "200"})
    assert result.exit_code == 2, (case.id, result.output[-2000:])
    assert case.expect in result.output, (case.id, result.output[-2000:])
    assert "Traceback" not in result.output
    assert sessions_opened(state) == before, f"{case.id}: a device was contacted"
    # nothing was recorded for a run that never started
    assert not changes.exists() or not any(changes.rglob("*.cfg"))


def test_the_session_count_sees_a_real_run(served: tuple[Path, LabSpec], tmp_path: Path) -> None:
    """The counter the cases rely on: a valid dry-run does open sessions."""
    state, _spec = served
    before = sessions_opened(state)
    args = ["diff", "-i", str(EXAMPLE_INVENTORY), "--lab", "--lab-state", str(state)]
    result = CliRunner().invoke(
        app, [*args, "--changes-dir", str(tmp_path / "c"), "--hosts", "ams-edge-01"]
    )
    assert result.exit_code in (0, 1), result.output
    assert sessions_opened(state) > before
