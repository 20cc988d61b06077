"""The step that never touches a device, lint, and the design it sees."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import yaml

from egress.change.changes import ChangeDir
from egress.model.sites import SITE_KEY
from egress.model.yamlfile import load_yaml
from egress.playbook.resolve import Prepared
from egress.render import default_templates_dir

LINT_JSON = "lint.json"


def materialise_inventory(prepared: Prepared, *, change: ChangeDir) -> Path:
    """The inventory as this run sees it (the playbook's design override applied), kept in
    the change directory: lint reads it, and it records exactly what was pushed."""
    target = change.root / "inventory"
    target.mkdir(exist_ok=True)
    for name in ("hosts.yaml", "defaults.yaml", "nornir.yaml"):
        if (prepared.inventory / name).exists():
            shutil.copyfile(prepared.inventory / name, target / name)
    groups = load_yaml(prepared.inventory / "groups.yaml") or {}
    for group, block in prepared.overridden.items():
        groups[group].setdefault("data", {})[SITE_KEY] = block
    header = (
        f"# groups.yaml of {prepared.inventory} with the design override of playbook "
        f"{prepared.path.name} applied (change {change.change_id})\n"
    )
    (target / "groups.yaml").write_text(header + yaml.safe_dump(groups, sort_keys=False))
    return target


def lint_step(prepared: Prepared, *, change: ChangeDir, inventory: Path) -> tuple[str, int]:
    """Lint the targets; lint.json goes into the change directory for the report.

    Returns a one-line verdict and the number of errors (errors stop the run).
    """
    # imported here: the lint package is optional to every other step; without it the run
    # goes on and the report says "lint not run"
    try:
        from egress.lint import lint_inventory
        from egress.lint.formats import to_json
    except ImportError as exc:
        return f"not run: egress.lint is not usable ({exc})", 0

    result = lint_inventory(
        inventory, templates_dir=default_templates_dir(), hosts=",".join(prepared.intents)
    )
    change.write_json(LINT_JSON, json.loads(to_json(result)))  # redacted: findings quote lines
    warnings = len(result.findings) - result.errors
    return f"{result.errors} errors, {warnings} warnings", result.errors
