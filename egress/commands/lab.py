"""`egress lab up|status|down|fault|link|upstream`: the embedded lab of emulated devices."""

from __future__ import annotations

import importlib.util
import json
import time
from pathlib import Path

import typer
from rich.table import Table

from egress.console import cli_errors, out
from egress.errors import InputError
from egress.lab.spec import DEFAULT_STATE, KNOWN_HOSTS, LabSpec

# The emulators (and the NAPALM FortiOS driver they share a grammar with) load only when a
# lab verb runs: every other verb starts without them. Hence the imports inside the verbs.
FAULT_HELP = "refuse-auth | refuse-connect | reject-line | drop-on-commit | hang | slow | clear"

lab_app = typer.Typer(
    help="The lab: IOS-XE, Junos and FortiOS emulators on 127.0.0.1.", no_args_is_help=True
)
StateOpt = typer.Option(DEFAULT_STATE, "--state", help="the lab's state directory")


@lab_app.command("up")
def up_command(
    inventory: Path = typer.Option(Path("inventory"), "--inventory", "-i"),
    state: Path = StateOpt,
    time_scale: float = typer.Option(
        1.0, "--time-scale", min=0.001, help="device timers run this many times faster"
    ),
    fresh: bool = typer.Option(
        False, "--fresh", help="restart from factory configs (stops a running lab first)"
    ),
    brownfield: bool = typer.Option(
        False,
        "--brownfield",
        help="restart from configs egress did not write: management, AAA, users, and "
        "objects at egress's IDs (implies --fresh)",
    ),
    servers: int | None = typer.Option(
        None,
        "--servers",
        min=1,
        help="server processes, each serving whole sites (default: one per 500 devices, "
        "at most one per core)",
    ),
) -> None:
    """Start a lab serving every inventory host (state persists across restarts)."""
    _lab_extra()
    from egress.lab.control import lab_up

    with cli_errors():
        started = time.perf_counter()
        spec = lab_up(
            inventory=inventory,
            state_dir=state,
            time_scale=time_scale,
            fresh=fresh,
            brownfield=brownfield,
            servers=servers,
        )
        elapsed = time.perf_counter() - started
    out.print(
        f"lab up: {len(spec.devices)} devices on 127.0.0.1 in {elapsed:.1f} s"
        + (f" ({spec.servers} server processes)" if spec.servers > 1 else "")
        + " "
        f"(state {state}, known hosts {state / KNOWN_HOSTS})"
    )


@lab_app.command("status")
def status_command(
    state: Path = StateOpt,
    as_json: bool = typer.Option(False, "--json", help="one object per device"),
) -> None:
    """Where each lab device listens, and whether it answers."""
    _lab_extra()
    from egress.lab.control import lab_status

    with cli_errors():
        spec = LabSpec.read(state)
        statuses = lab_status(state)
    if as_json:
        known_hosts = str((state / KNOWN_HOSTS).resolve())
        print(
            json.dumps(
                [
                    {
                        "name": s.name,
                        "platform": s.platform,
                        "address": s.address,
                        "port": s.port,
                        "username": spec.username,
                        "password": spec.password,
                        "up": s.reachable,
                        "known_hosts": known_hosts,
                    }
                    for s in statuses
                ],
                indent=2,
            )
        )
        return
    table = Table(title=f"lab {state}")
    for column in ("device", "platform", "address", "port", "state"):
        table.add_column(column)
    for s in statuses:
        table.add_row(
            s.name,
            s.platform,
            s.address,
            str(s.port),
            "[green]up[/]" if s.reachable else "[red]down[/]",
        )
    out.print(table)


@lab_app.command("down")
def down_command(state: Path = StateOpt) -> None:
    """Stop the lab; its device state stays on disk for the next `lab up`."""
    _lab_extra()
    from egress.lab.control import lab_down

    stopped = lab_down(state)
    out.print("lab stopped" if stopped else f"no lab running from {state}")


@lab_app.command("fault")
def fault_command(
    host: str = typer.Argument(..., help="lab device"),
    kind: str = typer.Argument(..., help=FAULT_HELP),
    argument: str | None = typer.Argument(None, help="reject-line: regex; slow: ms"),
    state: Path = StateOpt,
) -> None:
    """Make one device misbehave (or `clear` its faults)."""
    _lab_extra()
    from egress.lab.control import set_fault

    with cli_errors():
        faults = set_fault(state, host=host, kind=kind, argument=argument)
    out.print(f"{host}: {faults.describe()}", markup=False)


@lab_app.command("link")
def link_command(
    host: str = typer.Argument(...),
    interface: str = typer.Argument(..., help="a port, or the link it plays: isp1, lan, ha"),
    direction: str = typer.Argument(..., help="down | up"),
    state: Path = StateOpt,
) -> None:
    """Cut or restore one port in the lab's wiring (BFD, probes, VRRP and ECMP react)."""
    _lab_extra()
    from egress.lab.control import port_of, set_link

    with cli_errors():
        port = port_of(LabSpec.read(state), host, interface)
        down = set_link(state, host=host, interface=port, up=_is_up(direction))
    out.print(
        f"{host} {port} {direction}; cut links: "
        f"{', '.join(f'{h}:{i}' for h, i in sorted(down)) or 'none'}"
    )


@lab_app.command("upstream")
def upstream_command(
    host: str = typer.Argument(...),
    interface: str = typer.Argument(..., help="an ISP hand-off port, or its link: isp1"),
    direction: str = typer.Argument(..., help="down | up"),
    state: Path = StateOpt,
) -> None:
    """ISP brownout: the port and the ISP router stay up (BFD Up), nothing behind the router
    answers, so the probes through that port fail (VRRP, HA and the default route react)."""
    _lab_extra()
    from egress.lab.control import port_of, set_upstream

    with cli_errors():
        port = port_of(LabSpec.read(state), host, interface)
        down = set_upstream(state, host=host, interface=port, up=_is_up(direction))
    out.print(
        f"{host} {port} upstream {direction}; ISP brownouts: "
        f"{', '.join(f'{h}:{i}' for h, i in sorted(down)) or 'none'}"
    )


def _lab_extra() -> None:
    """The emulators run on asyncssh, the ``lab`` extra (production installs need not carry
    an SSH server): without it, say how to install it rather than print a traceback."""
    if importlib.util.find_spec("asyncssh") is None:
        with cli_errors():
            raise InputError(
                "the lab needs asyncssh, which egress installs only with its `lab` extra",
                hint="pip install -e '.[lab]'  (or: pip install 'egress[lab]')",
            )


def _is_up(direction: str) -> bool:
    if direction not in ("down", "up"):
        from egress.errors import InputError

        raise InputError(f"direction must be down or up, got {direction!r}", hint="down | up")
    return direction == "up"
