"""The parse records (egress.parse.record): typed as pydantic typed them, without pydantic
for values already of their field's type."""

from __future__ import annotations

import pickle
import subprocess
import sys

import pytest
from pydantic import ValidationError

from egress.parse.schema import Interface, NextHop, Probe, Route, Vrrp


def test_values_of_the_wrong_type_are_coerced_or_refused_as_pydantic_does() -> None:
    # an int for a float field becomes a float; a list for a tuple field a tuple
    probe = Probe(name="p", state="ok", rtt_ms=5)
    assert probe.rtt_ms == 5.0 and type(probe.rtt_ms) is float
    route = Route(prefix="10.0.0.0/8", next_hops=[NextHop(address="192.0.2.1")])  # type: ignore[arg-type]
    assert route.next_hops == (NextHop(address="192.0.2.1"),)
    assert route == Route(prefix="10.0.0.0/8", next_hops=(NextHop(address="192.0.2.1"),))
    # nested dicts become records
    given: tuple = ({"address": "192.0.2.9"},)
    assert Route(prefix="0.0.0.0/0", next_hops=given).next_hops == (NextHop(address="192.0.2.9"),)
    with pytest.raises(ValidationError, match="literal_error"):
        Vrrp(interface="Gi1", group=1, state="Active")  # type: ignore[arg-type]  # not normalised
    with pytest.raises(ValidationError, match="extra_forbidden"):
        Vrrp(interface="Gi1", group=1, state="Master", weight=3)  # type: ignore[call-arg]
    with pytest.raises(ValidationError, match="missing"):
        Vrrp(interface="Gi1", state="Master")  # type: ignore[call-arg]
    with pytest.raises(ValidationError, match="string_type"):
        Interface(name=5)  # type: ignore[arg-type]


def test_records_are_frozen_hashable_comparable_and_pickle() -> None:
    record = Interface(name="Gi1", address="192.0.2.1", prefix_length=24, status="up")
    with pytest.raises(ValueError):
        record.status = "down"  # type: ignore[misc]
    assert {record, Interface(name="Gi1", address="192.0.2.1", prefix_length=24, status="up")}
    assert len({record, record.model_copy(update={"status": "down"})}) == 2
    assert record != Interface(name="Gi2")
    assert pickle.loads(pickle.dumps(record)) == record
    assert repr(record) == (
        "Interface(kind='interface', name='Gi1', address='192.0.2.1', prefix_length=24, "
        "status='up', admin_status=None)"
    )


def test_dumps_as_pydantic_dumped() -> None:
    route = Route(prefix="0.0.0.0/0", next_hops=(NextHop(address="192.0.2.1", selected=True),))
    nexthop = {"address": "192.0.2.1", "interface": None, "selected": True}
    assert route.model_dump(mode="json") == {
        "kind": "route",
        "prefix": "0.0.0.0/0",
        "vrf": None,
        "protocol": None,
        "next_hops": [nexthop],
    }
    assert route.model_dump()["next_hops"] == (nexthop,)


def test_parsing_well_typed_output_does_not_import_pydantic() -> None:
    """What `egress parse` saves at start (issue 18): checked in a fresh interpreter."""
    code = (
        "import sys\n"
        "from egress.parse import parse_output\n"
        "text = 'Interface  IP-Address  OK? Method Status  Protocol\\n"
        "Gi1  10.0.0.1  YES manual up  up\\n'\n"
        "records = parse_output(platform='ios', command='show ip interface brief', text=text)\n"
        "assert records[0].name == 'GigabitEthernet1', records\n"
        "print('pydantic' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "False"


def test_repr_str_and_dump_are_pydantics() -> None:
    """Against a pydantic model of the same fields (the one ill-typed values go through)."""
    from egress.parse.record import _pydantic_model

    route = Route(prefix="0.0.0.0/0", vrf="red", next_hops=(NextHop(address="192.0.2.1"),))
    model = _pydantic_model(Route)(
        prefix="0.0.0.0/0", vrf="red", next_hops=[{"address": "192.0.2.1"}]
    )
    assert repr(route) == repr(model)
    assert str(route) == str(model)
    assert route.model_dump() == model.model_dump()
    assert route.model_dump(mode="json") == model.model_dump(mode="json")


def test_every_converter_hands_over_well_typed_values(monkeypatch: pytest.MonkeyPatch) -> None:
    """No record of the captured outputs (tests/fixtures/parse) needs pydantic: a converter
    that passes, say, a list for a tuple still works, but costs `egress parse` its start."""
    from egress.parse import parse_output
    from egress.parse.record import Record
    from tests.unit.parse.cases import discover

    validated: list[str] = []
    real = Record._validated.__func__  # type: ignore[attr-defined]

    def spy(cls: type[Record], values: dict[str, object]) -> dict[str, object]:
        validated.append(f"{cls.__name__} {sorted(values)}")
        return real(cls, values)  # type: ignore[no-any-return]

    monkeypatch.setattr(Record, "_validated", classmethod(spy))
    for case in discover():
        text = case.raw.read_text(encoding="utf-8")
        parse_output(platform=case.spec.platform, command=case.spec.command, text=text)
    assert validated == []
