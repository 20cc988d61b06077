"""Choosing the runner (issue 15): the threaded one unless told; the Dask runner from
--runner dask, --scheduler, $EGRESS_SCHEDULER or nornir.yaml; never credentials over a plain
TCP link to another machine."""

from __future__ import annotations

import pytest
from nornir.plugins.runners import ThreadedRunner

from egress.errors import InputError
from egress.model.inventory import load_nornir
from egress.runners import SCHEDULER_ENV, select_runner
from egress.runners.dask import DaskRunner, _per_host
from tests.conftest import EXAMPLE_INVENTORY


def test_the_threaded_runner_unless_told(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SCHEDULER_ENV, raising=False)
    nr = load_nornir(EXAMPLE_INVENTORY)
    assert isinstance(select_runner(nr).runner, ThreadedRunner)


def test_the_dask_runner_from_the_options_or_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(SCHEDULER_ENV, raising=False)
    nr = load_nornir(EXAMPLE_INVENTORY)
    embedded = select_runner(nr, runner="dask", dask_workers=3, start=False).runner
    assert isinstance(embedded, DaskRunner)
    assert (embedded.scheduler, embedded.workers) == (None, 3)
    monkeypatch.setenv(SCHEDULER_ENV, "tcp://127.0.0.1:8786")
    joined = select_runner(nr, start=False).runner
    assert isinstance(joined, DaskRunner) and joined.scheduler == "tcp://127.0.0.1:8786"
    assert joined._client is None  # nothing started before a task runs (or start())


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"scheduler": "tcp://10.1.2.3:8786"}, "--scheduler"),  # credentials in clear text
        ({"runner": "celery"}, "--runner"),
        ({"runner": "threaded", "dask_workers": 2}, "--runner"),
    ],
)
def test_bad_runner_options_are_refused(options: dict[str, object], field: str) -> None:
    nr = load_nornir(EXAMPLE_INVENTORY)
    with pytest.raises(InputError) as caught:
        select_runner(nr, **options)  # type: ignore[arg-type]
    assert caught.value.location.field == field


def test_a_batch_gets_only_its_hosts_entries_of_per_host_arguments() -> None:
    intents = {"a": 1, "b": 2, "c": 3}
    pushed = {"x": "done"}  # another wave's hosts: not per host of this batch, sent whole
    sent = _per_host({"intents": intents, "pushed": pushed, "label": "post"}, ["a", "c"])
    assert sent == {"intents": {"a": 1, "c": 3}, "pushed": {"x": "done"}, "label": "post"}
