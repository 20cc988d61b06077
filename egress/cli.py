"""The `egress` command line: verbs registered from egress.commands.*."""

from __future__ import annotations

import typer

from egress.commands.render import render_command

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


app.command("render")(render_command)


if __name__ == "__main__":  # pragma: no cover
    app()
