"""The `egress` command line: verbs registered from egress.commands.*."""

from __future__ import annotations

import logging

import typer

from egress.commands.deploy import backup_command, commit_command, diff_command, rollback_command
from egress.commands.lab import lab_app
from egress.commands.lint import lint_command
from egress.commands.parse import parse_command
from egress.commands.render import render_command
from egress.commands.report import report_command
from egress.commands.run import run_command
from egress.commands.validate import validate_command
from egress.private import private_temp_dir


def quiet_libraries() -> None:
    """Driver libraries log tracebacks for failures egress already reports in one line and
    records in the change directory; keep them off the operator's screen."""
    for name in ("nornir", "nornir.core", "paramiko", "ncclient", "netmiko", "jnpr"):
        logger = logging.getLogger(name)
        logger.addHandler(logging.NullHandler())
        logger.propagate = False


app = typer.Typer(
    name="egress",
    help="Design, render, lint, push and prove the egress edge (IOS-XE, Junos, FortiOS).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def main() -> None:
    """egress: one vendor-neutral egress design, rendered, linted, pushed and proven."""
    # before any driver is imported: what they write to disk is this user's alone
    private_temp_dir()
    quiet_libraries()


app.command("render")(render_command)
app.add_typer(lab_app, name="lab")
app.command("parse")(parse_command)
app.command("diff")(diff_command)
app.command("commit")(commit_command)
app.command("rollback")(rollback_command)
app.command("backup")(backup_command)
app.command("validate")(validate_command)
app.command("lint")(lint_command)
app.command("run")(run_command)
app.command("report")(report_command)


if __name__ == "__main__":  # pragma: no cover
    app()
