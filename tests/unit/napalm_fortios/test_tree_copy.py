"""``Node.copy``: a tree of its own, equal to what ``copy.deepcopy`` gives."""

from __future__ import annotations

import copy

from napalm_fortios.tree import Token, parse, render
from tests.conftest import REPO


def test_copy_is_an_equal_tree_that_shares_no_node_or_list() -> None:
    tree = parse((REPO / "tests" / "golden" / "syd-fgt-02.cfg").read_text())
    mine = tree.copy()
    assert mine == tree and render(mine) == render(copy.deepcopy(tree)) == render(tree)
    # changing the copy leaves the original as it was, at every depth
    before = render(tree)
    interfaces = mine.block("system interface")
    assert interfaces is not None and interfaces.entries
    first = next(iter(interfaces.entries.values()))
    first.set("alias", [Token("changed")])
    first.entries.clear()
    mine.items.clear()
    assert render(tree) == before
