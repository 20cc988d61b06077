"""``| display json``: Junos's JSON rendering of an operational reply's XML.

Junos maps its XML one to one (py-junos-eznc ``tests/unit/rpc-reply/show-interface-terse.json``,
``get-route-information.json``): every element becomes a key holding a list of objects (one per
occurrence, in order); a leaf's text is ``{"data": "..."}``, an empty leaf ``{"data": [null]}``,
attributes (namespaces included, as ``xmlns``) go under ``"attributes"``. The lab renders the
same XML it answers ``| display xml`` with, so both forms always agree.
"""

from __future__ import annotations

import json
from typing import Any

from lxml import etree


def _attributes(element: etree._Element) -> dict[str, str]:
    attrs: dict[str, str] = {}
    namespace = etree.QName(element).namespace
    parent = element.getparent()
    if namespace and (parent is None or etree.QName(parent).namespace != namespace):
        attrs["xmlns"] = namespace
    for key, value in element.attrib.items():
        qname = etree.QName(key)
        prefix = "junos:" if qname.namespace and "junos" in qname.namespace else ""
        attrs[f"{prefix}{qname.localname}"] = value
    return attrs


def _node(element: etree._Element) -> dict[str, Any]:
    body: dict[str, Any] = {}
    attrs = _attributes(element)
    if attrs:
        body["attributes"] = attrs
    children = [c for c in element if isinstance(c.tag, str)]
    if not children:
        text = (element.text or "").strip()
        body["data"] = text if text else [None]
        return body
    for child in children:
        body.setdefault(etree.QName(child).localname, []).append(_node(child))
    return body


def render(element: etree._Element) -> str:
    """The reply's JSON text as the CLI prints it."""
    document = {etree.QName(element).localname: [_node(element)]}
    return json.dumps(document, indent=4) + "\n"
