"""Issue 11 on the lab, over SSH/NETCONF with the unmodified drivers: change windows after the
first push only what differs (with IOS-XE refusing SLA re-entry), egress refuses objects it
did not write unless told to take them over, and `--replace` keeps what egress does not own."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from napalm.base.exceptions import MergeConfigException

from egress.devices.configtext import residue
from egress.lab.base import management_address
from egress.lab.control import lab_down, lab_up
from tests.conftest import EXAMPLE_INVENTORY, REPO
from tests.integration.conftest import TIME_SCALE, Lab
from tests.integration.deploy.helpers import commit_on_device, egress, running_config, summary
from tests.integration.test_run_lab import run

CHANGED = ("committed", "mirrored")
SITES = ("ams", "fra", "lon", "nyc", "sin", "syd")
BFD = {"sites": ["all"], "set": {"bfd": {"interval_ms": 150, "multiplier": 3}}}
STEPS = ["render", "lint", "backup", "diff", "commit", "validate", "confirm", "rollback", "report"]


def playbook(tmp_path: Path, name: str, design: list[dict[str, Any]]) -> Path:
    path = tmp_path / f"{name}.yaml"
    body = {
        "name": name,
        "change_id": name,
        "batches": {"canary": ["ams"], "sites_per_batch": 3},
        "confirm_s": 1800,
        "settle_s": 40,
        "rollback": "batch",
        "steps": STEPS,
    }
    if design:
        body["design"] = design
    path.write_text(yaml.safe_dump(body, sort_keys=False))
    return path


def probe_and_pbr_change(inventory: Path) -> list[dict[str, Any]]:
    """Per site: the first probe gets a new target, a new probe is added, voice moves to isp1."""
    groups = yaml.safe_load((inventory / "groups.yaml").read_text())
    overrides: list[dict[str, Any]] = [BFD]
    for site in SITES:
        probes = [dict(p) for p in groups[f"site_{site}"]["data"]["site"]["probes"]]
        probes[0]["target"] = "192.0.2.77"
        probes.append(
            {"name": "isp1-extra", "type": "icmp", "link": "isp1", "target": "192.0.2.88"}
        )
        overrides.append(
            {
                "sites": [site],
                "set": {
                    "probes": probes,
                    "pbr": [{"name": "voice", "match": {"dscp": "ef"}, "via": "isp1"}],
                },
            }
        )
    return overrides


def diff_of(outcome: dict[str, Any], lab: Lab, host: str, name: str = "diff.txt") -> list[str]:
    """The reviewer's diff (before/after); ``sent.txt``: what the device was sent."""
    change = next(p for p in lab.changes.iterdir() if p.name.startswith(outcome["change_id"]))
    path = change / host / name
    return path.read_text().splitlines() if path.exists() else []


def assert_all_changed(code: int, outcome: dict[str, Any], output: str) -> None:
    assert code == 0, output
    outcomes = {h: o["outcome"] for h, o in outcome["hosts"].items()}
    assert len(outcomes) == 12 and set(outcomes.values()) <= set(CHANGED), outcomes


