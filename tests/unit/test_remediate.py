"""Remediation per platform: only what differs in egress's owned sections, each vendor's way,
and objects egress did not write refused. Device behaviour comes from the lab's engines (the
same ones the integration tests drive over SSH/NETCONF)."""

from __future__ import annotations

from pathlib import Path

import pytest

from egress.lab.base import LabCredentials, management_address
from egress.lab.brownfield import FORTIOS, IOS, JUNOS, fortios_config, ios_config
from egress.lab.fortios.device import base_config as fortios_base
from egress.lab.fortios.engine import apply_script
from egress.lab.ios.baseline import base_config as ios_base
from egress.lab.ios.config import ConfigEditor, Outcome, parse_config, render_body
from egress.lab.junos.config import parse_text
from egress.lab.junos.device import base_config as junos_base
from egress.lab.junos.setfmt import apply_set, render_set
from egress.remediate import Remediation, plan, previous_intended
from napalm_fortios.diff import diff as fortios_diff
from napalm_fortios.review import review as fortios_review
from napalm_fortios.tree import parse as fortios_parse
from napalm_fortios.tree import render as fortios_render
from tests.conftest import REPO

GOLDEN = REPO / "tests" / "golden"


def golden(host: str) -> str:
    return (GOLDEN / f"{host}.cfg").read_text()


# -- IOS-XE ------------------------------------------------------------------------------
def ios_apply(running: str, text: str) -> tuple[str, list[str]]:
    """Merge ``text`` as the IOS lab's `copy … running-config` does; (running, refused)."""
    root = parse_config(running)
    editor = ConfigEditor(root)
    refused = []
    for line in text.splitlines():
        result = editor.feed(line)
        if result.outcome is Outcome.END:
            break
        if result.outcome is Outcome.REJECTED:
            refused.append(line)
    return "\n".join(render_body(root)) + "\nend\n", refused


def ios_plan(
    running: str,
    rendered: str,
    previous: str | None,
    *,
    take_over: bool = False,
    replace: bool = False,
) -> Remediation:
    return plan(
        "ios",
        "ams-edge-01",
        running=running,
        rendered=rendered,
        previous=previous,
        take_over=take_over,
        replace=replace,
    )


@pytest.fixture
def ios_rolled_out() -> str:
    base = ios_base("ams-edge-01", credentials=LabCredentials())
    first = plan("ios", "ams-edge-01", running=base, rendered=golden("ams-edge-01"), previous=None)
    running, refused = ios_apply(base, first.loads[0].text)
    assert not refused
    return running


