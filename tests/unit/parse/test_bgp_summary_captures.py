"""The BGP summary parsers (issue 19: sessions Established) on real captures of each
vendor's command, checked against ntc-templates' own parse of the same capture
(tests/fixtures/real-captures-bgp/NOTICE.md)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from egress.parse import lookup, parse_output
from egress.parse.schema import BgpSession

CAPTURES = Path(__file__).resolve().parents[2] / "fixtures" / "real-captures-bgp"

# platform, command, capture, ntc's field names (neighbor, remote AS, state column)
CASES = [
    (
        "ios",
        "show ip bgp summary",
        "ios/ntc_show_ip_bgp_summary.raw",
        ("bgp_neighbor", "neighbor_as", "state_or_prefixes_received"),
    ),
    (
        "ios",
        "show bgp ipv4 unicast summary",
        "ios/ntc_show_ip_bgp_summary_with_dot_peer_as.raw",
        ("bgp_neighbor", "neighbor_as", "state_or_prefixes_received"),
    ),
    (
        "junos",
        "show bgp summary",
        "junos/ntc_show_bgp_summary.raw",
        ("peer_ip", "peer_as", "state"),
    ),
    (
        "fortios",
        "get router info bgp summary",
        "fortios/ntc_get_router_info_bgp_summary.raw",
        ("bgp_neigh", "neigh_as", "state_pfxrcd"),
    ),
]


def _asn(value: str) -> int:
    high, _, low = value.partition(".")
    return int(high) * 65536 + int(low) if low else int(high)


def _theirs(raw: Path, fields: tuple[str, str, str]) -> list[tuple[str, int, str, int | None]]:
    neighbor, remote_as, state = fields
    rows = yaml.safe_load(raw.with_suffix(".yml").read_text())["parsed_sample"]
    out = []
    for row in rows:
        word = row[state].strip()
        up = word.isdigit() or word == "Establ"
        out.append(
            (
                row[neighbor],
                _asn(row[remote_as]),
                "Established" if up else word,
                int(word) if word.isdigit() else None,
            )
        )
    return out


@pytest.mark.parametrize(
    ("platform", "command", "capture", "fields"), CASES, ids=[c[2] for c in CASES]
)
def test_sessions_agree_with_ntc_templates(
    platform: str, command: str, capture: str, fields: tuple[str, str, str]
) -> None:
    raw = CAPTURES / capture
    parsed = parse_output(platform=platform, command=command, text=raw.read_text())
    assert parsed and all(isinstance(r, BgpSession) for r in parsed)
    mine = [
        (r.neighbor, r.remote_as, r.state, r.received) for r in parsed if isinstance(r, BgpSession)
    ]
    assert mine == _theirs(raw, fields)


def test_captures_hold_both_established_and_down_sessions() -> None:
    """What validate tells apart is in the captures: Established and not."""
    states = set()
    for platform, command, capture, _ in CASES:
        text = (CAPTURES / capture).read_text()
        states |= {
            r.state
            for r in parse_output(platform=platform, command=command, text=text)
            if isinstance(r, BgpSession)
        }
    assert {"Established", "Active", "Idle", "Idle (Admin)"} <= states


def test_every_summary_capture_is_recorded_in_the_notice() -> None:
    notice = (CAPTURES / "NOTICE.md").read_text()
    for _, _, capture, _ in CASES:
        assert f"`{capture}`" in notice


def test_the_summaries_are_one_record_kind_on_every_vendor() -> None:
    kinds = {
        lookup(platform="ios", command="show ip bgp summary").kind,
        lookup(platform="junos", command="show bgp summary").kind,
        lookup(platform="fortios", command="get router info bgp summary").kind,
    }
    assert kinds == {"bgp_session"}
