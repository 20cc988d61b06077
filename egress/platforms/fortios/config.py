"""Fortinet FortiOS CLI: the config/edit tree (line-numbered nodes) and the facts read from it.

hier_config's FortiOS loader refuses a block that appears twice (the rendered script
re-opens `config system interface`), keeps no line numbers, and cannot tell an unbalanced
`end` from a balanced one because it reads structure from indentation. FortiOS itself reads
structure from the keywords, and so does this walk.
"""

from __future__ import annotations

import re
from ipaddress import IPv4Interface
from typing import Any

from egress.lint.facts import (
    BfdFact,
    ConfigFacts,
    EcmpFact,
    HaFact,
    PbrRuleFact,
    ProbeFact,
    Ref,
    RouteFact,
    SyntaxProblem,
    VrrpFact,
    interface_address,
)
from egress.lint.memo import Memo

STATEMENTS = frozenset(
    {
        "config",
        "edit",
        "next",
        "end",
        "set",
        "unset",
        "append",
        "select",
        "unselect",
        "rename",
        "delete",
        "purge",
        "clone",
        "move",
    }
)
MANAGEMENT = frozenset({"ssh", "https", "http", "telnet"})


# raw line -> (stripped, first word ("" for a blank line or a comment), a `set` line's key,
# values and first value or None), read once per distinct line of the run: a fleet's configs
# repeat their lines (at 2,000 generated devices a FortiOS line is one of ~6,400 distinct
# among ~84,000; docs/adr.md)
def _read_line(raw: str) -> _Line:
    stripped = raw.strip()
    if not stripped or stripped.startswith("#"):
        return stripped, "", None
    word = stripped.split(None, 1)[0]
    if word != "set":
        return stripped, word, None
    # a `set` line that may set a secret leaves load's common path (word == "set"), which
    # then records that the config needs the secret scan (_security)
    return stripped, _SET_SECRET if _may_hold_secret(stripped) else "set", _SETS[stripped]


# no first word of a line: it holds no whitespace
_SET_SECRET = "set (may set a secret)"

# (stripped, first word, the `set` line's key, values and first value, or None)
_Line = tuple[str, str, "tuple[str, list[str], str | None] | None"]
_LINES: Memo[str, _Line] = Memo(_read_line)


# What the one pass keeps of a config: per `config`/`edit` block, [the line first seen, its
# lines' texts -> what is below them, its blocks in the order first opened] (a re-opened
# block merges, as FortiOS does), where a statement's value is the line first seen and a
# block's is its own [line, texts, blocks]. No object per line: a `set` line costs one dict
# store; the readers of tables and sub-blocks go through a block's blocks, not its lines.
_Block = list[Any]  # [line, dict[str, int | _Block], list[tuple[str, _Block]], sets]


def load(text: str) -> tuple[_Block, list[SyntaxProblem]]:
    """FortiOS text in one pass: its syntax problems and its blocks. FortiOS reads structure
    from the keywords (config ... end, edit ... next), and so does this walk."""
    root, problems, _ = _load(text)
    return root, problems


