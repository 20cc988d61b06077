"""The BGP advertisement checks (issue 19) on output in the devices' own layouts (the layout
of the real captures under tests/fixtures/real-captures-bgp)."""

from __future__ import annotations

from egress.model.inventory import load_nornir
from egress.model.sites import InventoryFiles, build_intents
from egress.parse import parse_output
from egress.parse.schema import BaseRecord, Bfd, BgpSession
from egress.validate_bgp import (
    bgp_checks,
    bgp_commands,
    bgp_unchecked,
    drill_withdrawn,
    session_checks,
)
from tests.conftest import EXAMPLE_INVENTORY

INTENTS = build_intents(
    load_nornir(EXAMPLE_INVENTORY).inventory, files=InventoryFiles.in_dir(EXAMPLE_INVENTORY)
)

IOS_HEADER = """BGP table version is 3, local router ID is 198.51.100.2
Status codes: s suppressed, d damped, h history, * valid, > best, i - internal,
              r RIB-failure, S Stale, m multipath, b backup-path, f RT-Filter,
              x best-external, a additional-path, c RIB-compressed,
Origin codes: i - IGP, e - EGP, ? - incomplete
RPKI validation codes: V valid, I invalid, N Not found

     Network          Next Hop            Metric LocPrf Weight Path
"""


def _ios(*prefixes: str) -> list[BaseRecord]:
    lines = [f" *>   {p:<16} 0.0.0.0                  0         32768 i" for p in prefixes]
    text = IOS_HEADER + "\n".join(lines) + f"\n\nTotal number of prefixes {len(prefixes)}\n"
    if not prefixes:
        text = ""  # IOS prints nothing when it advertises nothing
    return parse_output(
        platform="ios", command="show ip bgp neighbors 198.51.100.1 advertised-routes", text=text
    )


def _junos(*prefixes: str) -> list[BaseRecord]:
    text = "\ninet.0: 9 destinations, 9 routes (9 active, 0 holddown, 0 hidden)\n"
    text += "  Prefix                  Nexthop              MED     Lclpref    AS path\n"
    text += "".join(f"* {p:<22} Self                                    I\n" for p in prefixes)
    return parse_output(
        platform="junos", command="show route advertising-protocol bgp 198.51.100.25", text=text
    )


def _failed(checks: list) -> list[str]:  # type: ignore[type-arg]
    return [f"{c.subject}: {c.expected} / {c.observed}" for c in checks if not c.passed]


def test_commands_name_each_neighbor() -> None:
    assert bgp_commands(INTENTS["ams-edge-01"]) == {
        "198.51.100.1": "show ip bgp neighbors 198.51.100.1 advertised-routes",
        "203.0.113.1": "show ip bgp neighbors 203.0.113.1 advertised-routes",
    }
    assert bgp_commands(INTENTS["nyc-srx-01"])["198.51.100.25"] == (
        "show route advertising-protocol bgp 198.51.100.25"
    )


def test_a_healthy_member_advertises_the_sites_prefix_to_each_isp() -> None:
    intent = INTENTS["ams-edge-01"]
    advertised = {"198.51.100.1": _ios("192.0.2.128/28"), "203.0.113.1": _ios("192.0.2.128/28")}
    checks = bgp_checks(intent, advertised)
    assert len(checks) == 2 and _failed(checks) == []


def test_a_missing_announcement_and_a_foreign_prefix_fail() -> None:
    intent = INTENTS["ams-edge-01"]
    advertised = {"198.51.100.1": _ios("10.10.0.0/24"), "203.0.113.1": _ios("192.0.2.128/28")}
    assert _failed(bgp_checks(intent, advertised)) == [
        "bgp to 198.51.100.1 (isp1) 192.0.2.128/28: advertised / not advertised",
        "bgp to 198.51.100.1 (isp1) 10.10.0.0/24: not advertised / advertised",
    ]


def test_a_failed_member_must_have_withdrawn_and_the_healthy_one_must_not() -> None:
    failed, healthy = INTENTS["nyc-srx-01"], INTENTS["nyc-srx-02"]
    withdrawn = {"nyc-srx-01": frozenset({"isp1", "isp2"})}  # its LAN went down
    gone = {"198.51.100.25": _junos(), "203.0.113.25": _junos()}
    still = {"198.51.100.25": _junos("192.0.2.176/28"), "203.0.113.25": _junos()}
    kept = {"198.51.100.25": _junos("192.0.2.176/28"), "203.0.113.25": _junos("192.0.2.176/28")}
    assert _failed(bgp_checks(failed, gone, withdrawn=withdrawn)) == []
    assert _failed(bgp_checks(failed, still, withdrawn=withdrawn)) == [
        "bgp to 198.51.100.25 (isp1) 192.0.2.176/28: withdrawn / advertised"
    ]
    assert _failed(bgp_checks(healthy, kept, withdrawn=withdrawn)) == []
    assert _failed(bgp_checks(healthy, gone, withdrawn=withdrawn)) != []


