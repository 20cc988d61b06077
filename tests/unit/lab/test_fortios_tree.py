"""The FortiOS config tree: parse, render, diff — on real device output."""

from __future__ import annotations

from pathlib import Path

import pytest

from egress.lab.fortios.engine import apply_script
from napalm_fortios.diff import diff
from napalm_fortios.tree import (
    ConfigSyntaxError,
    Node,
    Token,
    parse,
    render,
    render_entry,
    tokenize,
)

REAL = (
    Path(__file__).resolve().parents[2]
    / "fixtures/real-outputs/fortinet/show_system_interface/napalm-fortios__1.raw"
)
GOLDEN = Path(__file__).resolve().parents[2] / "golden"


@pytest.fixture
def real_text() -> str:
    assert REAL.exists(), "shared real outputs not available"
    return REAL.read_text()


def test_real_show_round_trips(real_text: str) -> None:
    tree = parse(real_text)
    rendered = render(tree)
    # Same tree back, and the same lines in the same order. Indentation is normalised to the
    # 7.x layout: this 5.x sample indents `config ipv6` four columns deeper than its entry.
    assert parse(rendered) == tree
    assert [line.strip() for line in rendered.splitlines()] == [
        line.strip() for line in real_text.splitlines() if line.strip()
    ]


def test_real_show_is_read_as_tables_entries_and_nested_blocks(real_text: str) -> None:
    tree = parse(real_text)
    interfaces = tree.block("system interface")
    assert interfaces is not None and interfaces.is_table
    assert list(interfaces.entries) == [
        "dmz", "wan1", "wan2", "modem", "ssl.root", "mesh.root", "internal", "wifi",
    ]  # fmt: skip
    wan1 = interfaces.entries["wan1"]
    assert wan1.get("allowaccess") == ("ping", "https", "ssh", "snmp")
    assert wan1.value("mode") == "dhcp"
    ipv6 = tree.find("system interface", "wan1", "ipv6")
    assert ipv6 is not None and ipv6.get("ip6-allowaccess") == ("ping", "https", "ssh")
    assert interfaces.entries["ssl.root"].value("alias") == "sslvpn tunnel interface"
    # `set defaultgw` came after the nested block and must stay after it.
    keys = [name for _, name in wan1.items]
    assert keys.index("ipv6") < keys.index("defaultgw")


def test_rendered_entry_keeps_quoting_of_keys_and_values() -> None:
    tree = parse(
        'config router static\n    edit 5\n        set device "port2"\n'
        "        set dst 10.0.0.0 255.0.0.0\n    next\nend\n"
    )
    static = tree.block("router static")
    assert static is not None
    assert render_entry("router static", "5", static.entries["5"]) == (
        'config router static\n    edit 5\n        set device "port2"\n'
        "        set dst 10.0.0.0 255.0.0.0\n    next\nend\n"
    )


def test_tokenize_quotes_escapes_and_spaces() -> None:
    assert tokenize('set alias "a \\"b\\" c" x') == [
        Token("set"), Token("alias"), Token('a "b" c', quoted=True), Token("x"),
    ]  # fmt: skip
    assert Token('a "b"', quoted=True).render() == '"a \\"b\\""'
    assert Token("needs space").render() == '"needs space"'
    assert tokenize("   ") == []


def test_multiline_quoted_value_is_one_setting() -> None:
    tree = parse('config system global\n    set post-login-banner "line1\nline2"\nend\n')
    glob = tree.block("system global")
    assert glob is not None and glob.value("post-login-banner") == "line1\nline2"
    assert parse(render(tree)) == tree


def test_header_and_comments_are_ignored() -> None:
    text = "#config-version=FGVM64-7.2.8-FW-build1639-240313:opmode=0\n#buildno=1639\n"
    tree = parse(text + "config system console\n    set output standard\nend\n")
    assert render(tree) == "config system console\n    set output standard\nend\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("config system global\n    set hostname x\n", "unterminated"),
        ("end\n", "'end' without 'config'"),
        ("config system interface\n    next\nend\n", "'next' outside an entry"),
        ("set hostname x\n", "outside an object"),
        ('config system global\n    set alias "open\nend\n', "unmatched quote"),
    ],
    ids=["unterminated", "stray-end", "stray-next", "set-at-top", "open-quote"],
)
def test_parse_errors_say_which_line(text: str, message: str) -> None:
    with pytest.raises(ConfigSyntaxError, match=message):
        parse(text)


def test_semantic_equality_ignores_quoting_and_setting_order() -> None:
    a = parse('config system global\n    set hostname "fw1"\n    set admintimeout 30\nend\n')
    b = parse("config system global\n    set admintimeout 30\n    set hostname fw1\nend\n")
    assert a == b
    assert diff(a, b) == []


def test_diff_merge_and_replace() -> None:
    running = parse(
        "config system interface\n"
        '    edit "port2"\n        set ip 10.0.0.1 255.255.255.0\n        set alias "old"\n'
        "        config vrrp\n            edit 10\n                set vrip 10.0.0.254\n"
        "            next\n            edit 20\n                set vrip 10.0.0.253\n"
        "            next\n        end\n    next\n"
        '    edit "port3"\n        set alias "gone"\n    next\n'
        "end\n"
    )
    candidate = parse(
        "config system interface\n"
        '    edit "port2"\n        set ip 10.0.0.1 255.255.255.0\n'
        "        config vrrp\n            edit 10\n                set vrip 10.0.0.254\n"
        "                set priority 200\n            next\n        end\n    next\n"
        "end\n"
        "config router static\n    edit 1\n        set gateway 10.0.0.9\n    next\nend\n"
    )
    assert diff(running, candidate, prune=False) == [
        "config system interface",
        '    edit "port2"',
        "        config vrrp",
        "            edit 10",
        "                set priority 200",
        "            next",
        "        end",
        "    next",
        "end",
        "config router static",
        "    edit 1",
        "        set gateway 10.0.0.9",
        "    next",
        "end",
    ]
    # Replace: adds and changes first, then removals (FortiOS checks references per line).
    assert diff(running, candidate) == [
        "config system interface",
        '    edit "port2"',
        "        config vrrp",
        "            edit 10",
        "                set priority 200",
        "            next",
        "        end",
        "    next",
        "end",
        "config router static",
        "    edit 1",
        "        set gateway 10.0.0.9",
        "    next",
        "end",
        "config system interface",
        '    delete "port3"',
        '    edit "port2"',
        "        unset alias",
        "        config vrrp",
        "            delete 20",
        "        end",
        "    next",
        "end",
    ]


@pytest.mark.parametrize("name", ["sin-fgt-01", "sin-fgt-02", "syd-fgt-01", "syd-fgt-02"])
def test_diff_then_apply_reaches_the_candidate(name: str) -> None:
    """Circular check (hier_config style): running + diff = intended, for merge and replace."""
    path = GOLDEN / f"{name}.cfg"
    assert path.exists(), "golden config not rendered yet"
    from egress.lab.fortios.device import base_config

    running = parse(base_config("fw"))
    _mark_tables(running)
    intended = running.copy()
    assert apply_script(intended, path.read_text()) == []
    script = "\n".join(diff(running, intended, prune=False))
    assert script, "the golden config must change a factory FortiGate"
    after = running.copy()
    assert apply_script(after, script) == []
    assert after == intended
    # Replace back to the factory config: intended + rollback = running.
    rollback = "\n".join(diff(intended, running))
    assert apply_script(after, rollback) == []
    assert after == running


def _mark_tables(root: Node) -> None:
    from egress.lab.fortios.device import FortiOSDevice

    FortiOSDevice._mark_tables(root)