def _load(text: str) -> tuple[_Block, list[SyntaxProblem], bool]:
    """load, and whether a kept statement may set a secret (a key of _SECRET_KEYS in it)."""
    root: _Block = [0, {}, [], {}]
    problems: list[SyntaxProblem] = []
    # (block, kind, line, text): kind "config" closes with end, "edit" closes with next
    stack: list[tuple[_Block, str, int, str]] = [(root, "root", 0, "")]
    kind = "root"
    block = root
    kids: dict[str, Any] = root[1]  # the open block's lines
    sets: dict[str, _Set] = root[3]  # and its `set` lines by key (_sets)
    secret = False
    # the memo is read at C speed through map; only a line never seen calls into Python
    for number, (stripped, word, found) in enumerate(map(_LINES.__getitem__, text.splitlines()), 1):
        if word == "set" and kind != "root":  # most lines: the last branch below, inlined
            if stripped not in kids:
                kids[stripped] = number
                if found is not None:
                    sets[found[0]] = (found[1], number, found[2])
            continue
        if not word:
            continue
        if word is _SET_SECRET:
            word = "set"
        if word not in STATEMENTS:
            problems.append(
                SyntaxProblem(
                    "fortios.statement",
                    number,
                    f"{stripped[:40]!r} is not a FortiOS statement",
                    "lines are config/edit/set/unset/next/end; remove the stray text",
                )
            )
            continue
        if word == "config":  # nesting is legal: `config cluster-peer` in standalone-cluster
            stack.append((_open(block, stripped, number), "config", number, stripped))
        elif word == "end":
            if kind != "config":
                problems.append(
                    SyntaxProblem(
                        "fortios.config" if kind == "root" else "fortios.edit",
                        number,
                        "`end` without an open `config`"
                        if kind == "root"
                        else f"`end` while `{stack[-1][3]}` (line {stack[-1][2]}) is open",
                        "close an `edit` with `next` before `end`"
                        if kind == "edit"
                        else "remove the `end` or add its `config` line",
                    )
                )
                if kind != "edit":
                    continue
                # recover as FortiOS does: end closes both
                stack.pop()
                if len(stack) > 1:  # an `edit` outside any table has no `config` to close
                    stack.pop()
            else:
                stack.pop()
        elif word == "edit":
            if kind != "config":
                problems.append(
                    SyntaxProblem(
                        "fortios.edit",
                        number,
                        f"`{stripped}` outside a `config` table",
                        "an `edit` lives inside `config <table>`; close the previous entry first",
                    )
                )
            stack.append((_open(block, stripped, number), "edit", number, stripped))
        elif word == "next":
            if kind != "edit":
                problems.append(
                    SyntaxProblem(
                        "fortios.edit",
                        number,
                        "`next` without an open `edit`",
                        "remove the `next` or add the `edit` it closes",
                    )
                )
                continue
            stack.pop()
        else:
            if kind == "root":
                problems.append(
                    SyntaxProblem(
                        "fortios.statement",
                        number,
                        f"`{word}` outside any `config` block",
                        "a set/unset belongs inside `config ...` (and `edit ...` for tables)",
                    )
                )
            if stripped not in kids:
                kids[stripped] = number
                if found is not None:
                    sets[found[0]] = (found[1], number, found[2])
            secret = secret or _may_hold_secret(stripped)
            continue
        block, kind = stack[-1][:2]
        kids, sets = block[1], block[3]
    for _, kind, opened, stripped in stack[1:]:
        problems.append(
            SyntaxProblem(
                "fortios.config" if kind == "config" else "fortios.edit",
                opened,
                f"`{stripped}` is never closed with `{'end' if kind == 'config' else 'next'}`",
                "every config needs its end and every edit its next",
            )
        )
    return root, problems, secret


def _open(parent: _Block, text: str, number: int) -> _Block:
    """The block ``text`` opens under ``parent`` (re-entered where it was opened before)."""
    block = parent[1].get(text)
    if block is None:
        block = parent[1][text] = [number, {}, [], {}]
        parent[2].append((text, block))
    return block


def _first(block: _Block, prefix: str) -> _Block | None:
    # (a statement's text never starts with `config `: only a block's can match; most
    # blocks hold none, so a plain loop, not a generator made per call)
    for text, sub in block[2]:
        if text.startswith(prefix):
            return sub
    return None


def _every_line(root: _Block) -> list[tuple[str, int]]:
    """Every line kept, depth first, each (text, the line first seen)."""
    found: list[tuple[str, int]] = []
    todo = list(reversed(root[1].items()))
    while todo:
        text, value = todo.pop()
        if isinstance(value, int):
            found.append((text, value))
        else:
            found.append((text, value[0]))
            todo.extend(reversed(value[1].items()))
    return found


