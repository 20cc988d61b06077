"""FortiOS: the running config with every entry egress owns made exactly the intended entry.

The candidate is the unit's own ``show`` with egress's owned entries replaced by the rendered
ones, loaded as a replace: the driver (:mod:`napalm_fortios.diff`) then ``unset``s every
field an owned entry holds that the intent does not set, and deletes what egress wrote before
and renders no more, while every section egress does not own is identical and so untouched
(admin, port1, the operator's routes). The driver's script is what a dry-run prints and the
commit sends. Ownership is the table :data:`WHOLE_TABLES` (tables whose entries egress owns
whole); elsewhere egress owns only the fields it renders (an interface's address, the BFD
settings). hier_config's FortiOS remediation is not used: see docs/adr.md.
"""

from __future__ import annotations

from egress.remediate.model import Foreign, Load, Remediation
from napalm_fortios.diff import same_values
from napalm_fortios.tree import Node, parse, render, render_entry

Path = tuple[str, ...]
ANY = "*"  # any entry key in a path

# Tables whose entries egress owns whole (IDs/names from the rendered config). An entry there
# that is not egress's (see _egress_s) is foreign: refused unless taken over.
WHOLE_TABLES: frozenset[Path] = frozenset(
    {
        ("router static",),
        ("router policy",),
        ("system link-monitor",),
        ("system interface", ANY, "vrrp"),
        ("system standalone-cluster", "cluster-peer"),
    }
)
# A field egress renders into an entry to say it wrote it ("EGRESS isp1", "EGRESS voice").
MARK_FIELDS = ("comment", "comments", "description")
MARK = "EGRESS"


def plan(
    host: str,
    *,
    running: str,
    rendered: str,
    previous: str | None,
    take_over: bool,
    replace: bool,  # noqa: ARG001 - FortiOS always loads the full candidate as a replace
    backup: str = "",  # noqa: ARG001 - the running config as printed: only Junos needs it
) -> Remediation:
    have = parse(running)
    want = parse(rendered)
    record = parse(previous) if previous else Node()
    foreign: list[Foreign] = []
    _own(have, want, record, (), host=host, foreign=foreign)
    if foreign and not take_over:
        return Remediation((), "", "", tuple(foreign))
    candidate = render(have)
    if have == parse(running):
        return Remediation((), candidate, "", tuple(foreign))
    # the driver computes (and prints) the script, and its review: shown=None, review=None
    return Remediation((Load(candidate, replace=True),), candidate, None, tuple(foreign))


def _own(
    have: Node, want: Node, record: Node, path: Path, *, host: str, foreign: list[Foreign]
) -> None:
    """Make ``have``'s owned parts ``want``'s, in place; note the foreign entries."""
    for name, setting in want.settings.items():
        have.set(name, list(setting.values))
    for name in record.settings:
        if name not in want.settings:
            have.unset(name)  # egress set it before and no longer does
    for name, block in want.blocks.items():
        here = path + (name,)
        target = have.block(name)
        if target is None:
            target = Node(is_table=block.is_table)
            have.put_block(name, target)
        earlier = record.block(name) or Node()
        if here in WHOLE_TABLES:
            _own_entries(target, block, earlier, here, host=host, foreign=foreign)
        elif block.is_table:
            target.is_table = True
            for key, entry in block.entries.items():
                mine = target.entries.get(key)
                if mine is None:
                    mine = Node(quoted_key=entry.quoted_key)
                    target.entries[key] = mine
                previous = earlier.entries.get(key) or Node()
                _own(mine, entry, previous, here + (ANY,), host=host, foreign=foreign)
        else:
            _own(target, block, earlier, here, host=host, foreign=foreign)


def _own_entries(
    have: Node, want: Node, record: Node, path: Path, *, host: str, foreign: list[Foreign]
) -> None:
    have.is_table = True
    for key, entry in want.entries.items():
        existing = have.entries.get(key)
        if (
            existing is not None
            and not _covered(existing, entry)
            and not _egress_s(existing, record.entries.get(key))
        ):
            where = " ".join(p for p in path if p != ANY)
            foreign.append(Foreign(host, f"{where} {key}", _holder(path, key, existing)))
        have.entries[key] = entry.copy()
    for key, entry in list(have.entries.items()):
        if key in want.entries:
            continue
        earlier = record.entries.get(key)
        if earlier is not None and (_covered(entry, earlier) or _marked(entry)):
            del have.entries[key]  # egress wrote it and renders it no more


def _covered(have: Node, want: Node) -> bool:
    """Every field ``have`` holds is ``want``'s (``show`` hides defaults ``want`` may set)."""
    wanted = want.settings
    for name, setting in have.settings.items():
        if name not in wanted or not same_values(setting, wanted[name]):
            return False
    for name, block in have.blocks.items():
        other = want.block(name)
        if other is None:
            if not block.is_void():
                return False
            continue
        if not _covered(block, other):
            return False
    for key, entry in have.entries.items():
        match = want.entries.get(key)
        if match is None or not _covered(entry, match):
            return False
    return True


def _egress_s(existing: Node, earlier: Node | None) -> bool:
    return _marked(existing) or (earlier is not None and _covered(existing, earlier))


def _marked(entry: Node) -> bool:
    return any(entry.value(name).startswith(MARK) for name in MARK_FIELDS)


def _holder(path: Path, key: str, entry: Node) -> str:
    table = " ".join(p for p in path if p != ANY)
    lines = [line.strip() for line in render_entry(table, key, entry).splitlines()[2:-2]]
    return "; ".join(lines[:4]) + ("; ..." if len(lines) > 4 else "")
