"""Bad `bgp:` input (issue 19) ends with exit code 2 naming file, line, host and field, and
no config for the site's hosts; the pair invariants that are not input errors are lint's
(E951-E953, tests/fixtures/lint)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.test_bad_input import Case, workspace  # noqa: F401 - the workspace fixture
from tests.unit.test_bad_input import (
    test_bad_input_exits_2_naming_file_line_host_field as check_exits_2,
)

AMS_ANNOUNCE = "          - {prefix: 192.0.2.128/28}\n"
AMS_PEERS = "        peers: {isp1: {peer_as: 64496}, isp2: {peer_as: 64497}}\n"

BGP_CASES = [
    Case(
        "bgp-as-zero",
        "groups.yaml",
        "        local_as: 65010\n",
        "        local_as: 0\n",
        ("local_as", "greater than or equal to 1", "groups.yaml"),
        line_of="local_as: 0",
    ),
    Case(
        "bgp-as-beyond-four-octets",
        "groups.yaml",
        AMS_PEERS,
        "        peers: {isp1: {peer_as: 4294967296}, isp2: {peer_as: 64497}}\n",
        ("peer_as", "less than or equal to 4294967295"),
        line_of="peer_as: 4294967296",
    ),
    Case(
        "bgp-peer-as-is-the-sites-own",
        "groups.yaml",
        AMS_PEERS,
        "        peers: {isp1: {peer_as: 65010}, isp2: {peer_as: 64497}}\n",
        ("the sessions are eBGP", "bgp"),
    ),
    Case(
        "bgp-neighbor-outside-the-links-segment",
        "groups.yaml",
        AMS_PEERS,
        "        peers: {isp1: {peer_as: 64496, neighbor: 203.0.113.1}, isp2: {peer_as: 64497}}\n",
        (
            "neighbor 203.0.113.1 is not a usable address in link isp1's segment",
            "ams-edge-01",
            "field: site.bgp.peers.isp1.neighbor",
        ),
        line_of="neighbor: 203.0.113.1",
    ),
    Case(
        "bgp-prefix-the-site-does-not-own",
        "groups.yaml",
        AMS_ANNOUNCE,
        AMS_ANNOUNCE + "          - {prefix: 8.8.8.0/24}\n",
        ("prefix 8.8.8.0/24 is not the site's", "ams-edge-01", "field: site.bgp.announce.1.prefix"),
        line_of="prefix: 8.8.8.0/24",
    ),
    Case(
        "bgp-peer-for-unknown-link",
        "groups.yaml",
        AMS_PEERS,
        "        peers: {isp1: {peer_as: 64496}, isp3: {peer_as: 64497}}\n",
        ("bgp peer for unknown link 'isp3'", "field: site.bgp.peers.isp3"),
        line_of="isp3: {peer_as: 64497}",
    ),
    Case(
        "bgp-member-not-a-role",
        "groups.yaml",
        AMS_ANNOUNCE,
        "          - {prefix: 192.0.2.128/28, members: [primary, backup]}\n",
        ("member 'backup' is not a role", "groups.yaml"),
        line_of="members: [primary, backup]",
    ),
    Case(
        "bgp-injection-in-a-link-name",
        "groups.yaml",
        AMS_ANNOUNCE,
        '          - {prefix: 192.0.2.128/28, links: ["isp1\\nrouter bgp 1"]}\n',
        ("announcement over link", "which has no bgp peer", "field: site.bgp.announce.0.links"),
    ),
]


@pytest.mark.parametrize("case", BGP_CASES, ids=lambda c: c.id)
def test_bad_bgp_input_exits_2(workspace: Path, case: Case) -> None:  # noqa: F811
    check_exits_2(workspace, case)