# FortiOS quoting is simple ("..." with backslash escapes); shlex costs 10x more at scale
_WORD = re.compile(r'"((?:[^"\\]|\\.)*)"|(\S+)')


def _words(text: str) -> list[str]:
    if '"' not in text:
        return text.split()
    return [quoted or bare for quoted, bare in _WORD.findall(text)]


# a `set` line's (unquoted values, line, first value or None)
_Set = tuple[list[str], int, "str | None"]
_NO_SET: _Set = ([], 0, None)


def _sets(block: _Block) -> dict[str, _Set]:
    """`set key value...` children of ``block``: key -> (unquoted values, line, first value),
    gathered by load as it keeps each new line: the text first seen last wins a key, at its
    first line. Read, never changed (the values lists are shared by every config)."""
    sets: dict[str, _Set] = block[3]
    return sets


def _set_words(text: str) -> tuple[str, list[str], str | None] | None:
    if not text.startswith("set "):
        return None
    words = text.split() if '"' not in text else _words(text)
    return (words[1], words[2:], words[2] if len(words) > 2 else None) if len(words) >= 2 else None


# a node's text -> (key, unquoted values) of a `set` line, else None; once per distinct text
_SETS: Memo[str, tuple[str, list[str], str | None] | None] = Memo(_set_words)


def _edits(root: _Block, table: str) -> list[tuple[str, _Block]]:
    block = root[1].get(f"config {table}")  # (re-opened blocks are one)
    if block is None:
        return []
    return [(text[5:].strip().strip('"'), entry) for text, entry in _entries(block)]


def _entries(block: _Block) -> list[tuple[str, _Block]]:
    return [(text, entry) for text, entry in block[2] if text.startswith("edit ")]


def _block(root: _Block, table: str) -> list[_Block]:
    block = root[1].get(f"config {table}")
    return [] if block is None else [block]


def parse(text: str) -> ConfigFacts:
    root, problems, secret = _load(text)
    facts = ConfigFacts(problems=problems)
    for name, entry in _edits(root, "system interface"):
        _interface(facts, name, entry)
    timers: dict[str, _Set] = {}
    for block in _block(root, "system settings"):
        timers.update(_settings(facts, block))
    for _key, entry in _edits(root, "router static"):
        values = _sets(entry)
        gateway = values.get("gateway", ([""], 0))[0]
        route = RouteFact(prefix=_dst(values), gateway=gateway[0] if gateway else "", line=entry[0])
        route.interface = values.get("device", _NO_SET)[2]
        route.distance = (
            int(d) if (d := values.get("distance", _NO_SET)[2] or "").isdigit() else None
        )
        route.bfd = values.get("bfd", _NO_SET)[2] == "enable"
        facts.routes.append(route)
        if route.bfd:
            facts.bfd.append(
                BfdFact(line=values["bfd"][1], peer=route.gateway, interface=route.interface)
            )
    _fill_bfd_timers(facts, timers)
    for key, entry in _edits(root, "router policy"):
        _policy(facts, key, entry)
    for key, entry in _edits(root, "system link-monitor"):
        _probe(facts, key, entry)
    for block in _block(root, "system ha"):
        _ha(facts, block, cluster_block=_block(root, "system standalone-cluster"))
    _security(facts, root, secret)
    return facts


def _dst(values: dict[str, _Set]) -> str:
    dst = values.get("dst")
    if not dst or len(dst[0]) < 1:
        return "0.0.0.0/0"
    try:
        spec = "/".join(dst[0][:2]) if len(dst[0]) > 1 else dst[0][0]
        return str(IPv4Interface(spec).network)
    except ValueError:
        return " ".join(dst[0])


