"""``| display xml`` forms of the validation show commands (the same data as
:mod:`.netstate`), with Juniper's element names as real replies carry them (PyEZ and napalm
fixtures in ``shared/real-outputs/juniper_junos``)."""

from __future__ import annotations

from collections.abc import Sequence
from ipaddress import IPv4Network

from lxml import etree

from egress.lab.junos import netstate
from egress.lab.junos.netstate import ClusterView, RpmTest
from egress.lab.junos.rpc import junos_attr
from egress.lab.world import DeviceFacts, OpState


def _sub(parent: etree._Element, tag: str, text: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, tag)
    if text is not None:
        element.text = text
    return element


def bfd_session_information(op: OpState, *, uptime_s: float) -> etree._Element:
    info = etree.Element("bfd-session-information", {junos_attr("style"): "detail"})
    for session in op.bfd:
        up = session.state == "Up"
        interval = f"{session.interval_ms / 1000:.3f}"
        element = _sub(info, "bfd-session")
        _sub(element, "session-neighbor", str(session.peer))
        _sub(element, "session-state", session.state)
        _sub(element, "session-interface", netstate.unit(session.interface))
        detect = session.interval_ms * session.multiplier / 1000 if up else 0.0
        _sub(element, "session-detection-time", f"{detect:.3f}")
        _sub(element, "session-transmission-interval", interval if up else "1.000")
        _sub(element, "session-adaptive-multiplier", str(session.multiplier))
        client = _sub(element, "bfd-client")
        _sub(client, "client-name", "Static")
        _sub(client, "client-transmission-interval", interval)
        _sub(client, "client-reception-interval", interval)
        if up:
            _sub(element, "session-up-time", netstate.hms(uptime_s)).set(
                junos_attr("seconds"), str(int(uptime_s))
            )
        _sub(element, "local-diagnostic", "None" if up else "CtlExpire")
        _sub(element, "remote-diagnostic", "None")
        _sub(element, "session-version", "1")
        _sub(element, "remote-state", "Up" if up else "Down")
        _sub(element, "session-type", "Single hop BFD")
    _sub(info, "sessions", str(len(op.bfd)))
    _sub(info, "clients", str(len(op.bfd)))
    rate = sum(1000 / s.interval_ms for s in op.bfd if s.state == "Up")
    _sub(info, "cumulative-transmission-rate", f"{rate:.1f}")
    _sub(info, "cumulative-reception-rate", f"{rate:.1f}")
    return info


def probe_results(
    tests: Sequence[RpmTest], op: OpState, *, stamp: str, seconds: int
) -> etree._Element:
    results = etree.Element("probe-results")
    for test in tests:
        state = next((p for p in op.probes if p.name == test.name), None)
        ok = state is not None and state.ok
        element = _sub(results, "probe-test-results")
        _sub(element, "owner", test.owner)
        _sub(element, "test-name", test.name)
        url = test.probe_type.startswith("http")
        _sub(element, "target-url" if url else "target-address", test.target)
        if test.source:
            _sub(element, "source-address", test.source)
        _sub(element, "probe-type", test.probe_type)
        size = _sub(element, "test-size", str(test.probe_count))
        size.set("format", f"{test.probe_count} probes")
        single = _sub(element, "probe-single-results")
        single.set("style", "verbose")
        _sub(single, "probe-status", "Response received" if ok else "Request timed out")
        _sub(single, "probe-time", stamp).set("seconds", str(seconds))
        if ok and state is not None:
            _sub(single, "rtt", str(int((state.rtt_ms or 0) * 1000)))
        current = _sub(_sub(element, "probe-test-current-results"), "probe-test-generic-results")
        _sub(current, "results-scope", "current test")
        _sub(current, "probes-sent", str(test.probe_count))
        _sub(current, "probe-responses", str(test.probe_count if ok else 0))
        _sub(current, "loss-percentage", "0" if ok else "100")
    return results


def route_information(
    facts: DeviceFacts, op: OpState, *, prefix: IPv4Network, uptime_s: float
) -> etree._Element:
    info = etree.Element("route-information")
    entries = netstate.route_entries(facts, op, prefix)
    destinations, routes, active = netstate.table_counts(facts, op)
    table = _sub(info, "route-table")
    _sub(table, "table-name", "inet.0")
    _sub(table, "destination-count", str(destinations))
    _sub(table, "total-route-count", str(routes))
    _sub(table, "active-route-count", str(active))
    _sub(table, "holddown-route-count", "0")
    _sub(table, "hidden-route-count", "0")
    if not entries:
        return info
    rt = _sub(table, "rt")
    rt.set(junos_attr("style"), "brief")
    _sub(rt, "rt-destination", str(prefix))
    for entry in entries:
        element = _sub(rt, "rt-entry")
        _sub(element, "active-tag", "*" if entry.active else " ")
        if entry.active:
            _sub(element, "current-active")
            _sub(element, "last-active")
        _sub(element, "protocol-name", entry.protocol)
        _sub(element, "preference", str(entry.preference))
        _sub(element, "age", netstate.hms(uptime_s)).set(junos_attr("seconds"), str(int(uptime_s)))
        for hop, selected in entry.hops:
            nh = _sub(element, "nh")
            if selected:
                _sub(nh, "selected-next-hop")
            _sub(nh, "to", str(hop.address))
            _sub(nh, "via", netstate.unit(hop.interface))
    return info


def chassis_cluster_status(view: ClusterView, op: OpState) -> etree._Element:
    status = etree.Element("chassis-cluster-status")
    _sub(status, "cluster-id", str(view.cluster_id))
    for group, rows in netstate.cluster_rows(view, op):
        element = _sub(status, "redundancy-group")
        _sub(element, "cluster-id", str(view.cluster_id))
        _sub(element, "redundancy-group-id", str(group))
        _sub(element, "redundancy-group-failover-count", str(view.failovers))
        # Junos prints the nodes as one flat run of siblings per node (PyEZ calls it
        # "broken XML"): device-name starts each
        stats = _sub(element, "device-stats")
        for row in rows:
            _sub(stats, "device-name", row.node)
            _sub(stats, "device-priority", str(row.priority))
            _sub(stats, "redundancy-group-status", row.status)
            _sub(stats, "preempt", row.preempt)
            _sub(stats, "failover-mode", row.manual)
            _sub(stats, "monitor-failures", row.failures)
    return status


def cli_banner(banner: str) -> etree._Element:
    """The ``<cli><banner>`` a reply carries after its data (``{primary:node0}`` on a
    chassis cluster member, empty elsewhere)."""
    cli = etree.Element("cli")
    _sub(cli, "banner", banner)
    return cli
