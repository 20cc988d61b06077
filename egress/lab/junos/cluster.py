"""What a Junos device needs from its configuration beyond the neutral facts: which ports
are up (a chassis cluster sees both nodes' ports and its reth interfaces), its RPM tests as
they are named, and the chassis cluster as this node sees it."""

from __future__ import annotations

from collections.abc import Callable

from egress.lab.base import LabWorld
from egress.lab.junos.config import Node
from egress.lab.junos.facts import (
    cluster_hosts,
    cluster_node,
    kids,
    leaf,
    port_node,
    reth_members,
    test_target,
)
from egress.lab.junos.facts import (
    rpm_tests as configured_tests,
)
from egress.lab.junos.netstate import ClusterNode, ClusterView, RpmTest
from egress.lab.world import DeviceFacts, OpState, Topology, simulate

# A real SRX's cluster id is set outside the configuration (``set chassis cluster
# cluster-id N node M reboot``); the lab's clusters are all cluster 1.
CLUSTER_ID = 1


def link_state(tree: Node, *, name: str, world: LabWorld | None) -> Callable[[str], bool]:
    """port -> link up, as the lab's wiring says: the other node's ports are asked of the
    peer device, a reth is up while one of its child links is."""
    if world is None:
        return lambda _port: True
    node = cluster_node(tree, name)
    hosts = cluster_hosts(tree)
    children = reth_members(tree)

    def up(port: str) -> bool:
        if port in children:
            return world.link_up(name, port) and any(up(child) for child in children[port])
        owner = port_node(tree, port) if node is not None else None
        host = hosts.get(owner, name) if owner is not None else name
        return world.link_up(host, port)

    return up


def standalone_state(facts: DeviceFacts) -> OpState:
    """A device outside any lab: every configured interface is up and every gateway
    answers (an empty wiring puts no ISP router in the way)."""
    return simulate({facts.name: facts}, Topology(()))[facts.name]


def rpm_tests(tree: Node) -> list[RpmTest]:
    tests = []
    for owner, test in configured_tests(tree):
        target, _, _ = test_target(test)
        count = leaf(test, "probe-count")
        tests.append(
            RpmTest(
                owner=owner,
                name=test.ident or "",
                probe_type=leaf(test, "probe-type") or "icmp-ping",
                target=target,
                source=leaf(test, "source-address"),
                probe_count=int(count) if count else 1,
            )
        )
    return tests


def view(tree: Node, *, name: str) -> ClusterView | None:
    node = cluster_node(tree, name)
    section = tree.find(["chassis", "cluster"])
    if node is None or section is None:
        return None
    groups = []
    for group in kids(section, "redundancy-group"):
        nodes = tuple(
            ClusterNode(f"node{n.ident}", int(leaf(n, "priority") or 1))
            for n in kids(group, "node")
        )
        groups.append((int(group.ident or 0), nodes, "preempt" in group.children))
    groups.sort(key=lambda g: g[0])
    return ClusterView(CLUSTER_ID, node, tuple(groups), hosts=cluster_hosts(tree))
