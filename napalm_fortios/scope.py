"""Multi-VDOM FortiGates: which sections are global, and how a script is wrapped for them.

With VDOMs enabled every config line runs in a context: ``config global`` for the unit's own
sections (interfaces, HA, admins, …) and ``config vdom / edit <name>`` for a VDOM's (routes,
policies, link monitors, …). The driver keeps one flat tree per device (global sections and
the VDOM's side by side, as on a unit without VDOMs) and wraps only at the edges: when it
reads, and when it sends.
"""

from __future__ import annotations

from collections.abc import Sequence

from napalm_fortios.tree import INDENT, Node

# Top-level paths (and path prefixes: "system snmp" covers "system snmp community") that live
# under `config global` on a multi-VDOM unit (FortiOS 7.x CLI reference, "global" scope).
GLOBAL_PREFIXES: tuple[str, ...] = (
    "system global",
    "system interface",
    "system ha",
    "system ha-monitor",
    "system admin",
    "system accprofile",
    "system api-user",
    "system dns",
    "system console",
    "system ntp",
    "system snmp",
    "system standalone-cluster",
    "system central-management",
    "system fortiguard",
    "system auto-update",
    "system password-policy",
    "system vdom",
    "system vdom-link",
    "system virtual-switch",
    "system switch-interface",
    "system sflow",
    "system email-server",
    "system automation-",
    "system csf",
    "system settings-global",
    "log syslogd",
    "log fortianalyzer",
    "log memory global-setting",
    "certificate",
)


def is_global(path: str) -> bool:
    """Whether a top-level ``config`` path belongs to ``config global``.

    >>> is_global("system interface"), is_global("router static"), is_global("system snmp user")
    (True, False, True)
    """
    return any(
        path == p or path.startswith(p + " ") or (p.endswith("-") and path.startswith(p))
        for p in GLOBAL_PREFIXES
    )


def unwrap(root: Node, vdom: str) -> Node:
    """A flat tree from text that carries ``config global`` / ``config vdom`` wrappers.

    Sections of other VDOMs are dropped: the driver manages one VDOM per connection.
    """
    flat = Node()
    for path, node in root.blocks.items():
        if path == "global":
            for inner, child in node.blocks.items():
                flat.put_block(inner, child)
        elif path == "vdom":
            entry = node.entries.get(vdom)
            for inner, child in entry.blocks.items() if entry is not None else ():
                flat.put_block(inner, child)
        else:
            flat.put_block(path, node)
    return flat


def wrap_script(phases: Sequence[list[str]], vdom: str) -> list[str]:
    """Wrap the top-level blocks of each phase of a script in their context.

    Within a phase, global sections go first when adding (a VDOM's routes need the global
    interfaces) and last when removing (pass ``phases=(upserts, removals)``).
    """
    out: list[str] = []
    for number, lines in enumerate(phases):
        global_lines, vdom_lines = split_blocks(lines)
        order = [("global", global_lines), ("vdom", vdom_lines)]
        if number % 2:  # removals
            order.reverse()
        for context, body in order:
            if not body:
                continue
            head = ["config global"] if context == "global" else ["config vdom", f"edit {vdom}"]
            out += [*head, *(INDENT + line for line in body), "end"]
    return out


def split_blocks(lines: Sequence[str]) -> tuple[list[str], list[str]]:
    """Top-level blocks of a script (lines at depth 0 start them) sorted by scope."""
    global_lines: list[str] = []
    vdom_lines: list[str] = []
    target = vdom_lines
    for line in lines:
        if line.startswith("config "):
            target = global_lines if is_global(line[len("config ") :].strip()) else vdom_lines
        target.append(line)
    return global_lines, vdom_lines


def scope_of(path: str) -> str:
    return "global" if is_global(path) else "vdom"


__all__ = ["GLOBAL_PREFIXES", "is_global", "scope_of", "split_blocks", "unwrap", "wrap_script"]