def _interface(facts: ConfigFacts, name: str, entry: _Block) -> None:
    iface = facts.interface(name, entry[0])
    values = _sets(entry)
    if "ip" in values and len(values["ip"][0]) >= 2:
        iface.address = interface_address("/".join(values["ip"][0][:2]))
        iface.address_line = values["ip"][1]
    if "allowaccess" in values:
        iface.allowaccess, iface.allowaccess_line = (
            tuple(values["allowaccess"][0]),
            values["allowaccess"][1],
        )
    if values.get("bfd", _NO_SET)[2] == "enable":
        iface.bfd, iface.bfd_line = True, values["bfd"][1]
        facts.bfd.append(BfdFact(line=values["bfd"][1], peer=None, interface=name))
    vrrp = _first(entry, "config vrrp")
    for text, group in _entries(vrrp) if vrrp else ():
        _vrrp(facts, name, text, group)


def _vrrp(facts: ConfigFacts, interface: str, text: str, group: _Block) -> None:
    number = text.split()[1]
    fact = VrrpFact(
        interface=interface, group=int(number) if number.isdigit() else -1, line=group[0]
    )
    values = _sets(group)
    if "vrip" in values:
        fact.vip, fact.vip_line = values.get("vrip", _NO_SET)[2], values["vrip"][1]
    if (p := values.get("priority", _NO_SET)[2]) is not None and p.isdigit():
        fact.priority, fact.priority_line = int(p), values["priority"][1]
    if "preempt" in values:
        fact.preempt = "on" if values.get("preempt", _NO_SET)[2] == "enable" else "off"
        fact.preempt_line = values["preempt"][1]
    if "vrdst" in values:
        fact.tracks.extend(Ref(v, values["vrdst"][1]) for v in values["vrdst"][0])
    facts.vrrp.append(fact)


def _settings(facts: ConfigFacts, block: _Block) -> dict[str, _Set]:
    values = _sets(block)
    if "v4-ecmp-mode" in values:
        facts.ecmp = EcmpFact(
            knob=values.get("v4-ecmp-mode", _NO_SET)[2] or "", line=values["v4-ecmp-mode"][1]
        )
    return {
        k: values[k]
        for k in ("bfd-desired-min-tx", "bfd-required-min-rx", "bfd-detect-mult")
        if k in values
    }


def _fill_bfd_timers(facts: ConfigFacts, timers: dict[str, _Set]) -> None:
    """FortiOS sets BFD timers once, globally: every BFD user (route, interface) gets them."""
    if not timers:
        return

    def value(key: str) -> int | None:
        found = timers.get(key)
        return int(found[0][0]) if found and found[0] and found[0][0].isdigit() else None

    line = min(found[1] for found in timers.values())
    tx, rx = value("bfd-desired-min-tx"), value("bfd-required-min-rx")
    multiplier = value("bfd-detect-mult")
    for bfd in facts.bfd:
        bfd.tx_ms, bfd.rx_ms, bfd.multiplier, bfd.timers_line = tx, rx, multiplier, line


def _policy(facts: ConfigFacts, key: str, entry: _Block) -> None:
    values = _sets(entry)
    facts.pbr.policies.setdefault("router policy", entry[0])
    rule = PbrRuleFact(name=f"policy {key}", line=entry[0])
    if "gateway" in values:
        rule.next_hop = Ref(values.get("gateway", _NO_SET)[2] or "", values["gateway"][1])
    if "output-device" in values:
        rule.out_interface = Ref(
            values.get("output-device", _NO_SET)[2] or "", values["output-device"][1]
        )
    facts.pbr.rules.append(rule)
    if "input-device" in values:
        for device in values["input-device"][0]:
            facts.pbr.applied.append((device, "router policy", values["input-device"][1]))


def _probe(facts: ConfigFacts, key: str, entry: _Block) -> None:
    values = _sets(entry)
    probe = ProbeFact(key=key, name=key, line=entry[0])
    probe.type = values.get("protocol", _NO_SET)[2]
    probe.target = values.get("server", _NO_SET)[2]
    probe.source = values.get("srcintf", _NO_SET)[2]
    probe.gateway = values.get("gateway-ip", _NO_SET)[2]
    if (v := values.get("interval", _NO_SET)[2]) and v.isdigit():
        probe.interval_ms, probe.timing_line = float(v), values["interval"][1]
    if (v := values.get("probe-timeout", _NO_SET)[2]) and v.isdigit():
        probe.timeout_ms = probe.threshold_ms = float(v)
        probe.timing_line = values["probe-timeout"][1]
    if "update-static-route" in values:
        probe.follows_route = values.get("update-static-route", _NO_SET)[2] == "enable"
        probe.follows_line = values["update-static-route"][1]
    facts.probes[key] = probe


