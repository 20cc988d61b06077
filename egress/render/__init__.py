"""Rendering a DeviceIntent into vendor configuration with ONE shared Jinja2 Environment
(:mod:`egress.render.jinja`).

The package itself imports nothing heavy: a verb that needs only where the templates are
(``egress parse`` reads its TTP templates there) imports ``egress.render.templatedir``, and
importing a submodule runs this file first; Jinja2 and the design model (~30 ms) are loaded
when ``environment`` or ``render_device`` is first looked up (CLI start, issue 18).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from egress.render.templatedir import TEMPLATES_ENV, default_templates_dir

if TYPE_CHECKING:
    from egress.render.jinja import environment, render_device

__all__ = ["TEMPLATES_ENV", "default_templates_dir", "environment", "render_device"]

_LAZY = {"environment": "egress.render.jinja", "render_device": "egress.render.jinja"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'egress.render' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # looked up once
    return value
