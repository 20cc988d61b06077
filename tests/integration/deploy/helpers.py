"""Reading a lab device's state through the unmodified drivers, and running the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from napalm import get_network_driver
from typer.testing import CliRunner, Result

from egress.change.redact import split_secrets
from egress.cli import app
from egress.devices.connection import platform_options
from egress.lab.spec import KNOWN_HOSTS, LOCALHOST
from tests.integration.conftest import Lab

# secrets of every form the redaction knows, merged into a device before a test changes it
PLANTED_SECRETS = {
    "ios": "snmp-server community EgressLabCommRO RO\n"
    "snmp-server host 192.0.2.9 version 2c EgressLabHostComm\n"
    "username backup privilege 15 secret 9 $9$EgressLabSalt$EgressLabBackupHash\n",
    "junos": "snmp {\n    community EgressLabJunosComm {\n        authorization read-only;\n"
    '    }\n}\nsystem {\n    radius-server {\n        192.0.2.9 secret "$9$EgressLabRadius";\n'
    "    }\n}\n",
    "fortios": 'config vpn ipsec phase1-interface\n    edit "lab-hub"\n'
    '        set interface "port1"\n        set psksecret ENC EgressLabFortiPsk==\n'
    "    next\nend\n",
}


def running_config(lab: Lab, host: str) -> str:
    """The device's running config, fetched over SSH/NETCONF with host keys verified."""
    driver = _driver(lab, host)
    driver.open()
    try:
        return str(driver.get_config(retrieve="running")["running"])
    finally:
        driver.close()


def lab_facts(lab: Lab, host: str) -> dict[str, Any]:
    """napalm ``get_facts()`` of a lab device, host keys verified."""
    driver = _driver(lab, host)
    driver.open()
    try:
        return dict(driver.get_facts())
    finally:
        driver.close()


def lab_cli(lab: Lab, host: str, commands: list[str]) -> dict[str, str]:
    """What a lab device prints for ``commands``, read with napalm ``cli()`` (host keys
    verified), as validate reads it."""
    driver = _driver(lab, host)
    driver.open()
    try:
        return {k: str(v) for k, v in driver.cli(commands).items()}
    finally:
        driver.close()


def commit_on_device(lab: Lab, host: str, config: str) -> None:
    """Change a lab device behind egress's back: the unmodified napalm driver merges
    ``config`` and commits it, as an operator's hand edit would."""
    driver = _driver(lab, host)
    driver.open()
    try:
        driver.load_merge_candidate(config=config)
        driver.commit_config()
    finally:
        driver.close()


def plant_secrets(lab: Lab, host: str) -> None:
    """Merge and commit :data:`PLANTED_SECRETS` for the host's platform, as an admin would."""
    commit_on_device(lab, host, PLANTED_SECRETS[lab.spec.device(host).platform])


def device_secrets(*configs: str) -> set[str]:
    """Every secret value in ``configs`` by egress's own redaction rules, and each long token
    of it on its own (a hash without its quotes is as secret as with them)."""
    found: set[str] = set()
    for config in configs:
        for value in split_secrets(config)[1]:
            found.add(value)
            tokens = (t.strip('";{') for t in value.split())
            found.update(t for t in tokens if len(t) >= 8 and t != "SECRET-DATA")
    return found


def secrets_in(root: Path, secrets: set[str]) -> dict[str, list[str]]:
    """file (relative to ``root``) -> the secrets it contains, for every file under ``root``."""
    leaks: dict[str, list[str]] = {}
    for path in sorted(root.rglob("*")):
        if path.is_file():
            text = path.read_bytes().decode(errors="replace")
            if hits := sorted(s for s in secrets if s in text):
                leaks[str(path.relative_to(root))] = hits
    return leaks


def _driver(lab: Lab, host: str) -> Any:
    device = lab.spec.device(host)
    options = platform_options(
        device.platform,
        known_hosts=lab.state / KNOWN_HOSTS,
        ssh_config=lab.state / "ssh_config",
        timeout=20,
    )
    optional_args = dict(options["optional_args"])
    if device.platform == "fortios":
        # a reader looks, it does not repair (the driver's open() would leave revert mode)
        optional_args["repair_revert_mode"] = False
    if device.platform == "junos":
        optional_args["config_lock"] = False  # nor does it hold the configuration lock
    verify = optional_args.pop("hostkey_verify", None)
    driver = get_network_driver(device.platform)(
        hostname=LOCALHOST,
        username=lab.spec.username,
        password=lab.spec.password,
        optional_args={**optional_args, "port": device.port},
        timeout=20,
    )
    if verify is not None:
        driver.device._hostkey_verify = verify
    return driver


def egress(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})


def summary(result: Result) -> dict[str, Any]:
    """The --json summary: the last line of output."""
    return json.loads(result.output.strip().splitlines()[-1])


def validate_json(lab: Lab, hosts: tuple[str, ...], *extra: str) -> tuple[int, dict[str, Any]]:
    """`egress validate --format json` against the lab: exit code and the parsed report."""
    args = lab.args()
    at = args.index("--changes-dir")
    del args[at : at + 2]  # validate writes no change directory
    result = egress("validate", *args, "--hosts", ",".join(hosts), "--format", "json", *extra)
    assert "{" in result.output, result.output
    start = result.output.index("{")
    return result.exit_code, json.loads(result.output[start:])


def failing_checks(report: dict[str, Any], host: str) -> list[dict[str, Any]]:
    return [c for c in report["hosts"][host] if not c["passed"]]