def _ha(facts: ConfigFacts, block: _Block, *, cluster_block: list[_Block]) -> None:
    values = _sets(block)
    if "group-id" in values or "mode" in values or not cluster_block:
        ha = HaFact(line=block[0], form="cluster")
        if (g := values.get("group-id", _NO_SET)[2]) and g.isdigit():
            ha.group_id, ha.group_line = int(g), values["group-id"][1]
        if "mode" in values:
            ha.mode, ha.mode_line = values.get("mode", _NO_SET)[2], values["mode"][1]
        if "hbdev" in values:
            ha.links.extend(Ref(v, values["hbdev"][1]) for v in values["hbdev"][0][::2])
    else:
        fgsp = _sets(cluster_block[0])
        ha = HaFact(line=cluster_block[0][0], form="sync-pair")
        if (g := fgsp.get("standalone-group-id", _NO_SET)[2]) and g.isdigit():
            ha.group_id, ha.group_line = int(g), fgsp["standalone-group-id"][1]
        if "session-sync-dev" in fgsp:
            devices, line, _ = fgsp["session-sync-dev"]
            ha.links.extend(Ref(v, line) for v in devices)
        peers = _first(cluster_block[0], "config cluster-peer")
        for _, entry in _entries(peers) if peers else ():
            peer = _sets(entry)
            if "peerip" in peer:
                ha.peer_address, ha.peer_line = peer.get("peerip", _NO_SET)[2], peer["peerip"][1]
    if "session-pickup" in values:
        ha.session_sync = values.get("session-pickup", _NO_SET)[2] == "enable"
        ha.session_line = values["session-pickup"][1]
    facts.ha = ha


_SECRET_KEYS = {
    "password": "password",
    "passwd": "password",
    "psksecret": "pre-shared key",
    "secret": "secret",
    "key": "key",
    "auth-pwd": "password",
    "priv-pwd": "password",
}


# a part of every secret key above: a line without any of them sets no secret, so load
# tells parse whether a kept line holds one, and most configs need no walk over every line
_SECRET_PARTS = ("passw", "secret", "key", "-pwd")
assert all(any(part in key for part in _SECRET_PARTS) for key in _SECRET_KEYS)


def _may_hold_secret(text: str) -> bool:
    return any(part in text for part in _SECRET_PARTS)


def _security(facts: ConfigFacts, root: _Block, secret: bool) -> None:
    trusted = False
    for _name, admin in _edits(root, "system admin"):
        values = _sets(admin)
        trusted = trusted or any(k.startswith("trusthost") for k in values)
    for line, number in _every_line(root) if secret else ():
        words = line.split(maxsplit=2)
        # `ENC ...` is FortiOS' own encrypted form
        if (
            words[0] == "set"
            and len(words) == 3
            and words[1] in _SECRET_KEYS
            and not words[2].startswith("ENC ")
        ):
            facts.secrets.append((_SECRET_KEYS[words[1]], number))
    for _name, community in _edits(root, "system snmp community"):
        name = _sets(community).get("name")
        if name is not None:
            facts.secrets.append(("SNMP community", name[1]))
    if trusted:
        return
    for iface in facts.interfaces.values():
        open_ = sorted(MANAGEMENT.intersection(iface.allowaccess))
        if open_ and iface.allowaccess_line is not None:
            facts.open_access.append(
                (f"{iface.name} allows {'/'.join(open_)} from any source", iface.allowaccess_line)
            )
