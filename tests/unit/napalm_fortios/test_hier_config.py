"""Why the driver computes its own diff instead of using hier_config's FortiOS driver.

hier_config 3.x (`Platform.FORTINET_FORTIOS`) is checked against FortiOS grammar by running
its remediation through the lab's FortiOS engine (which rejects what a FortiGate rejects):
for nested blocks it closes `edit` entries with `exit` (not a FortiOS config verb), and it
removes a nested `config vrrp / edit 10` by printing an empty block instead of `delete 10`.
The tree diff is checked the same way and must reach the intended config exactly.
"""

from __future__ import annotations

import pytest
from hier_config import Platform, WorkflowRemediation, get_hconfig

from egress.lab.fortios.device import FortiOSDevice, base_config
from egress.lab.fortios.engine import apply_script
from napalm_fortios.diff import diff
from napalm_fortios.tree import Node, parse, render

CHANGE = """config system interface
    edit "port2"
        set ip 10.0.0.2 255.255.255.0
        set vrrp-virtual-mac enable
        config vrrp
            edit 10
                set vrip 10.0.0.1
                set priority 110
            next
        end
    next
end
config router static
    edit 901
        set gateway 10.0.0.9
        set device "port2"
    next
end
"""


def _factory() -> Node:
    root = parse(base_config("fw"))
    FortiOSDevice._mark_tables(root)
    return root


@pytest.fixture
def trees() -> tuple[Node, Node]:
    running = _factory()
    intended = running.copy()
    assert apply_script(intended, CHANGE) == []
    return running, intended


def _hier_config(running: Node, intended: Node) -> tuple[str, str]:
    workflow = WorkflowRemediation(
        get_hconfig(Platform.FORTINET_FORTIOS, render(running)),
        get_hconfig(Platform.FORTINET_FORTIOS, render(intended)),
    )
    remediation = "\n".join(workflow.remediation_config.dump_simple(sectional_exiting=True))
    rollback = "\n".join(workflow.rollback_config.dump_simple(sectional_exiting=True))
    return remediation, rollback


def test_hier_config_remediation_is_not_valid_fortios(trees: tuple[Node, Node]) -> None:
    running, intended = trees
    remediation, _ = _hier_config(running, intended)
    # FortiOS closes an entry with `next` and a block with `end`; `exit` is no config verb,
    # and the extra `next` after a top-level entry is outside any entry
    errors = apply_script(running.copy(), remediation)
    assert {e.text for e in errors} == {"exit", "next"}
    # Pasted, the device skips those lines and happens to get there; sent as a checked batch
    # (what a driver must do to notice failures) it stops at the first one, short of it.
    stopped = running.copy()
    apply_script(stopped, "\n".join(remediation.splitlines()[: errors[0].line - 1]))
    assert stopped != intended


def test_hier_config_rollback_leaves_a_nested_entry_behind(trees: tuple[Node, Node]) -> None:
    running, intended = trees
    _, rollback = _hier_config(running, intended)
    assert "delete 10" not in rollback and "delete 901" not in rollback
    assert "config vrrp\n    end" in rollback  # an empty block where `delete 10` belongs
    after = intended.copy()
    apply_script(after, rollback)
    # the VRRP group and the route are still there: nothing removed them
    assert after.find("system interface", "port2", "vrrp", "10") is not None
    assert after.find("router static", "901") is not None


def test_the_tree_diff_is_valid_fortios_both_ways(trees: tuple[Node, Node]) -> None:
    running, intended = trees
    forward = diff(running, intended)
    after = running.copy()
    assert apply_script(after, "\n".join(forward)) == []
    assert after == intended
    backward = diff(intended, running)
    assert "            delete 10" in backward and "    delete 901" in backward
    assert apply_script(after, "\n".join(backward)) == []
    assert after == running
