"""Junos XML configuration (``<configuration>``) to and from the tree, and XML filters.

The XML form names list entries by a ``<name>`` child (``<unit><name>0</name>…``), an
identifier container's entries by a fixed element (``<interfaces><interface><name>ge-0/0/0``),
and ``family inet`` as ``<family><inet>``. Loads honour ``operation="delete|replace"`` and the
older ``delete="delete"`` / ``replace="replace"`` attributes.
"""

from __future__ import annotations

import re

from lxml import etree

from egress.lab.junos import schema
from egress.lab.junos.config import Node, new_root, quote

_MULTI_FIELDS = {"policy": ("from-zone-name", "to-zone-name")}


def local(tag: object) -> str:
    text = str(tag)
    return text.rsplit("}", 1)[-1]


# -- tree → XML ---------------------------------------------------------------------------
def to_xml(root: Node, *, attrs: dict[str, str] | None = None) -> etree._Element:
    """The ``<configuration>`` element for ``root``."""
    element = etree.Element("configuration", attrs or {})
    _emit_children(element, root)
    return element


def _emit_children(parent_el: etree._Element, node: Node) -> None:
    for child in node.children.values():
        if child.values is None and schema.is_flat_container(child.keyword):
            _emit_flat(parent_el, child)
        else:
            _emit(parent_el, child)


def _emit_flat(parent_el: etree._Element, node: Node) -> None:
    """``groups { node0 {…} }`` is ``<groups><name>node0</name>…</groups>`` per entry."""
    for entry in node.children.values():
        element = etree.SubElement(parent_el, node.keyword)
        if entry.ident is not None:
            etree.SubElement(element, "name").text = entry.ident
            _emit_children(element, entry)
        else:
            _emit(element, entry)
    if not node.children:
        etree.SubElement(parent_el, node.keyword)


_XML_NAME = re.compile(r"^[A-Za-z_][\w.-]*$")


def _emit(parent_el: etree._Element, node: Node) -> None:
    keyword = node.keyword or node.key.split()[0]
    if not _XML_NAME.match(keyword):
        # A word the schema tables do not know used as a name (``ge-0/0/1 { … }`` under an
        # unknown container): keep it as a named entry rather than an invalid element.
        node = Node(node.key, "statement", node.key, node.values, node.children)
        keyword = "statement"
    if node.values is not None:
        for value in node.values:
            leaf = etree.SubElement(parent_el, keyword)
            leaf.text = value
        return
    if node.ident is None:
        element = etree.SubElement(parent_el, keyword)
    elif keyword in schema.ENUM_LIST_KEYWORDS:
        wrapper = etree.SubElement(parent_el, keyword)
        element = etree.SubElement(wrapper, node.ident)
    elif keyword in _MULTI_FIELDS and node.ident.startswith("from-zone "):
        element = etree.SubElement(parent_el, keyword)
        words = node.ident.split()
        for tag, value in zip(_MULTI_FIELDS[keyword], words[1::2], strict=False):
            etree.SubElement(element, tag).text = value
    elif keyword in schema.ENTRY_NAME_ELEMENT:
        element = etree.SubElement(parent_el, keyword)
        etree.SubElement(element, schema.ENTRY_NAME_ELEMENT[keyword]).text = node.ident
    elif keyword in schema.REST_OF_LINE_KEYWORDS:
        element = etree.SubElement(parent_el, keyword)
        first, *flags = node.ident.split()
        etree.SubElement(element, "address").text = first
        for flag in flags:
            etree.SubElement(element, flag)
    else:
        element = etree.SubElement(parent_el, keyword)
        etree.SubElement(element, "name").text = node.ident
    _emit_children(element, node)


def render_xml(root: Node, *, attrs: dict[str, str] | None = None) -> str:
    return etree.tostring(to_xml(root, attrs=attrs), pretty_print=True, encoding="unicode")


# -- XML → patch tree ---------------------------------------------------------------------
def _op(element: etree._Element) -> str | None:
    attrs = {local(k): v for k, v in element.attrib.items()}
    operation = attrs.get("operation")
    if operation in ("delete", "remove") or attrs.get("delete") == "delete":
        return "delete"
    if operation == "replace" or attrs.get("replace") == "replace":
        return "replace"
    return None


def from_xml(configuration: etree._Element) -> Node:
    """A patch tree from ``<configuration>`` (or any element holding its children)."""
    root = new_root()
    _read_children(configuration, root, ())
    return root


def _elements(element: etree._Element) -> list[etree._Element]:
    return [c for c in element if isinstance(c.tag, str)]


def _read_children(element: etree._Element, node: Node, path: tuple[str, ...]) -> None:
    for child in _elements(element):
        _read(child, node, path)


