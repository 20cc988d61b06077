"""The hierarchical diff: merge vs replace, defaults, ordering, and that it is valid FortiOS
(checked by the lab's engine, which rejects what a FortiGate rejects)."""

from __future__ import annotations

from pathlib import Path

import pytest

from egress.lab.fortios.device import FortiOSDevice, base_config
from egress.lab.fortios.engine import apply_script
from egress.lab.fortios.schema import LOOSE, SCHEMA
from egress.lab.fortios.show import with_defaults
from napalm_fortios.diff import diff, diff_phases
from napalm_fortios.tree import Node, parse

GOLDEN = Path(__file__).resolve().parents[2] / "golden"

RUNNING = """config system interface
    edit "port2"
        set ip 10.0.0.1 255.255.255.0
        set alias "old"
        config vrrp
            edit 10
                set vrip 10.0.0.254
            next
            edit 20
                set vrip 10.0.0.253
            next
        end
    next
end
config firewall address
    edit "old-net"
        set subnet 192.0.2.0 255.255.255.0
    next
end
"""
CANDIDATE = """config firewall address
    edit "new-net"
        set subnet 198.51.100.0 255.255.255.0
    next
end
config system interface
    edit "port2"
        set ip 10.0.0.1/24
        config vrrp
            edit 10
                set vrip 10.0.0.254
                set preempt enable
            next
        end
    next
end
"""


def _full(root: Node) -> Node:
    """What `show full-configuration` prints for these sections (the lab's schema)."""
    out = Node()
    for path, node in root.blocks.items():
        out.put_block(path, with_defaults(node, SCHEMA.get(path, LOOSE)))
    return out


def _factory() -> Node:
    root = parse(base_config("fw"))
    FortiOSDevice._mark_tables(root)
    return root


def test_merge_adds_and_changes_only() -> None:
    running, candidate = parse(RUNNING), parse(CANDIDATE)
    assert diff(running, candidate, prune=False, reference=_full(running)) == [
        "config firewall address",
        '    edit "new-net"',
        "        set subnet 198.51.100.0 255.255.255.0",
        "    next",
        "end",
    ]


def test_without_the_full_reference_defaults_look_like_changes() -> None:
    running, candidate = parse(RUNNING), parse(CANDIDATE)
    lines = diff(running, candidate, prune=False)
    assert "                set preempt enable" in lines  # the trap `show` sets


def test_replace_removes_after_adding_in_reverse_order() -> None:
    running, candidate = parse(RUNNING), parse(CANDIDATE)
    upserts, removals = diff_phases(running, candidate, reference=_full(running))
    assert upserts[0] == "config firewall address"
    assert removals == [
        "config firewall address",
        '    delete "old-net"',
        "end",
        "config system interface",
        '    edit "port2"',
        "        unset alias",
        "        config vrrp",
        "            delete 20",
        "        end",
        "    next",
        "end",
    ]


def test_no_change_is_an_empty_diff() -> None:
    running = parse(RUNNING)
    assert diff(running, parse(RUNNING)) == []
    assert diff(running, parse(RUNNING), prune=False, reference=_full(running)) == []


def test_an_emptied_table_in_the_candidate_deletes_every_entry() -> None:
    running = parse(
        "config router static\n    edit 1\n        set gateway 10.0.0.9\n    next\n"
        "    edit 2\n        set gateway 10.0.0.8\n    next\nend\n"
    )
    candidate = parse("config router static\nend\n")  # parses as an object: no entries
    assert diff(running, candidate) == [
        "config router static",
        "    delete 2",
        "    delete 1",
        "end",
    ]


@pytest.mark.parametrize("name", ["sin-fgt-01", "sin-fgt-02", "syd-fgt-01", "syd-fgt-02"])
def test_rendered_configs_round_trip_through_the_engine(name: str) -> None:
    """running + diff = intended; intended + replace-diff = running; merge again = nothing."""
    path = GOLDEN / f"{name}.cfg"
    assert path.exists(), "golden config not rendered yet"
    running = _factory()
    intended = running.copy()
    assert apply_script(intended, path.read_text()) == []
    candidate = parse(path.read_text())
    forward = diff(running, candidate, prune=False, reference=_full(running))
    after = running.copy()
    assert apply_script(after, "\n".join(forward)) == []
    # equal as the device sees it: a default the config spells out was never sent
    assert _full(after) == _full(intended)
    assert diff(after, candidate, prune=False, reference=_full(after)) == []
    back = diff(after, running, reference=_full(after))
    assert apply_script(after, "\n".join(back)) == []
    assert after == running
