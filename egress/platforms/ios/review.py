"""The diff a reviewer reads: what egress's owned sections hold before and after, in one form.

What a device is sent is not what a reviewer should read: IOS-XE is sent commands (napalm's
merge diff prints ``-`` before every ``no`` command, so ``no shutdown`` shows as a removal
though it enables the port; a re-created IP SLA is sent whole), FortiOS a script of ``set`` and
``unset`` without the old values. The review diff compares the configuration before and after, as
Junos's own ``show | compare`` does: ``-`` the old line, ``+`` the new one, unchanged parents as
context. For IOS-XE the remediation planner holds both configs and hier_config's
``unified_diff`` compares them (this module only moves the mark to the first column, where
every diff reader — the console, the report, ``git diff`` — looks). For FortiOS only the
driver knows the values compared (``show full-configuration``: defaults included, or every
default the template spells out would read as a change): :mod:`napalm_fortios.review`. The
lines sent stay in the change record beside it (``sent.txt``).
"""

from __future__ import annotations

from hier_config import Platform, get_hconfig

_HIER_PLATFORM = {"ios": Platform.CISCO_IOS}


def review_diff(platform: str, before: str, after: str) -> str:
    """``-``/``+``/context lines, marks in column 0, the device's indentation."""
    hier = _HIER_PLATFORM[platform]
    lines = get_hconfig(hier, before).unified_diff(get_hconfig(hier, after))
    return "".join(_mark_first(line) + "\n" for line in lines)


def _mark_first(line: str) -> str:
    """hier_config indents two spaces a level; IOS prints one: the device's own form."""
    body = line.lstrip(" ")
    indent = " " * ((len(line) - len(body)) // 2)
    if body.startswith(("- ", "+ ")):
        return body[0] + indent + body[2:]
    return " " + indent + body
