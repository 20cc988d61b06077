"""Where the templates live: kept apart from egress.render so that a verb needing only the
path (``egress parse`` reads its TTP templates there) does not import Jinja2 and the design
model just to find it (CLI start, issue 18)."""

from __future__ import annotations

import os
from pathlib import Path

TEMPLATES_ENV = "EGRESS_TEMPLATES"


def default_templates_dir() -> Path:
    """``$EGRESS_TEMPLATES``, else the ``templates/`` directory beside the package."""
    configured = os.environ.get(TEMPLATES_ENV)
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[2] / "templates"  # egress/render/ -> the repo
