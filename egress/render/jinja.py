"""Rendering a DeviceIntent into vendor configuration with ONE shared Jinja2 Environment.

A new Environment per host recompiles every template for every host (8x slower at 500
hosts, see PERF-FACTS); one Environment per templates directory is built and reused.
"""

from __future__ import annotations

import traceback
from functools import lru_cache
from pathlib import Path

from jinja2 import (
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
    UndefinedError,
)

from egress.errors import InputError, Location
from egress.model.intent import DeviceIntent

__all__ = ["environment", "render_device"]


@lru_cache(maxsize=4)
def environment(templates_dir: Path) -> Environment:
    return Environment(
        loader=FileSystemLoader(str(templates_dir)),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,  # noqa: S701 - device configuration, not HTML
        # templates do not change during a run: no stat() of every include for every host
        auto_reload=False,
    )


def render_device(intent: DeviceIntent, *, templates_dir: Path) -> str:
    """The configuration text of one device; template problems raise InputError (exit 2)."""
    env = environment(templates_dir)
    name = f"{intent.platform}/main.j2"
    try:
        return env.get_template(name).render(device=intent)
    except TemplateSyntaxError as exc:
        raise InputError(
            f"template syntax error: {exc.message}",
            location=Location(file=Path(exc.filename or name), line=exc.lineno, host=intent.host),
        ) from None
    except TemplateNotFound as exc:
        raise InputError(
            f"template {exc.name} not found",
            location=Location(file=templates_dir / name, host=intent.host),
            hint=f"every platform needs {templates_dir}/<platform>/<feature>.j2",
        ) from None
    except UndefinedError as exc:
        file, line = _template_frame(exc)
        raise InputError(
            f"template references an undefined variable: {exc.message}",
            location=Location(
                file=file, line=line, host=intent.host, field=_undefined_name(exc.message)
            ),
            hint="templates see only `device` (the DeviceIntent); fix the name or the intent",
        ) from None
    except TemplateError as exc:
        file, line = _template_frame(exc)
        raise InputError(
            f"template error: {exc.message}",
            location=Location(file=file, line=line, host=intent.host),
        ) from None


def _template_frame(exc: BaseException) -> tuple[Path | None, int | None]:
    """Jinja2 rewrites tracebacks to point into the template: take the innermost such frame."""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith(".j2"):
            return Path(frame.filename), frame.lineno
    return None, None


def _undefined_name(message: str | None) -> str | None:
    # "'egress.model.intent.Probe object' has no attribute 'colour'" / "'foo' is undefined"
    if not message:
        return None
    quoted = message.split("'")
    if "has no attribute" in message and len(quoted) >= 4:
        return quoted[3]
    if "is undefined" in message and len(quoted) >= 2:
        return quoted[1]
    return None
