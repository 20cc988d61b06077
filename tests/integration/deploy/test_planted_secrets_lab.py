"""Planted secrets on all three vendors never reach stdout, stderr, the change directory,
the report, the state directory, or any file egress or its drivers leave in the temporary
directory: through a commit whose post-check fails (rolled back), `egress rollback`
(napalm ios writes the whole backup to a temporary file for SCP), `egress report`, and a
run killed with SIGKILL mid-commit. The values are planted here, not found by egress's own
redaction rules, so a rule that misses one is caught."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from egress.lab.control import set_fault, set_link
from tests.integration.conftest import Lab, start_commit
from tests.integration.deploy.helpers import commit_on_device, running_config

PLANTED = {  # every form the redaction knows, and authpasswd, SNMP, nested Junos keys
    "ios": (
        "snmp-server community PlantIosCommRO RO\n"
        "snmp-server host 192.0.2.9 version 2c PlantIosHostComm\n"
        "username backup privilege 15 secret 9 $9$PlantIosSalt$PlantIosUserHash\n"
        "enable secret 9 $9$PlantIosEnableSalt$PlantIosEnableHash\n"
        "key chain EGRESS-KC\n key 1\n  key-string PlantIosKeyString\n"
        "crypto isakmp key PlantIosIsakmpKey address 192.0.2.50\n"
        "ntp authentication-key 1 md5 PlantIosNtpKey\n"
    ),
    "junos": (
        "snmp {\n    community PlantJunosComm {\n        authorization read-only;\n    }\n}\n"
        'system {\n    radius-server {\n        192.0.2.9 secret "$9$PlantJunosRadius";\n    }\n}\n'
        "security {\n    ike {\n        policy IKE-P {\n            pre-shared-key {\n"
        '                ascii-text "$9$PlantJunosNestedPsk";\n            }\n        }\n    }\n}\n'
    ),
    "fortios": (
        'config vpn ipsec phase1-interface\n    edit "plant-hub"\n        set interface "port1"\n'
        "        set psksecret ENC PlantFortiPsk==\n    next\nend\n"
        'config system admin\n    edit "backup"\n        set accprofile "super_admin"\n'
        "        set password ENC SH2PlantFortiAdminHash\n    next\nend\n"
        "config system central-management\n    set authpasswd ENC PlantFortiAuthpasswd==\nend\n"
        'config router ospf\n    config ospf-interface\n        edit "lan"\n'
        "            set md5-key ENC PlantFortiMd5Key==\n        next\n    end\nend\n"
    ),
}
VALUES = {
    "ios": [
        "PlantIosCommRO",
        "PlantIosHostComm",
        "PlantIosUserHash",
        "PlantIosEnableHash",
        "PlantIosKeyString",
        "PlantIosIsakmpKey",
        "PlantIosNtpKey",
    ],
    "junos": ["PlantJunosComm", "PlantJunosRadius", "PlantJunosNestedPsk"],
    "fortios": ["PlantFortiPsk", "PlantFortiAdminHash", "PlantFortiAuthpasswd", "PlantFortiMd5Key"],
}

HOSTS = {"ios": "ams-edge-02", "junos": "nyc-srx-02", "fortios": "syd-fgt-02"}
UPLINK = {"ios": "GigabitEthernet3", "junos": "ge-0/0/2", "fortios": "port3"}


class TempWatch:
    """Scans the temporary directory while egress runs: every file holding a planted value,
    and whether only its owner could reach it (a 0700 directory on the way)."""

    def __init__(self, base: Path, values: list[str]) -> None:
        self.base, self.values = base, values
        self.sightings: list[tuple[str, bool]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TempWatch:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            for path in list(self.base.rglob("*")):
                try:
                    text = path.read_text(errors="replace") if path.is_file() else ""
                except OSError:
                    continue
                if any(v in text for v in self.values):
                    self.sightings.append((str(path), _private(path, self.base)))
            time.sleep(0.01)


def _private(path: Path, base: Path) -> bool:
    parent = path.parent
    while parent != base and parent != parent.parent:
        try:
            if stat.S_IMODE(parent.stat().st_mode) & 0o077 == 0:
                return True
        except OSError:
            return True  # gone already
        parent = parent.parent
    return False


def _egress(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "egress.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


def _leaks(text: str, values: list[str]) -> list[str]:
    return [v for v in values if v in text]


@pytest.mark.parametrize("platform", sorted(HOSTS))
def test_no_planted_secret_anywhere_egress_writes(lab: Lab, platform: str, tmp_path: Path) -> None:
    host = HOSTS[platform]
    values = VALUES[platform]
    commit_on_device(lab, host, PLANTED[platform])
    assert all(v in running_config(lab, host) for v in values)
    base = tmp_path / "tmpbase"
    base.mkdir()
    env = {**os.environ, "TMPDIR": str(base), "COLUMNS": "200"}
    env.pop("EGRESS_ORIGINAL_TMPDIR", None)
    outputs: list[str] = []
    with TempWatch(base, values) as watch:
        # 1. a commit whose post-check fails: egress rolls it back itself
        set_link(lab.state, host=host, interface=UPLINK[platform], up=False)
        try:
            run = _egress(
                env,
                "commit",
                *lab.args(),
                "--hosts",
                host,
                "--yes",
                "--json",
                "--confirm",
                "600",
                "--settle",
                "0",
            )
        finally:
            set_link(lab.state, host=host, interface=UPLINK[platform], up=True)
        outputs += [run.stdout, run.stderr]
        assert run.returncode == 1, run.stdout + run.stderr
        change_id = run.stdout.strip().splitlines()[-1].split('"change_id": "')[1].split('"')[0]
        # 2. egress rollback --change: the backup itself is loaded as a replace
        back = _egress(env, "rollback", *lab.args(), "--change", change_id, "--yes")
        outputs += [back.stdout, back.stderr]
        # 3. the report
        report = _egress(env, "report", change_id, "--changes-dir", str(lab.changes))
        outputs += [report.stdout, report.stderr]
        assert report.returncode == 0, report.stderr
        # 4. kill -9 mid-commit
        set_fault(lab.state, host=host, kind="slow", argument="100")
        killed = start_commit(lab, host, env=env)
        deadline = time.monotonic() + 60
        while not any(
            '"step": "backup"' in p.read_text()
            for p in lab.changes.glob("*/steps.jsonl")
            if change_id not in str(p)
        ):
            assert killed.poll() is None and time.monotonic() < deadline
            time.sleep(0.02)
        time.sleep(0.5)  # into the load/commit
        killed.send_signal(signal.SIGKILL)
        out, err = killed.communicate(timeout=30)
        outputs += [out, err]
        set_fault(lab.state, host=host, kind="clear")
        time.sleep(600 / 60 + 2)  # the device's own timer, if the kill came after the commit
        # 5. the next run cleans up what the killed one left
        after = _egress(env, "backup", *lab.args(), "--hosts", host)
        outputs += [after.stdout, after.stderr]
        assert after.returncode == 0, after.stdout + after.stderr
        # 6. a dry-run restores nothing: its pre.cfg masks the secrets, no vault entry is kept
        dry = _egress(env, "diff", *lab.args(), "--hosts", host, "--json")
        outputs += [dry.stdout, dry.stderr]
        assert dry.returncode == 0, dry.stdout + dry.stderr
        dry_id = json.loads(dry.stdout)["change_id"]
        vault_dir = Path(os.environ["EGRESS_STATE_DIR"]) / "vault"
        assert not (vault_dir / dry_id).exists()
        assert (vault_dir / change_id / f"{host}.secrets").is_file()  # the commit's is kept
        dry_pre = next(lab.changes.glob(f"{dry_id}*/{host}/pre.cfg")).read_text()
        assert "<redacted>" in dry_pre and "<secret:" not in dry_pre

    assert not _leaks("\n".join(outputs), values), "a secret on stdout/stderr"
    for root in (lab.changes, Path(os.environ["EGRESS_STATE_DIR"])):
        for path in root.rglob("*"):
            if path.is_file():
                assert not _leaks(path.read_bytes().decode(errors="replace"), values), path
    reports = list(lab.changes.glob("*/report.*"))
    assert reports, "no report written"
    # nothing is left in the temporary directory, and while egress ran, every file holding a
    # secret sat in a directory only its owner could open
    assert not any(base.iterdir()), list(base.rglob("*"))
    assert all(private for _path, private in watch.sightings), watch.sightings


def test_a_rejected_secret_line_is_reported_redacted(lab: Lab) -> None:
    """IOS refuses a line of the backup while `egress rollback` restores it: the device's own
    words name the refused line, and the community in it never reaches the screen."""
    host = HOSTS["ios"]
    commit_on_device(lab, host, PLANTED["ios"])
    env = {**os.environ, "COLUMNS": "200"}
    done = _egress(
        env,
        "commit",
        *lab.args(),
        "--hosts",
        host,
        "--yes",
        "--json",
        "--confirm",
        "600",
        "--no-post-check",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    change_id = done.stdout.strip().splitlines()[-1].split('"change_id": "')[1].split('"')[0]
    # an operator removes the community since: the rollback must send that line again
    commit_on_device(lab, host, "no snmp-server community PlantIosCommRO RO\n")
    set_fault(lab.state, host=host, kind="reject-line", argument="snmp-server community")
    try:
        back = _egress(env, "rollback", *lab.args(), "--change", change_id, "--yes")
    finally:
        set_fault(lab.state, host=host, kind="clear")
    text = back.stdout + back.stderr
    assert back.returncode == 1, text
    assert "snmp-server community <redacted>" in text, text
    assert not _leaks(text, VALUES["ios"]), text
