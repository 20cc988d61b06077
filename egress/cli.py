"""The `egress` command line: a table of verbs, each imported only when it runs.

Importing every verb (napalm, nornir, the lint engine, the lab) costs ~0.4 s before any work;
``egress --help`` and ``egress parse`` need none of it. :class:`LazyVerbs` lists the verbs
from :data:`VERBS` (name, short help, ``module:attribute``) and imports a verb's module only
when that verb is resolved to run (or to print its own ``--help``).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

import typer
from typer import _click
from typer.core import TyperCommand, TyperGroup

from egress import __version__
from egress.change.private import private_temp_dir
from egress.start import debug_libraries, quiet_libraries


@dataclass(frozen=True, slots=True)
class Verb:
    name: str
    help: str  # the one line of `egress --help`
    module: str  # in egress.commands
    attribute: str = ""  # a command function (default <name>_command) or a typer sub-app

    def load(self) -> _click.Command:
        module = importlib.import_module(f"egress.commands.{self.module}")
        obj = getattr(module, self.attribute or f"{self.name}_command")
        if isinstance(obj, typer.Typer):
            group = typer.main.get_group(obj)
            group.name = self.name
            return group
        single = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
        single.command(self.name, help=obj.__doc__)(obj)
        command = typer.main.get_command(single)
        command.name = self.name
        return command


VERBS: dict[str, Verb] = {
    v.name: v
    for v in (
        Verb("render", "Render every selected device's config.", "render"),
        Verb("lint", "The CI gate: vendor grammar and design rules.", "lint"),
        Verb("diff", "Dry-run: load, show the device's diff, discard.", "deploy"),
        Verb("commit", "Commit with the confirm timer armed, check, confirm.", "deploy"),
        Verb("rollback", "Restore every device of a change to its backup.", "deploy"),
        Verb("backup", "Fetch and keep every selected device's running config.", "deploy"),
        Verb("validate", "Prove the design on the devices (show output).", "validate"),
        Verb("run", "Carry out a playbook (a YAML change plan).", "run"),
        Verb("report", "Rebuild a change's report from its directory.", "report"),
        Verb("parse", "Parse captured show output into records (JSON).", "parse"),
        Verb("changes", "Change records on disk: list, prune.", "changes", "changes_app"),
        Verb("lab", "The lab: emulated devices on 127.0.0.1.", "lab", "lab_app"),
        Verb("drill", "Prove the failover promises on a real FRR data plane.", "drill"),
    )
}


class LazyVerbs(TyperGroup):
    """A group whose verbs are imported on first use; the listing uses :data:`VERBS`."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self._loaded: dict[str, _click.Command] = {}
        self._listing = False
        # stand-ins by name: typer's "did you mean ..." reads these names
        self.commands = {name: TyperCommand(name=name) for name in VERBS}

    def list_commands(self, ctx: _click.Context) -> list[str]:
        return list(VERBS)

    def get_command(self, ctx: _click.Context, cmd_name: str) -> _click.Command | None:
        verb = VERBS.get(cmd_name)
        if verb is None:
            return None
        if self._listing:  # the group's own --help: name and one line, nothing imported
            return TyperCommand(name=verb.name, short_help=verb.help, help=verb.help)
        if cmd_name not in self._loaded:
            self._loaded[cmd_name] = verb.load()
        return self._loaded[cmd_name]

    def invoke(self, ctx: _click.Context) -> Any:
        # One flag everywhere: with --json, stdout carries only the verb's JSON document
        # (ctx.args: the verb's own arguments, after the group parsed its options)
        from egress.console import machine_output  # rich: not before a verb runs

        with machine_output("--json" in ctx.args):
            return super().invoke(ctx)

    def format_help(self, ctx: _click.Context, formatter: _click.HelpFormatter) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False


def _version(value: bool) -> None:
    if value:
        typer.echo(f"egress {__version__}")
        raise typer.Exit()


app = typer.Typer(
    name="egress",
    cls=LazyVerbs,
    help="Design, render, lint, push and prove the egress edge (IOS-XE, Junos, FortiOS).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    # plain help text: typer's rich help formatter costs ~40 ms of imports at every start
    rich_markup_mode=None,
)


@app.callback()
def main(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="print the version and exit"
    ),
    debug: bool = typer.Option(
        False, "--debug", "--verbose", "-v", help="show the drivers' own logs and exceptions"
    ),
) -> None:
    """egress: one vendor-neutral egress design, rendered, linted, pushed and proven."""
    # before any driver is imported: what they write to disk is this user's alone
    private_temp_dir()
    if debug:
        debug_libraries()
    else:
        quiet_libraries()


if __name__ == "__main__":  # pragma: no cover
    app()
