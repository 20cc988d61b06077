"""Readers for Junos "| display json" output, giving the same rows as the text templates.

Junos JSON wraps every leaf as ``[{"data": value}]``; the reader walks that structure with
the standard library and yields the rows the matching TTP template would, so one converter
in egress.parse.junos serves text and JSON alike.
"""

from __future__ import annotations

import json
from typing import Any

from egress.parse.engine import Rows


def _document(text: str) -> dict[str, Any]:
    start = text.find("{")
    if start < 0:
        raise ValueError("no JSON object in the output; was '| display json' sent?")
    try:
        document, _ = json.JSONDecoder().raw_decode(text[start:])
    except json.JSONDecodeError as exc:
        raise ValueError(f"malformed JSON output: {exc}") from None
    if not isinstance(document, dict):
        raise ValueError("the JSON output is not an object")
    return document


def _leaf(node: dict[str, Any], key: str) -> str | None:
    """``{"name": [{"data": "ge-0/0/0"}]}`` -> "ge-0/0/0"."""
    values = node.get(key) or []
    if values and isinstance(values[0], dict) and "data" in values[0]:
        return str(values[0]["data"])
    return None


def _children(node: dict[str, Any], key: str) -> list[dict[str, Any]]:
    return [item for item in node.get(key) or [] if isinstance(item, dict)]


def _interface_rows(node: dict[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [
        {
            "name": _leaf(node, "name") or "",
            "admin": _leaf(node, "admin-status") or "down",
            "link": _leaf(node, "oper-status") or "down",
        }
    ]
    for family in _children(node, "address-family"):
        rows.append({"proto": _leaf(family, "address-family-name") or ""})
        for address in _children(family, "interface-address"):
            local = _leaf(address, "ifa-local")
            if local:
                rows.append({"local": local})
    return rows


def interfaces_terse(text: str) -> Rows:
    """The "show interfaces terse" line stream from its JSON form."""
    events: list[dict[str, Any]] = []
    for info in _children(_document(text), "interface-information"):
        for physical in _children(info, "physical-interface"):
            events += _interface_rows(physical)
            for logical in _children(physical, "logical-interface"):
                events += _interface_rows(logical)
    return {"ev": events}


def route_information(text: str) -> Rows:
    """The "show route" line stream from its JSON form (``route-information`` as the XML
    reader reads it: tables, destinations, entries, next hops)."""
    events: list[dict[str, Any]] = []
    for info in _children(_document(text), "route-information"):
        for table in _children(info, "route-table"):
            events.append({"table": _leaf(table, "table-name") or ""})
            for rt in _children(table, "rt"):
                destination = _leaf(rt, "rt-destination") or ""
                length = _leaf(rt, "rt-prefix-length")
                events.append({"prefix": f"{destination}/{length}" if length else destination})
                for entry in _children(rt, "rt-entry"):
                    event = {"protocol": _leaf(entry, "protocol-name") or ""}
                    if _leaf(entry, "active-tag"):
                        event["active"] = _leaf(entry, "active-tag") or ""
                    events.append(event)
                    for hop in _children(entry, "nh"):
                        local = _leaf(hop, "nh-local-interface")
                        if local:
                            events.append({"local_if": local})
                            continue
                        row = {
                            k: v
                            for k, v in (("nh", _leaf(hop, "to")), ("nh_if", _leaf(hop, "via")))
                            if v
                        }
                        if "selected-next-hop" in hop:
                            row["selected"] = ">"
                        if row:
                            events.append(row)
    return {"ev": events}