def test_three_change_windows_push_only_what_differs(lab: Lab, tmp_path: Path) -> None:
    # window 1: the rollout
    code, outcome, output = run(lab, playbook(tmp_path, "w1-rollout", []), "--yes")
    assert_all_changed(code, outcome, output)

    # what egress did before issue 11 (merge the whole rendered file again) now fails on the
    # lab as on an IOS-XE router: `ip sla 1` is running and cannot be modified
    rendered = (Path(__file__).parents[2] / "golden" / "ams-edge-01.cfg").read_text()
    with pytest.raises(MergeConfigException, match="Invalid input"):
        commit_on_device(lab, "ams-edge-01", rendered)

    # window 2: BFD timers everywhere; each diff is the timers and nothing else, and the
    # dry-run showed exactly what the commit then sent
    code, preview, output = run(lab, playbook(tmp_path, "w2-bfd-preview", [BFD]))
    assert code == 0, output
    code, outcome, output = run(lab, playbook(tmp_path, "w2-bfd", [BFD]), "--yes")
    assert_all_changed(code, outcome, output)
    for host in outcome["hosts"]:
        assert diff_of(preview, lab, host) == diff_of(outcome, lab, host), host
        assert diff_of(preview, lab, host, "sent.txt") == diff_of(outcome, lab, host, "sent.txt")
    # one form for every vendor: old and new values, unchanged parents as context
    assert diff_of(outcome, lab, "ams-edge-01") == [
        " interface GigabitEthernet3",
        "- bfd interval 50 min_rx 50 multiplier 3",
        "+ bfd interval 150 min_rx 150 multiplier 3",
        " interface GigabitEthernet4",
        "- bfd interval 50 min_rx 50 multiplier 3",
        "+ bfd interval 150 min_rx 150 multiplier 3",
    ]
    assert diff_of(outcome, lab, "ams-edge-01", "sent.txt") == [
        "+interface GigabitEthernet3",
        "+ bfd interval 150 min_rx 150 multiplier 3",
        "+interface GigabitEthernet4",
        "+ bfd interval 150 min_rx 150 multiplier 3",
    ]
    assert diff_of(outcome, lab, "syd-fgt-01") == [
        " config system settings",
        "-    set bfd-desired-min-tx 50",
        "+    set bfd-desired-min-tx 150",
        "-    set bfd-required-min-rx 50",
        "+    set bfd-required-min-rx 150",
    ]
    assert diff_of(outcome, lab, "syd-fgt-01", "sent.txt") == [
        "config system settings",
        "    set bfd-desired-min-tx 150",
        "    set bfd-required-min-rx 150",
        "end",
    ]
    junos = diff_of(outcome, lab, "nyc-srx-01")
    changed = [line for line in junos if line[:1] in "+-"]
    assert changed and all("minimum-interval" in line for line in changed), junos

    # window 3: a probe gets a new target, a new probe, voice steered over isp1
    change = probe_and_pbr_change(lab.inventory)
    code, preview, output = run(lab, playbook(tmp_path, "w3-preview", change))
    assert code == 0, output
    code, outcome, output = run(lab, playbook(tmp_path, "w3-probes-pbr", change), "--yes")
    assert_all_changed(code, outcome, output)
    for host in outcome["hosts"]:
        assert diff_of(preview, lab, host) == diff_of(outcome, lab, host), host
    ios = diff_of(outcome, lab, "ams-edge-01", "sent.txt")
    at = ios.index("-no ip sla 1")  # removed and re-created, as IOS needs
    assert ios[at + 1 : at + 3] == [
        "+ip sla 1",
        "+ icmp-echo 192.0.2.77 source-interface GigabitEthernet3",
    ]
    assert "+ip sla schedule 1 life forever start-time now" in ios
    assert "+ip sla 3" in ios and "+ip sla schedule 3 life forever start-time now" in ios
    assert not any("ip sla 2" in line or "ip sla schedule 2" in line for line in ios)
    assert "+ set ip next-hop verify-availability 198.51.100.1 1 track 1" in ios
    review = diff_of(outcome, lab, "ams-edge-01")
    assert (
        " ip sla 1" in review
        and "+ icmp-echo 192.0.2.77 source-interface GigabitEthernet3" in review
    )
    fgt = diff_of(outcome, lab, "syd-fgt-01", "sent.txt")
    assert '        set server "192.0.2.77"' in fgt and '    edit "isp1-extra"' in fgt
    assert "        set gateway 198.51.100.41" in fgt  # the voice policy, via isp1

    # a fourth run of the same design: nothing to send anywhere
    code, outcome, output = run(lab, playbook(tmp_path, "w4-again", change))
    assert code == 0, output
    assert {o["outcome"] for o in outcome["hosts"].values()} == {"unchanged"}, outcome["hosts"]


# -- brownfield ----------------------------------------------------------------------------
@pytest.fixture
def brownfield(tmp_path: Path) -> Iterator[Lab]:
    inventory = tmp_path / "inventory"
    shutil.copytree(EXAMPLE_INVENTORY, inventory)
    state = tmp_path / "lab"
    spec = lab_up(inventory=inventory, state_dir=state, time_scale=TIME_SCALE, brownfield=True)
    try:
        yield Lab(state=state, inventory=inventory, changes=tmp_path / "changes", spec=spec)
    finally:
        lab_down(state)


