"""Readers for Junos "| display xml" output, giving the same rows as the text templates.

XML is read with lxml rather than TTP: the element names are Juniper's stable API, so a reader
does not depend on column widths, wrapping or release-specific wording, and the same
converter in egress.parse.junos serves both forms. Namespaces (they change with the release
string) are dropped before lookup. Entities and network access are disabled: device output
is not trusted input.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from egress.parse.engine import Rows

_FIRST_TAG = re.compile(r"<[?A-Za-z]")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)


def _document(text: str) -> etree._Element:
    """The XML document in ``text``, without prompt lines around it and without namespaces."""
    # the CLI may print a prompt before and "{master}" / a prompt after the document
    first = _FIRST_TAG.search(text)
    last = text.rfind("</")
    if first is None or last < first.start():
        raise ValueError("no XML element in the output; was '| display xml' sent?")
    end = text.find(">", last)
    try:
        root = etree.fromstring(text[first.start() : end + 1].encode(), parser=_PARSER)
    except etree.XMLSyntaxError as exc:
        raise ValueError(f"malformed XML output: {exc}") from None
    for element in root.iter():
        if isinstance(element.tag, str):
            element.tag = etree.QName(element).localname
    return root


def _text(element: etree._Element, path: str) -> str | None:
    found = element.find(path)
    if found is None or found.text is None:
        return None
    value: str = found.text.strip()
    return value or None


def _row(**fields: str | None) -> dict[str, Any]:
    return {key: value for key, value in fields.items() if value is not None}


def bfd_sessions(text: str) -> Rows:
    rows = []
    for session in _document(text).iter("bfd-session"):
        client = session.find("bfd-client")
        rows.append(
            _row(
                peer=_text(session, "session-neighbor"),
                state=_text(session, "session-state"),
                interface=_text(session, "session-interface"),
                detect=_text(session, "session-detection-time"),
                tx=_text(session, "session-transmission-interval"),
                multiplier=_text(session, "session-adaptive-multiplier"),
                client=_text(client, "client-name") if client is not None else None,
                client_tx=(
                    _text(client, "client-transmission-interval") if client is not None else None
                ),
            )
        )
    return {"bfd": rows}


def cluster_status(text: str) -> Rows:
    root = _document(text)
    groups = []
    for group in root.iter("redundancy-group"):
        stats = group.find("device-stats")
        nodes: list[dict[str, Any]] = []
        if stats is not None:
            # device-stats repeats flat sibling runs: device-name starts each node
            for child in stats:
                value = (child.text or "").strip()
                if child.tag == "device-name":
                    nodes.append({"node": value})
                elif nodes:
                    key = {
                        "device-priority": "priority",
                        "redundancy-group-status": "status",
                        "preempt": "preempt",
                        "failover-mode": "manual",
                        "monitor-failures": "monitor_failures",
                    }.get(child.tag)
                    if key:
                        nodes[-1][key] = value
        groups.append(
            _row(
                group=_text(group, "redundancy-group-id"),
                failovers=_text(group, "redundancy-group-failover-count"),
            )
            | {"nodes": nodes}
        )
    banner = _text(root, "cli/banner")
    return {"rg": groups, "cli": [{"banner": banner}] if banner else []}


def rpm_results(text: str) -> Rows:
    rows = []
    for test in _document(text).iter("probe-test-results"):
        last = test.find("probe-single-results")
        rows.append(
            _row(
                owner=_text(test, "owner"),
                test=_text(test, "test-name"),
                target=_text(test, "target-address") or _text(test, "target-url"),
                source=_text(test, "source-address"),
                type=_text(test, "probe-type"),
                result=_text(last, "probe-status") if last is not None else None,
                rtt_usec=_text(last, "rtt") if last is not None else None,
            )
        )
    return {"rpm": rows}


def route_information(text: str) -> Rows:
    """The same line stream the "show route" template gives, built from the XML tree."""
    events: list[dict[str, Any]] = []
    for table in _document(text).iter("route-table"):
        events.append({"table": _text(table, "table-name") or ""})
        for rt in table.iter("rt"):
            destination = _text(rt, "rt-destination") or ""
            length = _text(rt, "rt-prefix-length")
            events.append({"prefix": f"{destination}/{length}" if length else destination})
            for entry in rt.iter("rt-entry"):
                events.append(
                    _row(active=_text(entry, "active-tag"), protocol=_text(entry, "protocol-name"))
                    | {"protocol": _text(entry, "protocol-name") or ""}
                )
                for hop in entry.iter("nh"):
                    local = _text(hop, "nh-local-interface")
                    if local:
                        events.append({"local_if": local})
                        continue
                    event = _row(nh=_text(hop, "to"), nh_if=_text(hop, "via"))
                    if hop.find("selected-next-hop") is not None:
                        event["selected"] = ">"
                    if "nh" in event or "nh_if" in event:
                        events.append(event)
    return {"ev": events}