def _add(parent: Node, fresh: Node, path: tuple[str, ...]) -> Node:
    existing = parent.children.get(fresh.key)
    if existing is None:
        return parent.add_child(fresh, top_level=not path)
    if fresh.values is not None and existing.values is not None:
        existing.values = existing.values + [v for v in fresh.values if v not in existing.values]
    if fresh.op:
        existing.op = fresh.op
    return existing


def _read(element: etree._Element, parent: Node, path: tuple[str, ...]) -> None:
    tag = local(element.tag)
    op = _op(element)
    subs = _elements(element)
    container = schema.identifier_container(path)
    name_el = next((s for s in subs if local(s.tag) == "name"), None)
    if schema.is_flat_container(tag) and name_el is not None:
        holder = _add(parent, Node(key=tag, keyword=tag), path)
        name = (name_el.text or "").strip()
        entry = _add(holder, Node(key=quote(name), keyword=tag, ident=name, op=op), path + (tag,))
        for sub in subs:
            if sub is not name_el:
                _read(sub, entry, path + (tag, entry.key))
        return
    if container and tag == schema.IDENTIFIER_CONTAINERS[container] and name_el is not None:
        name = (name_el.text or "").strip()
        node = Node(key=quote(name), keyword=tag, ident=name, op=op)
        rest = [s for s in subs if s is not name_el]
    elif tag in schema.ENUM_LIST_KEYWORDS and subs:
        for sub in subs:
            ident = local(sub.tag)
            node = Node(key=f"{tag} {ident}", keyword=tag, ident=ident, op=_op(sub) or op)
            added = _add(parent, node, path)
            for inner in _elements(sub):
                _read(inner, added, path + (added.key,))
        return
    elif tag in _MULTI_FIELDS and any(local(s.tag) == _MULTI_FIELDS[tag][0] for s in subs):
        fields = _MULTI_FIELDS[tag]
        found = {local(s.tag): (s.text or "").strip() for s in subs}
        ident = f"from-zone {found.get(fields[0], '')} to-zone {found.get(fields[1], '')}"
        node = Node(key=f"{tag} {ident}", keyword=tag, ident=ident, op=op)
        rest = [s for s in subs if local(s.tag) not in fields]
    elif tag in schema.REST_OF_LINE_KEYWORDS and subs and local(subs[0].tag) == "address":
        # <route-filter><address>P</address><exact/></route-filter>: `route-filter P exact`
        flags = (w for f in subs[1:] for w in (local(f.tag), (f.text or "").strip()) if w)
        words = [(subs[0].text or "").strip(), *flags]
        ident = " ".join(quote(w) for w in words)
        node = Node(key=f"{tag} {ident}", keyword=tag, ident=ident, op=op)
        rest = []
    elif tag in schema.ENTRY_NAME_ELEMENT and subs:
        key_el = next((s for s in subs if local(s.tag) == schema.ENTRY_NAME_ELEMENT[tag]), None)
        name = (key_el.text or "").strip() if key_el is not None else ""
        node = Node(key=f"{tag} {quote(name)}", keyword=tag, ident=name, op=op)
        rest = [s for s in subs if s is not key_el]
    elif name_el is not None:
        name = (name_el.text or "").strip()
        node = Node(key=f"{tag} {quote(name)}", keyword=tag, ident=name, op=op)
        rest = [s for s in subs if s is not name_el]
    elif not subs:
        text = (element.text or "").strip()
        node = Node(key=tag, keyword=tag, values=[text] if text else None, op=op)
        rest = []
    else:
        node = Node(key=tag, keyword=tag, op=op)
        rest = subs
    added = _add(parent, node, path)
    for sub in rest:
        _read(sub, added, path + (added.key,))


# -- filters ------------------------------------------------------------------------------
def apply_filter(config: Node, selector: etree._Element) -> Node:
    """The part of ``config`` an XML subtree filter selects (``<system><domain-name/>``)."""
    pattern = from_xml(selector)
    out = new_root()
    _select(config, pattern, out, ())
    return out


def _matches(child: Node, want: Node, path: tuple[str, ...]) -> bool:
    if child.key == want.key:
        return True
    # An entry element without <name> selects every entry: <interface/>, <unit/>.
    if want.ident is None and want.values is None:
        container = schema.identifier_container(path)
        if container and want.key == schema.IDENTIFIER_CONTAINERS[container]:
            return True
        return child.keyword == want.key and child.ident is not None
    return False


def _select(config: Node, pattern: Node, out: Node, path: tuple[str, ...]) -> None:
    for want in pattern.children.values():
        for child in config.children.values():
            if not _matches(child, want, path):
                continue
            if not want.children:
                out.children[child.key] = child.clone()
                continue
            copy = out.children.get(child.key)
            if copy is None:
                copy = Node(
                    key=child.key,
                    keyword=child.keyword,
                    ident=child.ident,
                    values=None if child.values is None else list(child.values),
                )
                out.children[child.key] = copy
            _select(child, want, copy, path + (child.key,))