def test_ios_holding_the_intended_config_plans_nothing_without_hier_config(
    ios_rolled_out: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A commit's verify and confirm, and a dry-run of an unchanged device, find the owned
    lines equal: nothing to send, and no hier_config trees built to say so."""
    import egress.platforms.ios.remediate as ios_remediate

    rendered = golden("ams-edge-01")
    built: list[str] = []
    real = ios_remediate.get_hconfig

    def counted(*args: object, **kwargs: object) -> object:
        built.append("tree")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ios_remediate, "get_hconfig", counted)
    again = ios_plan(ios_rolled_out, rendered, rendered, take_over=True)
    assert again.empty and again.shown == "" and built == []
    # one owned line away from it: hier_config plans it, as before
    edited = ios_rolled_out.replace("uplink isp1 KPN", "uplink isp1 KPN-old", 1)
    assert edited != ios_rolled_out
    fixed = ios_plan(edited, rendered, rendered, take_over=True)
    assert "description EGRESS ams uplink isp1 KPN" in fixed.candidate and built


def test_ios_rollout_order_is_the_order_ios_needs() -> None:
    base = ios_base("ams-edge-01", credentials=LabCredentials())
    lines = ios_plan(base, golden("ams-edge-01"), None).candidate.splitlines()
    vrrp = next(i for i, line in enumerate(lines) if line.startswith(" vrrp "))
    assert lines.index("fhrp version vrrp v3") < vrrp
    assert lines.index("redundancy") > max(i for i, x in enumerate(lines) if x.startswith("track"))


def test_ios_rollout_sends_the_bgp_config(ios_rolled_out: str) -> None:
    # issue 19: the prefix-lists the outbound route-maps match and the BGP process are
    # egress's too, so the announcement is pushed, not only rendered
    for line in (
        "ip prefix-list EGRESS-BGP-OUT-ISP1 seq 5 permit 192.0.2.128/28",
        "router bgp 65010",
        "  network 192.0.2.128 mask 255.255.255.240",
        "  neighbor 198.51.100.1 route-map EGRESS-BGP-OUT-ISP1 out",
    ):
        assert line in ios_rolled_out.splitlines(), line


def test_ios_whole_file_remerge_fails_as_on_a_router(ios_rolled_out: str) -> None:
    # what egress did before issue 11: merge the whole rendered file again
    _, refused = ios_apply(ios_rolled_out, golden("ams-edge-01"))
    assert "ip sla 1" in refused  # %Entry already running and cannot be modified


def test_ios_second_run_is_empty(ios_rolled_out: str) -> None:
    again = ios_plan(ios_rolled_out, golden("ams-edge-01"), golden("ams-edge-01"))
    assert again.empty and not again.foreign


def test_ios_bfd_change_sends_only_the_timers(ios_rolled_out: str) -> None:
    rendered = golden("ams-edge-01").replace(
        "bfd interval 50 min_rx 50", "bfd interval 150 min_rx 150"
    )
    change = ios_plan(ios_rolled_out, rendered, golden("ams-edge-01"))
    assert change.candidate.splitlines() == [
        "interface GigabitEthernet3",
        " bfd interval 150 min_rx 150 multiplier 3",
        "interface GigabitEthernet4",
        " bfd interval 150 min_rx 150 multiplier 3",
    ]
    running, refused = ios_apply(ios_rolled_out, change.loads[0].text)
    assert not refused
    assert ios_plan(running, rendered, rendered).empty


def test_ios_changed_sla_is_removed_recreated_and_rescheduled(ios_rolled_out: str) -> None:
    rendered = golden("ams-edge-01").replace("icmp-echo 192.0.2.10", "icmp-echo 192.0.2.99")
    change = ios_plan(ios_rolled_out, rendered, golden("ams-edge-01"))
    lines = change.candidate.splitlines()
    assert lines[0] == "no ip sla 1"
    assert lines[1:3] == ["ip sla 1", " icmp-echo 192.0.2.99 source-interface GigabitEthernet3"]
    assert "ip sla schedule 1 life forever start-time now" in lines
    # the unchanged operation and the tracks are never re-sent
    assert not any(line.startswith(("ip sla 2", "track ", "ip sla schedule 2")) for line in lines)
    running, refused = ios_apply(ios_rolled_out, change.loads[0].text)
    assert not refused
    assert "icmp-echo 192.0.2.99" in running and "ip sla schedule 1 life" in running
    assert "track 1 ip sla 1 reachability" in running
    assert ios_plan(running, rendered, rendered).empty
    # the dry-run shows exactly these lines, napalm-style marked
    assert change.shown is not None
    assert change.shown.splitlines()[0] == "-no ip sla 1"
    assert [line[1:] for line in change.shown.splitlines()] == lines


def test_ios_foreign_sla_is_refused_and_taken_over_on_request() -> None:
    brown = ios_config(ios_base("ams-edge-01", credentials=LabCredentials()))
    refused = ios_plan(brown, golden("ams-edge-01"), None)
    assert refused.empty
    assert {f.obj for f in refused.foreign} == {"IP SLA operation 1", "track 2"}
    taken = ios_plan(brown, golden("ams-edge-01"), None, take_over=True)
    running, errors = ios_apply(brown, taken.loads[0].text)
    assert not errors
    assert "icmp-echo 172.31.255.1" not in running  # no foreign line left in ip sla 1
    assert "username netops" in running and "aaa new-model" in running


def test_ios_replace_candidate_keeps_everything_egress_does_not_own(ios_rolled_out: str) -> None:
    # as `show running-config` prints it, headers included
    brown = "Building configuration...\n\nCurrent configuration : 4711 bytes\n" + ios_config(
        ios_rolled_out
    )
    candidate = ios_plan(
        brown, golden("ams-edge-01"), golden("ams-edge-01"), take_over=True, replace=True
    ).candidate
    assert not any(
        line.startswith(("Building", "Current configuration")) for line in candidate.splitlines()
    )
    for kept in (
        "username egress",
        "username netops",
        "archive",
        " path flash:archive",
        "line vty 0 4",
        " login local",
        "interface GigabitEthernet1",
        f" ip address {management_address('ams-edge-01', network='172.31.255')} 255.255.255.0",
        "ip scp server enable",
    ):
        assert any(line.startswith(kept) for line in candidate.splitlines()), kept


# -- FortiOS -----------------------------------------------------------------------------
def fgt_plan(
    running: str, rendered: str, previous: str | None, *, take_over: bool = False
) -> Remediation:
    return plan(
        "fortios",
        "syd-fgt-01",
        running=running,
        rendered=rendered,
        previous=previous,
        take_over=take_over,
    )


def test_fortios_foreign_entries_are_refused_then_made_exactly_intended() -> None:
    brown = fortios_config(fortios_base("syd-fgt-01"))
    refused = fgt_plan(brown, golden("syd-fgt-01"), None)
    assert {f.obj for f in refused.foreign} == {"router static 901", "router policy 10"}
    assert refused.empty
    taken = fgt_plan(brown, golden("syd-fgt-01"), None, take_over=True)
    running = fortios_parse(brown)
    script = fortios_diff(running, fortios_parse(taken.loads[0].text), prune=True)
    assert "        unset dst" in script  # the foreign field is removed, not kept
    assert not apply_script(running, "\n".join(script))
    static = running.find("router static", "901")
    policy = running.find("router policy", "10")
    assert static is not None and static.get("dst") is None
    assert policy is not None and policy.get("protocol") is None
    assert policy.get("start-port") is None and policy.value("comments") == "EGRESS voice"
    # admin and port1 are the operator's: untouched
    assert running.find("system admin", "netops") is not None
    port1 = running.find("system interface", "port1")
    assert port1 is not None and port1.value("ip") == (
        f"{management_address('syd-fgt-01', network='192.168.1')} 255.255.255.0"
    )


def test_fortios_edit_of_an_existing_entry_keeps_fields_it_is_not_told_to_change() -> None:
    # the lab as a FortiGate: this is why a merge kept the foreign `dst` (issue 11, item 2)
    running = fortios_parse(fortios_config(fortios_base("syd-fgt-01")))
    merge = "config router static\n    edit 901\n        set gateway 198.51.100.41\n    next\nend\n"
    assert not apply_script(running, merge)
    entry = running.find("router static", "901")
    assert entry is not None and entry.value("dst") == "192.168.0.0 255.255.0.0"
    assert entry.value("gateway") == "198.51.100.41"


def test_fortios_change_sends_only_changed_fields() -> None:
    running = fortios_parse(fortios_base("syd-fgt-01"))
    first = fgt_plan(fortios_render(running), golden("syd-fgt-01"), None)
    apply_script(running, "\n".join(fortios_diff(running, fortios_parse(first.loads[0].text))))
    text = fortios_render(running)
    assert fgt_plan(text, golden("syd-fgt-01"), golden("syd-fgt-01")).empty
    rendered = golden("syd-fgt-01").replace('set server "192.0.2.10"', 'set server "192.0.2.99"')
    change = fgt_plan(text, rendered, golden("syd-fgt-01"))
    assert not change.foreign  # egress's own link-monitor, found in its record
    script = fortios_diff(running, fortios_parse(change.loads[0].text), prune=True)
    assert script == [
        "config system link-monitor",
        '    edit "isp1-icmp"',
        '        set server "192.0.2.99"',
        "    next",
        "end",
    ]


# -- Junos -------------------------------------------------------------------------------
def junos_running(*, brownfield: bool = False) -> str:
    tree, _ = parse_text(junos_base(hostname="nyc-srx-01", username="egress", ports=6))
    if brownfield:
        apply_set(tree, JUNOS)
    return render_set(tree)


def junos_apply(running: str, text: str) -> str:
    tree, _ = parse_text("")
    assert not apply_set(tree, running)
    assert not apply_set(tree, text)
    return render_set(tree)


def test_junos_delete_and_set_per_owned_hierarchy() -> None:
    base = junos_running()
    first = plan("junos", "nyc-srx-01", running=base, rendered=golden("nyc-srx-01"), previous=None)
    running = junos_apply(base, first.loads[0].text)
    again = plan(
        "junos",
        "nyc-srx-01",
        running=running,
        rendered=golden("nyc-srx-01"),
        previous=golden("nyc-srx-01"),
    )
    assert again.empty
    # the static routes' BFD only (the BGP groups' sessions have their own, issue 19)
    rendered = "".join(
        line.replace("minimum-interval 50", "minimum-interval 150")
        if line.startswith("set routing-options static route 0.0.0.0/0")
        else line
        for line in golden("nyc-srx-01").splitlines(keepends=True)
    )
    change = plan(
        "junos", "nyc-srx-01", running=running, rendered=rendered, previous=golden("nyc-srx-01")
    )
    lines = change.loads[0].text.splitlines()
    assert lines[0] == "delete routing-options static route 0.0.0.0/0"
    assert all(line.startswith("set routing-options static route 0.0.0.0/0 ") for line in lines[1:])
    after = junos_apply(running, change.loads[0].text)
    statics = [line for line in after.splitlines() if line.startswith("set routing-options static")]
    assert any("minimum-interval 150" in line for line in statics)
    assert not any(line.endswith("minimum-interval 50") for line in statics)


def test_junos_foreign_route_and_policy_are_refused() -> None:
    brown = junos_running(brownfield=True)
    refused = plan(
        "junos", "nyc-srx-01", running=brown, rendered=golden("nyc-srx-01"), previous=None
    )
    assert {f.obj for f in refused.foreign} == {
        "routing-options static route 0.0.0.0/0",
        "policy-options policy-statement EGRESS-ECMP",
    }
    taken = plan(
        "junos",
        "nyc-srx-01",
        running=brown,
        rendered=golden("nyc-srx-01"),
        previous=None,
        take_over=True,
    )
    after = junos_apply(brown, taken.loads[0].text)
    assert "next-hop 192.0.2.254" not in after and "term old" not in after
    assert "set system login user netops class super-user" in after


def test_junos_replace_loads_the_running_config_then_the_lines() -> None:
    taken = plan(
        "junos",
        "nyc-srx-01",
        running=junos_running(),
        rendered=golden("nyc-srx-01"),
        previous=None,
        replace=True,
        backup="system { host-name x; }\n",
    )
    assert [load.replace for load in taken.loads] == [True, False]
    assert taken.loads[0].text.startswith("system {")  # never set lines with overwrite
    assert taken.loads[1].text.startswith("set ")


# -- the change record ----------------------------------------------------------------------
def test_previous_intended_is_the_newest_committed_record(tmp_path: Path) -> None:
    import json
    import os

    for name, outcome, dry, text, stamp in (
        ("a", "committed", False, "old\n", 1),
        ("b", "committed", False, "new\n", 2),
        ("c", "would-change", True, "dry\n", 3),
        ("d", "rolled-back", False, "failed\n", 4),
    ):
        (tmp_path / name / "h1").mkdir(parents=True)
        (tmp_path / name / "h1" / "intended.cfg").write_text(text)
        summary = tmp_path / name / "summary.json"
        summary.write_text(json.dumps({"dry_run": dry, "hosts": {"h1": {"outcome": outcome}}}))
        os.utime(summary, (stamp, stamp))
    assert previous_intended(tmp_path, "h1") == "new\n"
    assert previous_intended(tmp_path, "h2") is None


def test_brownfield_configs_are_parseable() -> None:
    assert "ip sla 1" in IOS and "edit 901" in FORTIOS and "EGRESS-ECMP" in JUNOS


def test_junos_shared_value_lists_keep_the_operators_values() -> None:
    base = junos_running()
    first = plan("junos", "nyc-srx-01", running=base, rendered=golden("nyc-srx-01"), previous=None)
    running = junos_apply(base, first.loads[0].text)
    running = junos_apply(running, "set routing-options forwarding-table export OPS-EXPORT\n")
    again = plan(
        "junos",
        "nyc-srx-01",
        running=running,
        rendered=golden("nyc-srx-01"),
        previous=golden("nyc-srx-01"),
    )
    assert again.empty  # the operator's export policy beside egress's is not egress's to remove


# -- the review diff: one before/after form for every vendor (issue 13) -------------------
def test_ios_review_shows_enabling_a_port_as_removing_shutdown(ios_rolled_out: str) -> None:
    # napalm's merge diff prints `-no shutdown` (a removal in red) for a line that enables a
    # port; the reviewer reads what the port loses: `shutdown`
    running = ios_rolled_out.replace(
        "interface GigabitEthernet4\n", "interface GigabitEthernet4\n shutdown\n", 1
    )
    change = ios_plan(running, golden("ams-edge-01"), golden("ams-edge-01"))
    assert change.shown is not None and " no shutdown" in change.shown  # what is sent
    review = change.review
    assert review is not None
    assert review.splitlines() == [" interface GigabitEthernet4", "- shutdown"]


def test_ios_review_shows_old_and_new_values(ios_rolled_out: str) -> None:
    rendered = golden("ams-edge-01").replace("icmp-echo 192.0.2.10", "icmp-echo 192.0.2.99")
    change = ios_plan(ios_rolled_out, rendered, golden("ams-edge-01"))
    review = change.review
    assert review is not None
    lines = review.splitlines()
    # the operation is re-created when sent; the reviewer sees only the target change
    assert lines[0] == " ip sla 1"
    assert "- icmp-echo 192.0.2.10 source-interface GigabitEthernet3" in lines
    assert "+ icmp-echo 192.0.2.99 source-interface GigabitEthernet3" in lines
    assert not any(line.startswith(("-no ", "+no ")) for line in lines)


def test_fortios_review_shows_old_and_new_values() -> None:
    running = fortios_parse(fortios_base("syd-fgt-01"))
    first = fgt_plan(fortios_render(running), golden("syd-fgt-01"), None)
    apply_script(running, "\n".join(fortios_diff(running, fortios_parse(first.loads[0].text))))
    rendered = golden("syd-fgt-01").replace('set server "192.0.2.10"', 'set server "192.0.2.99"')
    change = fgt_plan(fortios_render(running), rendered, golden("syd-fgt-01"))
    assert change.review is None  # the driver reviews: it holds the values it compared
    script = fortios_diff(running, fortios_parse(change.loads[0].text), prune=True)
    assert fortios_review("\n".join(script), running).splitlines() == [
        " config system link-monitor",
        '     edit "isp1-icmp"',
        '-        set server "192.0.2.10"',
        '+        set server "192.0.2.99"',
    ]


def test_fortios_review_of_a_taken_over_entry_shows_the_foreign_field_removed() -> None:
    brown = fortios_config(fortios_base("syd-fgt-01"))
    taken = fgt_plan(brown, golden("syd-fgt-01"), None, take_over=True)
    running = fortios_parse(brown)
    script = fortios_diff(running, fortios_parse(taken.loads[0].text), prune=True)
    lines = fortios_review("\n".join(script), running).splitlines()
    at = lines.index("     edit 901")
    assert "-        set dst 192.168.0.0 255.255.0.0" in lines[at:]
    assert not any(line.startswith("+") and "unset" in line for line in lines)