def test_brownfield_foreign_objects_refused_taken_over_and_rolled_back(brownfield: Lab) -> None:
    lab = brownfield
    before = {d.name: running_config(lab, d.name) for d in lab.spec.devices}
    refused = egress("diff", *lab.args())
    assert refused.exit_code == 2, refused.output
    for expected in (
        "ams-edge-01: IP SLA operation 1 is held",
        "syd-fgt-01: router static 901 is held",
        "set dst 192.168.0.0 255.255.0.0",
        "syd-fgt-01: router policy 10 is held",
        "nyc-srx-01: policy-options policy-statement EGRESS-ECMP is held",
        "lon-srx-01: routing-options static route 0.0.0.0/0 is held",
    ):
        assert expected in refused.output, expected
    assert not lab.changes.exists() or not any(lab.changes.rglob("pre.cfg"))  # nothing read in
    code, outcome, output = run(lab, REPO / "playbooks" / "rollout.yaml", "--yes")
    assert code == 2, output  # a playbook is refused the same way, nothing sent
    assert outcome["status"] == "refused" and "router policy 10 is held" in output

    taken = egress("commit", *lab.args(), "--yes", "--confirm", "1800", "--take-over", "--json")
    assert taken.exit_code == 0, taken.output
    hosts = summary(taken)["hosts"]
    assert {o["outcome"] for o in hosts.values()} <= set(CHANGED), hosts
    fgt = running_config(lab, "syd-fgt-01")
    static = fgt[fgt.index("config router static") :]
    static = static[: static.index("\nend")]
    assert "192.168.0.0" not in static  # no foreign field left in egress's entry 901
    policy = fgt[fgt.index("config router policy") :]
    policy = policy[: policy.index("\nend")]
    assert "5060" not in policy and "set protocol" not in policy
    port1 = management_address("syd-fgt-01", network="192.168.1")
    assert 'edit "netops"' in fgt and port1 in fgt  # the operator's admin and port1
    ios = running_config(lab, "ams-edge-01")
    assert "172.31.255.1 source-interface" not in ios and "username netops" in ios
    assert "next-hop 192.0.2.254" not in running_config(lab, "nyc-srx-01")

    change_id = summary(taken)["change_id"]
    back = egress("rollback", "--change", change_id, *lab.args(), "--yes")
    # every device, cluster members too (backed up before their primaries were changed)
    assert back.exit_code == 0, back.output
    for host, text in before.items():
        platform = lab.spec.device(host).platform
        assert not residue(platform, text, running_config(lab, host)), host
    assert "ams-edge-01: restored to its backup" in back.output


# -- safe replace --------------------------------------------------------------------------
KEPT = {
    "ams-edge-01": ("username egress", "archive", "line vty 0 4", "interface GigabitEthernet1"),
    "nyc-srx-01": ("login {", "user egress", "services {", "netconf"),
    "syd-fgt-01": (
        'edit "admin"',
        'edit "port1"',
        management_address("syd-fgt-01", network="192.168.1"),
    ),
}


def test_replace_keeps_management_users_and_works_on_junos(lab: Lab) -> None:
    hosts = ",".join(KEPT)
    result = egress(
        "commit",
        *lab.args(),
        "--hosts",
        hosts,
        "--yes",
        "--confirm",
        "1800",
        "--replace",
        "--no-post-check",
        "--json",
    )
    assert result.exit_code == 0, result.output
    assert {o["outcome"] for o in summary(result)["hosts"].values()} == {"committed"}
    for host, kept in KEPT.items():
        text = running_config(lab, host)
        for line in kept:
            assert line in text, (host, line)
    again = egress("diff", *lab.args(), "--hosts", hosts, "--replace", "--json")
    assert {o["outcome"] for o in summary(again)["hosts"].values()} == {"unchanged"}
