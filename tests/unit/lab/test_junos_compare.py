"""``show | compare`` output of the lab Junos, in the layout real devices print."""

from __future__ import annotations

import pytest

from egress.lab.junos.compare import compare
from egress.lab.junos.config import Node, parse_text

BASE = """\
system {
    host-name edge-j1;
    services {
        ssh;
    }
}
interfaces {
    ge-0/0/0 {
        unit 0 {
            family inet {
                address 192.0.2.1/24;
            }
        }
    }
}
routing-options {
    static {
        route 0.0.0.0/0 next-hop 192.0.2.254;
    }
}
"""


def tree(text: str) -> Node:
    parsed, issues = parse_text(text)
    assert not issues
    return parsed


CASES = {
    "no-change": (BASE, "\n"),
    "leaf-changed": (
        BASE.replace("edge-j1", "edge-j2"),
        "\n[edit system]\n-  host-name edge-j1;\n+  host-name edge-j2;\n",
    ),
    "address-added": (
        BASE.replace("192.0.2.1/24;", "192.0.2.1/24;\n                address 192.0.2.2/24;"),
        "\n[edit interfaces ge-0/0/0 unit 0 family inet]\n+       address 192.0.2.2/24;\n",
    ),
    "one-line-route-changed": (
        BASE.replace("192.0.2.254", "192.0.2.253"),
        "\n[edit routing-options static]\n"
        "-    route 0.0.0.0/0 next-hop 192.0.2.254;\n"
        "+    route 0.0.0.0/0 next-hop 192.0.2.253;\n",
    ),
    "block-removed": (
        BASE[: BASE.index("routing-options")],
        "\n[edit]\n"
        "-  routing-options {\n"
        "-      static {\n"
        "-          route 0.0.0.0/0 next-hop 192.0.2.254;\n"
        "-      }\n"
        "-  }\n",
    ),
    "flag-added": (
        BASE.replace(
            "        ssh;\n", "        ssh;\n        netconf {\n            ssh;\n        }\n"
        ),
        "\n[edit system services]\n+    netconf {\n+        ssh;\n+    }\n",
    ),
}


@pytest.mark.parametrize("new, expected", CASES.values(), ids=CASES.keys())
def test_compare(new: str, expected: str) -> None:
    assert compare(tree(BASE), tree(new)) == expected


def test_changes_under_different_levels_get_their_own_headers() -> None:
    new = BASE.replace("edge-j1", "edge-j2").replace("192.0.2.254", "192.0.2.253")
    headers = [line for line in compare(tree(BASE), tree(new)).splitlines() if line.startswith("[")]
    assert headers == ["[edit system]", "[edit routing-options static]"]
