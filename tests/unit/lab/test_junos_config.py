"""The lab Junos configuration tree: curly text, set commands, XML, load semantics."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from egress.lab.junos.config import Node, merge, new_root, override, parse_text, render_text
from egress.lab.junos.setfmt import apply_set, render_set
from egress.lab.junos.xmlconf import apply_filter, from_xml, render_xml, to_xml

EDGE = """\
system {
    host-name edge-j1;
    domain-name lab.example;
    services {
        ssh;
        netconf {
            ssh;
        }
    }
}
chassis {
    cluster {
        reth-count 2;
        redundancy-group 1 {
            node 0 priority 200;
            node 1 priority 100;
            interface-monitor {
                ge-0/0/1 weight 255;
            }
        }
    }
}
services {
    rpm {
        probe isp1 {
            test icmp {
                probe-type icmp-ping;
                target address 198.51.100.1;
                probe-interval 5;
            }
        }
    }
    ip-monitoring {
        policy isp1-down {
            match {
                rpm-probe isp1;
            }
            then {
                preferred-route {
                    route 0.0.0.0/0 next-hop 203.0.113.1;
                }
            }
        }
    }
}
interfaces {
    ge-0/0/1 {
        description "uplink isp1";
        unit 0 {
            family inet {
                address 198.51.100.2/30 {
                    vrrp-group 1 {
                        virtual-address 198.51.100.3;
                        priority 200;
                        preempt;
                        accept-data;
                        track {
                            interface ge-0/0/2 {
                                priority-cost 50;
                            }
                        }
                    }
                }
            }
        }
    }
}
routing-options {
    static {
        route 0.0.0.0/0 {
            next-hop [ 198.51.100.1 203.0.113.1 ];
            bfd-liveness-detection {
                minimum-interval 50;
                multiplier 3;
            }
        }
        route 10.0.0.0/8 next-hop 192.0.2.1;
    }
    forwarding-table {
        export load-balance;
    }
}
policy-options {
    policy-statement load-balance {
        then {
            load-balance per-packet;
        }
    }
}
firewall {
    family inet {
        filter voice-pbr {
            term voice {
                from {
                    dscp ef;
                }
                then {
                    routing-instance isp2;
                }
            }
            term rest {
                then accept;
            }
        }
    }
}
routing-instances {
    isp2 {
        instance-type forwarding;
        routing-options {
            static {
                route 0.0.0.0/0 next-hop 203.0.113.1;
            }
        }
    }
}
"""


def parsed(text: str) -> Node:
    tree, issues = parse_text(text)
    assert not issues
    return tree


def test_curly_text_round_trips() -> None:
    assert render_text(parsed(EDGE)) == EDGE


def test_set_commands_build_the_same_tree() -> None:
    tree = parsed(EDGE)
    rebuilt = new_root()
    assert apply_set(rebuilt, render_set(tree)) == []
    assert rebuilt.same_as(tree)
    assert render_text(rebuilt) == EDGE


def test_display_set_lines() -> None:
    lines = render_set(parsed(EDGE)).splitlines()
    assert "set system services netconf ssh" in lines
    assert 'set interfaces ge-0/0/1 description "uplink isp1"' in lines
    assert "set routing-options static route 0.0.0.0/0 next-hop 203.0.113.1" in lines
    assert (
        "set interfaces ge-0/0/1 unit 0 family inet address 198.51.100.2/30 vrrp-group 1 preempt"
        in lines
    )


def test_xml_round_trips() -> None:
    tree = parsed(EDGE)
    xml = render_xml(tree)
    root = etree.fromstring(xml)
    assert root.xpath("interfaces/interface/name/text()") == ["ge-0/0/1"]
    assert root.xpath("interfaces/interface/unit/family/inet/address/name/text()") == [
        "198.51.100.2/30"
    ]
    assert root.xpath("routing-options/static/route[name='0.0.0.0/0']/next-hop/text()") == [
        "198.51.100.1",
        "203.0.113.1",
    ]
    assert from_xml(root).same_as(tree)


def test_xml_filter_selects_a_leaf() -> None:
    selector = etree.fromstring("<configuration><system><domain-name/></system></configuration>")
    picked = apply_filter(parsed(EDGE), selector)
    assert render_text(picked) == "system {\n    domain-name lab.example;\n}\n"
    every = etree.fromstring("<configuration><interfaces><interface/></interfaces></configuration>")
    assert list(apply_filter(parsed(EDGE), every).children["interfaces"].children) == ["ge-0/0/1"]


def test_merge_replaces_leaves_and_unions_leaf_lists() -> None:
    tree = parsed(EDGE)
    patch = parsed(
        "system { host-name edge-j2; }\n"
        "routing-options { static { route 0.0.0.0/0 { next-hop 192.0.2.9; } } }"
    )
    merge(tree, patch)
    assert tree.find(["system", "host-name"]).values == ["edge-j2"]  # type: ignore[union-attr]
    hops = tree.find(["routing-options", "static", "route 0.0.0.0/0", "next-hop"])
    assert hops is not None and hops.values == ["198.51.100.1", "203.0.113.1", "192.0.2.9"]


def test_replace_and_delete_tags() -> None:
    tree = parsed(EDGE)
    patch = parsed(
        "routing-options { replace: static { route 192.0.2.0/24 discard; } }\ndelete: firewall;\n"
    )
    merge(tree, patch)
    static = tree.find(["routing-options", "static"])
    assert static is not None and list(static.children) == ["route 192.0.2.0/24"]
    assert "firewall" not in tree.children
    # ``load merge`` ignores replace: tags.
    merged = parsed(EDGE)
    merge(merged, patch, honor_replace=False)
    static = merged.find(["routing-options", "static"])
    assert static is not None and len(static.children) == 3


def test_override_and_version_order() -> None:
    tree = override(parsed("routing-options { router-id 10.0.0.1; }\nsystem { host-name x; }"))
    assert list(tree.children) == ["system", "routing-options"]  # Junos schema order
    assert render_text(tree).startswith("system {")


def test_set_delete_and_warnings() -> None:
    tree = parsed(EDGE)
    issues = apply_set(
        tree,
        "delete routing-options static route 0.0.0.0/0 next-hop 203.0.113.1\n"
        "delete interfaces ge-0/0/9\n"
        "set system host-name edge-j3\n",
    )
    assert [(i.severity, i.message) for i in issues] == [("warning", "statement not found")]
    hops = tree.find(["routing-options", "static", "route 0.0.0.0/0", "next-hop"])
    assert hops is not None and hops.values == ["198.51.100.1"]
    assert tree.find(["system", "host-name"]).values == ["edge-j3"]  # type: ignore[union-attr]


def test_rejected_statements_are_skipped_with_a_syntax_error() -> None:
    tree, issues = parse_text(EDGE, reject=lambda line: "description" in line)
    assert [(i.severity, i.message, i.bad_element) for i in issues] == [
        ("error", "syntax error", "description")
    ]
    assert issues[0].path == ("interfaces", "ge-0/0/1")
    assert tree.find(["interfaces", "ge-0/0/1", "description"]) is None
    assert tree.find(["interfaces", "ge-0/0/1", "unit 0"]) is not None
    target = new_root()
    issues = apply_set(target, "set system host-name a\nset bogus\n", reject=lambda s: "bogus" in s)
    assert len(issues) == 1 and target.find(["system", "host-name"]) is not None


@pytest.mark.parametrize(
    "text",
    ["system { host-name x; ", "system { host-name x; }}", "system host-name x", '"unterminated'],
    ids=["missing-brace", "extra-brace", "missing-semicolon", "open-quote"],
)
def test_bad_text_is_a_syntax_error(text: str) -> None:
    try:
        _, issues = parse_text(text)
    except ValueError:
        return
    assert issues and issues[0].severity == "error"


def test_quoting_and_secrets() -> None:
    tree = parsed('system { login { user a { authentication { encrypted-password "$6$x"; } } } }')
    text = render_text(tree)
    assert 'encrypted-password "$6$x"; ## SECRET-DATA' in text
    assert parsed(text).same_as(tree)
    assert to_xml(tree).findtext(".//encrypted-password") == "$6$x"


GOLDEN = Path(__file__).resolve().parents[2] / "golden"
RENDERED_JUNOS = sorted(
    path
    for path in GOLDEN.glob("*.cfg")
    if path.read_text().startswith("set ") and "set interfaces" in path.read_text()
)


@pytest.mark.parametrize("golden", RENDERED_JUNOS, ids=[p.stem for p in RENDERED_JUNOS])
def test_what_egress_renders_loads_and_round_trips(golden: Path) -> None:
    """Every Junos golden config loads without issue and reads back the same in every form."""
    tree = new_root()
    assert apply_set(tree, golden.read_text()) == []
    assert parsed(render_text(tree)).same_as(tree)
    again = new_root()
    assert apply_set(again, render_set(tree)) == []
    assert again.same_as(tree)
    assert from_xml(to_xml(tree)).same_as(tree)


def test_a_vrrp_track_route_holds_its_leaves_side_by_side() -> None:
    # ``routing-instance default`` is a leaf that ``priority-cost`` follows on the same line
    line = (
        "set interfaces ge-0/0/1 unit 0 family inet address 10.0.0.2/24 vrrp-group 1"
        " track route 192.0.2.8/32 routing-instance default priority-cost 20"
    )
    root = new_root()
    assert apply_set(root, line + "\n") == []
    track = root.find(
        [
            "interfaces",
            "ge-0/0/1",
            "unit 0",
            "family inet",
            "address 10.0.0.2/24",
            "vrrp-group 1",
            "track",
            "route 192.0.2.8/32",
        ]
    )
    assert track is not None
    assert {k: c.values for k, c in track.children.items()} == {
        "routing-instance": ["default"],
        "priority-cost": ["20"],
    }
    assert line in render_set(root).splitlines()
    text = render_text(root)
    assert "route 192.0.2.8/32 routing-instance default priority-cost 20;" in text
    again, issues = parse_text(text)
    assert issues == [] and render_set(again) == render_set(root)
    xml = etree.tostring(to_xml(root), encoding="unicode")
    assert (
        "<route><name>192.0.2.8/32</name><routing-instance>default</routing-instance>"
        "<priority-cost>20</priority-cost></route>" in xml
    )
