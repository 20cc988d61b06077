"""E8xx: no plaintext secret anywhere, no management access open to the world."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from egress.errors import InputError
from egress.lint.findings import Issue, Where
from egress.lint.model import DeviceView
from egress.lint.registry import Scope, rule
from egress.yamlfile import line_of, load_yaml


@rule("E801", title="plaintext secret in the rendered config")
def config_secret(view: DeviceView) -> Iterable[Issue]:
    for what, line in view.facts.secrets:
        yield view.at(line, f"{what} in plaintext in the rendered config",
                      "secrets come from the secret source at push time; never render them")


SECRET_KEY = re.compile(
    r"(pass(word|wd|phrase)?|secret|community|psk|pre[-_]?shared[-_]?key|api[-_]?key|token|"
    r"private[-_]?key|auth[-_]?key)$", re.IGNORECASE)
# a value that names where the secret lives instead of holding it
SECRET_REFERENCE = re.compile(r"^(\$\{[A-Za-z0-9_]+\}|(env|vault|file|secret):\S+)$")


@rule("E802", title="plaintext secret in the inventory", scope=Scope.INVENTORY)
def inventory_secret(views: Sequence[DeviceView]) -> Iterable[Issue]:
    if not views:
        return
    files = views[0].files
    defaults = files.hosts.with_name("defaults.yaml")
    for path in (files.hosts, files.groups, defaults):
        try:
            data = load_yaml(path) if path.exists() else None
        except InputError:
            continue
        if not isinstance(data, dict):
            continue
        # hosts.yaml/groups.yaml: one entry per owner; defaults.yaml: one owner, the file
        owners = {"defaults": data} if path == defaults else data
        for owner, tree in owners.items():
            top = [] if path == defaults else [owner]
            for keys, key in _secrets(tree, top):
                dotted = ".".join(map(str, keys))
                yield Issue(str(owner), Where(path, line_of(path, keys)),
                            f"{key} stored in plaintext in {path.name} ({dotted})",
                            "remove it: reference the secret source instead (env:VAR) or let "
                            "the operator supply it at run time")


def _secrets(tree: Any, keys: list[Any]) -> Iterator[tuple[list[Any], str]]:
    if isinstance(tree, dict):
        for key, value in tree.items():
            here = [*keys, key]
            if (isinstance(key, str) and SECRET_KEY.search(key) and isinstance(value, (str, int))
                    and str(value) and not SECRET_REFERENCE.match(str(value))):
                yield here, key
            else:
                yield from _secrets(value, here)
    elif isinstance(tree, list):
        for index, value in enumerate(tree):
            yield from _secrets(value, [*keys, index])


@rule("E803", title="management access open to any source")
def open_management(view: DeviceView) -> Iterable[Issue]:
    for what, line in view.facts.open_access:
        yield view.at(line, f"management access open to any source: {what}",
                      "restrict it (IOS access-class, Junos lo0 filter, FortiOS admin trusthost)")
