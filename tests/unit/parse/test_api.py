"""The public parse API: lookups, errors, the compile-once cache, the XML readers."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

import egress.parse.engine as engine
from egress.errors import InputError
from egress.parse import known_commands, lookup, parse_output
from egress.parse.registry import PLATFORMS, SPECS, command_slug, normalise_command
from egress.parse.schema import Route, Vrrp
from egress.render import default_templates_dir

BRIEF = (
    "Interface          Grp  A-F Pri  Time Own Pre State   Master addr/Group addr\n"
    "Gi0/0                1 IPv4 110     0  N   Y  MASTER  10.0.1.2(local) 10.0.1.1\n"
)


def test_slug_rule() -> None:
    assert command_slug("show vrrp summary | display xml") == "show_vrrp_summary_pipe_display_xml"
    assert command_slug("show ip route 0.0.0.0") == "show_ip_route_0.0.0.0"
    assert command_slug("get router info routing-table all") == "get_router_info_routing-table_all"
    assert normalise_command(" Show   VRRP  brief ") == "show vrrp brief"


def test_lookup_is_case_and_space_insensitive_and_knows_aliases() -> None:
    assert lookup(platform="ios", command="SHOW  vrrp BRIEF").command == "show vrrp brief"
    assert lookup(platform="ios", command="show vrrp all").command == "show vrrp"
    assert lookup(platform="junos", command="show route 0.0.0.0/0").command == "show route"
    assert lookup(platform="junos", command="show route 0.0.0.0/0 | display xml").reader


def test_unknown_platform_names_the_known_ones() -> None:
    with pytest.raises(InputError) as info:
        parse_output(platform="nxos", command="show vrrp", text="")
    assert info.value.exit_code == 2
    assert all(p in info.value.hint for p in PLATFORMS)


def test_unknown_command_lists_the_known_commands() -> None:
    with pytest.raises(InputError) as info:
        parse_output(platform="fortios", command="get router info vrrp detail", text="")
    assert "get router info vrrp detail" in info.value.message
    for command in known_commands("fortios"):
        assert command in info.value.hint


def test_every_platform_covers_the_validated_features() -> None:
    kinds = {(s.platform, s.kind) for s in SPECS}
    for platform in PLATFORMS:
        for kind in ("vrrp", "bfd", "route", "probe", "ha", "interface"):
            assert (platform, kind) in kinds, f"{platform} has no {kind} parser"
        assert (platform, "pbr") in kinds, f"{platform} has no pbr parser"


def test_records_are_typed_frozen_and_normalised() -> None:
    (record,) = parse_output(platform="ios", command="show vrrp brief", text=BRIEF)
    assert isinstance(record, Vrrp)
    assert (record.interface, record.state, record.vip, record.preempt) == (
        "GigabitEthernet0/0",
        "Master",
        "10.0.1.1",
        True,
    )
    with pytest.raises(ValueError):
        record.state = "Backup"  # type: ignore[misc]


def test_empty_output_gives_no_records() -> None:
    for spec in SPECS:
        if spec.reader is None:
            assert parse_output(platform=spec.platform, command=spec.command, text="") == []


def test_each_template_is_compiled_once(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[object] = []
    real_ttp = engine.ttp

    def counting_ttp(*args: object, **kwargs: object) -> object:
        parser = real_ttp(*args, **kwargs)
        built.append(parser)
        return parser

    engine._compiled.cache_clear()
    monkeypatch.setattr(engine, "ttp", counting_ttp)
    for _ in range(5):
        parse_output(platform="ios", command="show vrrp brief", text=BRIEF)
    parse_output(platform="ios", command="show vrrp brief all", text=BRIEF)  # same template
    assert len(built) == 1
    engine._compiled.cache_clear()


def test_threads_asking_together_compile_each_template_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A commit's device threads reach their first show command at once: one compile."""
    built: list[object] = []
    real_ttp = engine.ttp

    def slow_ttp(*args: object, **kwargs: object) -> object:
        time.sleep(0.05)  # long enough for every thread to ask before the first is done
        parser = real_ttp(*args, **kwargs)
        built.append(parser)
        return parser

    engine._compiled.cache_clear()
    monkeypatch.setattr(engine, "ttp", slow_ttp)
    threads = [
        threading.Thread(
            target=parse_output,
            kwargs={"platform": "ios", "command": "show vrrp brief", "text": BRIEF},
        )
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(built) == 1
    engine._compiled.cache_clear()


def test_reused_parser_does_not_leak_results_between_outputs() -> None:
    first = parse_output(platform="ios", command="show vrrp brief", text=BRIEF)
    second = parse_output(
        platform="ios", command="show vrrp brief", text=BRIEF.replace("110", "90")
    )
    assert [r.priority for r in first] == [110]  # type: ignore[attr-defined]
    assert [r.priority for r in second] == [90]  # type: ignore[attr-defined]


def test_batch_parse_matches_one_by_one() -> None:
    path = lookup(platform="ios", command="show vrrp brief").template_path(default_templates_dir())
    assert isinstance(path, Path)
    template = engine.compiled(path)
    texts = [engine.dedent_lines(BRIEF), engine.dedent_lines(BRIEF.replace("Gi0/0", "Gi0/1"))]
    batch = template.rows_batch(texts)
    assert batch == [template.rows(t) for t in texts]


def test_batch_parse_keeps_identical_outputs_apart() -> None:
    # TTP stores one copy of identical inputs; two devices may print the same output
    path = lookup(platform="ios", command="show vrrp brief").template_path(default_templates_dir())
    assert isinstance(path, Path)
    template = engine.compiled(path)
    same, other = engine.dedent_lines(BRIEF), engine.dedent_lines(BRIEF.replace("110", "90"))
    batch = template.rows_batch([same, other, same])
    assert batch == [template.rows(same), template.rows(other), template.rows(same)]


def test_junos_xml_errors_are_input_errors() -> None:
    with pytest.raises(InputError, match="no XML element"):
        parse_output(platform="junos", command="show route | display xml", text="error: syntax")
    with pytest.raises(InputError, match="malformed XML"):
        parse_output(platform="junos", command="show route | display xml", text="<a><b></a>")


def test_junos_xml_ignores_prompt_lines_and_namespaces() -> None:
    text = (
        "user@srx> show route 0.0.0.0/0 exact | display xml\n"
        '<rpc-reply xmlns:junos="http://xml.juniper.net/junos/21.4R3/junos">\n'
        '<route-information xmlns="http://xml.juniper.net/junos/21.4R3/junos-routing">\n'
        "<route-table><table-name>inet.0</table-name>\n"
        "<rt><rt-destination>0.0.0.0/0</rt-destination><rt-entry><active-tag>*</active-tag>"
        "<protocol-name>Static</protocol-name>"
        "<nh><selected-next-hop/><to>198.51.100.1</to><via>ge-0/0/1.0</via></nh>"
        "<nh><selected-next-hop/><to>203.0.113.1</to><via>ge-0/0/2.0</via></nh>"
        "</rt-entry></rt></route-table></route-information></rpc-reply>\n"
        "\n{primary:node0}\nuser@srx>\n"
    )
    (route,) = parse_output(
        platform="junos", command="show route 0.0.0.0/0 exact | display xml", text=text
    )
    assert isinstance(route, Route)
    assert route.prefix == "0.0.0.0/0" and route.protocol == "static"
    assert [(h.address, h.interface, h.selected) for h in route.next_hops] == [
        ("198.51.100.1", "ge-0/0/1.0", True),
        ("203.0.113.1", "ge-0/0/2.0", True),
    ]


def test_unknown_vendor_word_is_an_input_error() -> None:
    with pytest.raises(InputError, match="unknown VRRP state 'SPARE'"):
        parse_output(
            platform="ios", command="show vrrp brief", text=BRIEF.replace("MASTER", "SPARE")
        )


def test_missing_template_is_reported(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="template .* is missing"):
        parse_output(platform="ios", command="show track", text="Track 1\n", templates_dir=tmp_path)