def test_unparsable_output_fails_its_neighbor() -> None:
    checks = bgp_checks(
        INTENTS["ams-edge-01"], {}, unparsed={"198.51.100.1": "command failed: % Invalid input"}
    )
    isp1 = [c for c in checks if c.subject.startswith("bgp to 198.51.100.1 ")]
    assert [(c.passed, c.observed) for c in isp1] == [(False, "command failed: % Invalid input")]


def test_a_drill_names_the_withdrawn_links() -> None:
    ams = INTENTS["ams-edge-01"]
    # HOST:LINK: only the cut link's ISP loses the announcement
    assert drill_withdrawn(
        ams, failover=frozenset({"ams-edge-01"}), cut=frozenset({"isp1"})
    ) == frozenset({"isp1"})
    # HOST alone (its LAN went): every ISP
    assert drill_withdrawn(ams, failover=frozenset({"ams-edge-01"}), cut=frozenset()) == (
        frozenset({"isp1", "isp2"})
    )
    # not in the drill: nothing is expected withdrawn
    assert drill_withdrawn(ams, failover=frozenset({"ams-edge-02"}), cut=frozenset()) == (
        frozenset()
    )


def test_fortios_is_checked_too() -> None:
    fortios = INTENTS["syd-fgt-01"]
    assert bgp_commands(fortios)["198.51.100.41"] == (
        "get router info bgp neighbors 198.51.100.41 advertised-routes"
    )
    assert bgp_unchecked(fortios) is None
    assert bgp_unchecked(INTENTS["ams-edge-01"]) is None


def _sessions(isp1: str, bfd1: str = "Up") -> list[BaseRecord]:
    return [
        BgpSession(neighbor="198.51.100.1", remote_as=64496, state=isp1),
        BgpSession(neighbor="203.0.113.1", remote_as=64497, state="Established", received=0),
        Bfd(peer="198.51.100.1", state=bfd1),  # type: ignore[arg-type]
        Bfd(peer="203.0.113.1", state="Up"),
    ]


def test_each_neighbor_established_with_bfd_up() -> None:
    ams = INTENTS["ams-edge-01"]
    checks = session_checks(ams, _sessions("Established"))
    assert [(c.subject, c.passed) for c in checks] == [
        ("bgp session 198.51.100.1 (isp1)", True),
        ("bgp bfd 198.51.100.1 (isp1)", True),
        ("bgp session 203.0.113.1 (isp2)", True),
        ("bgp bfd 203.0.113.1 (isp2)", True),
    ]


def test_a_session_down_or_missing_fails() -> None:
    ams = INTENTS["ams-edge-01"]
    assert _failed(session_checks(ams, _sessions("Active", "Down"))) == [
        "bgp session 198.51.100.1 (isp1): Established / Active",
        "bgp bfd 198.51.100.1 (isp1): Up / Down",
    ]
    # the device holds no session to isp1 at all (its summary does not list it)
    assert _failed(session_checks(ams, _sessions("Established")[1:])) == [
        "bgp session 198.51.100.1 (isp1): Established / not configured",
    ]
    # ... and no BFD session to it
    assert _failed(session_checks(ams, _sessions("Established")[:2])) == [
        "bgp bfd 198.51.100.1 (isp1): Up / no session",
        "bgp bfd 203.0.113.1 (isp2): Up / no session",
    ]


def test_a_cut_links_neighbor_is_expected_down() -> None:
    ams = INTENTS["ams-edge-01"]
    cut = frozenset({"isp1"})
    assert _failed(session_checks(ams, _sessions("Idle", "Down"), cut=cut)) == []
    # still Established behind a cut link: the cut did not take
    assert _failed(session_checks(ams, _sessions("Established"), cut=cut)) == [
        "bgp session 198.51.100.1 (isp1): not Established (link cut) / Established",
        "bgp bfd 198.51.100.1 (isp1): not Up (link cut) / Up",
    ]


def test_unparsable_summary_is_one_failed_check() -> None:
    ams = INTENTS["ams-edge-01"]
    checks = session_checks(ams, [], unparsed="unparsable: x")
    assert [(c.subject, c.observed, c.passed) for c in checks] == [
        ("bgp sessions", "unparsable: x", False)
    ]
