"""The change record is written by one Nornir Processor from the tasks' results (issue 16):
what a task returns is on disk, in order, before the next subtask runs — so a backup is
kept before the first config line is sent — and nothing else in egress writes the record."""

from __future__ import annotations

import ast
import contextlib
import json
from pathlib import Path

from nornir.core import Nornir
from nornir.core.inventory import Defaults, Groups, Host, Hosts, Inventory
from nornir.core.task import Result, Task
from nornir.plugins.runners import SerialRunner

from egress.change.changes import PRE, STEPS, ChangeDir
from egress.change.recorder import BackupText, ChangeRecorder, Record, Step, note, with_record

ROOT = Path(__file__).resolve().parents[2] / "egress"
WRITERS = {"write_host_file", "write_backup", "record_step", "append_step"}
# the drill (egress/drill/run.py) still writes its own record: the next step of issue 16
ALLOWED = {ROOT / "change", ROOT / "drill" / "run.py"}


def _nornir(*names: str) -> Nornir:
    hosts = Hosts({n: Host(name=n) for n in names})
    return Nornir(
        inventory=Inventory(hosts=hosts, groups=Groups(), defaults=Defaults()),
        runner=SerialRunner(),
    )


def test_a_backup_is_on_disk_before_the_next_subtask_runs(tmp_path: Path) -> None:
    change = ChangeDir.create(tmp_path / "changes", "CHG-rec")
    said: list[tuple[str, str]] = []
    seen: dict[str, bool] = {}

    def backup(task: Task) -> Result:
        text = "hostname r1\nenable secret 9 $9$NotForTheRecord\n"
        step = Step.ended(task.host.name, "backup", ok=True, started=0.0)
        record = Record(task.host.name, backup=BackupText(text), steps=(step,))
        return Result(host=task.host, result=text, record=record)

    def push(task: Task) -> Result:
        seen[task.host.name] = change.has_backup(task.host.name)  # the first line goes now
        raise with_record(
            RuntimeError("refused"),
            Record(task.host.name, files=(("diff.txt", "+ line\n"),), said=("pushed",)),
        )

    def pipeline(task: Task) -> Result:
        task.run(task=backup)
        task.run(task=note, record=Record(task.host.name, said=("between",)))
        with contextlib.suppress(Exception):  # the failure's record is still written
            task.run(task=push)
        return Result(host=task.host, record=Record(task.host.name, said=("done",)))

    recorder = ChangeRecorder(change, lambda host, what: said.append((host, what)))
    _nornir("r1").with_processors([recorder]).run(task=pipeline)
    assert seen == {"r1": True}
    assert "$9$NotForTheRecord" not in (change.root / "r1" / PRE).read_text()
    assert change.verified_backup("r1") == "hostname r1\nenable secret 9 $9$NotForTheRecord\n"
    assert change.read_host_file("r1", "diff.txt") == "+ line\n"  # from the failed task
    steps = [json.loads(line) for line in (change.root / STEPS).read_text().splitlines()]
    assert [(s["host"], s["step"], s["ok"]) for s in steps] == [("r1", "backup", True)]
    assert said == [("r1", "between"), ("r1", "pushed"), ("r1", "done")]


def test_only_the_change_package_writes_the_record() -> None:
    offenders: list[str] = []
    for path in sorted(ROOT.rglob("*.py")):
        if any(path == a or a in path.parents for a in ALLOWED):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            name = None
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if name in WRITERS:
                offenders.append(f"{path.relative_to(ROOT.parent)}:{node.lineno} {name}")
    assert offenders == []
