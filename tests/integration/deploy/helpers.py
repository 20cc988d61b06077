"""Reading a lab device's state through the unmodified drivers, and running the CLI."""

from __future__ import annotations

import json
from typing import Any

from napalm import get_network_driver
from typer.testing import CliRunner, Result

from egress.cli import app
from egress.connection import platform_options
from egress.lab.spec import KNOWN_HOSTS, LOCALHOST
from tests.integration.conftest import Lab


def running_config(lab: Lab, host: str) -> str:
    """The device's running config, fetched over SSH/NETCONF with host keys verified."""
    device = lab.spec.device(host)
    options = platform_options(
        device.platform,
        known_hosts=lab.state / KNOWN_HOSTS,
        ssh_config=lab.state / "ssh_config",
        timeout=20,
    )
    optional_args = dict(options["optional_args"])
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
    driver.open()
    try:
        return str(driver.get_config(retrieve="running")["running"])
    finally:
        driver.close()


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
