"""The FortiOS ``config`` state machine: one CLI line at a time against a running tree.

Pure (no I/O) so it serves the lab's SSH shell and, through :func:`apply_script`, anyone
who needs "what would this script do to that config" (the FortiOS driver's dry run, tests).

FortiOS semantics, which differ from a candidate/commit datastore:
- ``next`` writes the current entry into its table; in a top-level table that is live at once.
- ``end`` saves the current entry or object and leaves the ``config`` block.
- ``abort`` leaves the ``config`` block and discards the entry/object being edited; entries
  already written with ``next`` stay (FortiOS: "End and discard last config").
- Settings of an object (``config system global``) and of nested blocks inside an entry
  live in a working copy until the enclosing ``end``/``next``.
- A rejected line changes nothing and leaves the session where it was.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from egress.lab.fortios.schema import (
    SCHEMA,
    PathSchema,
    lookup,
    quote_field,
    resolve_word,
)
from napalm_fortios.tree import ConfigSyntaxError, Node, Token, render_block, statements

PARSE_ERROR_RC = -61
INCOMPLETE_RC = -160
NOT_FOUND_RC = -3
OUT_OF_RANGE_RC = -651  # an invalid value caught by the object check

_TABLE_VERBS = ("edit", "delete", "purge", "rename", "clone", "move", "end", "abort", "get", "show")
_BODY_VERBS = (
    "set",
    "unset",
    "append",
    "unselect",
    "select",
    "config",
    "next",
    "end",
    "abort",
    "get",
    "show",
)
_IP_PREFIX = re.compile(r"^(\d{1,3}(?:\.\d{1,3}){3})/(\d{1,2})$")


def parse_error(token: str) -> list[str]:
    """The two lines FortiOS prints for a line it cannot parse."""
    return [f"command parse error before '{token}'", f"Command fail. Return code {PARSE_ERROR_RC}"]


def out_of_range(name: str, value: str) -> list[str]:
    """What FortiOS prints for an integer outside its field's range (the object check fails,
    then the value parse error and the return code the CLI gives invalid values)."""
    return [
        f"node_check_object fail! for {name} {value}",
        "",
        f"value parse error before '{value}'",
        f"Command fail. Return code {OUT_OF_RANGE_RC}",
    ]


def _in_range(values: list[Token], bounds: tuple[int, int]) -> bool:
    if len(values) != 1 or not values[0].text.isdigit():
        return False
    return bounds[0] <= int(values[0].text) <= bounds[1]


def incomplete() -> list[str]:
    return ["incomplete command in the end", f"Command fail. Return code {INCOMPLETE_RC}"]


@dataclass
class Reply:
    """What one line did: text for the terminal and what changed."""

    lines: list[str] = field(default_factory=list)
    error: bool = False
    committed: bool = False  # the running config changed
    top_end_changed: bool = False  # `end` closed a top-level block whose content changed


@dataclass(frozen=True)
class Context:
    """The innermost open block: ``block_path`` is relative to its parent (``vrrp``)."""

    top_path: str
    kind: str  # "table" | "object" | "entry"
    block_path: str
    key: str | None  # the entry being edited
    node: Node
    schema: PathSchema


@dataclass
class _Frame:
    kind: str  # "table" | "object" | "entry"
    label: str  # what the prompt shows: `(interface)`, `(port2)`, `(10)`
    path: str  # block name in its parent (`system interface`, `vrrp`); key for entries
    schema: PathSchema
    node: Node  # table: the table itself; object/entry: a working copy
    parent: Node  # where the block lives; for an entry, its table
    snapshot: list[str] | None = None  # top-level blocks: content when entered


class ConfigSession:
    """The stack of ``config``/``edit`` contexts of one CLI session."""

    def __init__(self, running: Node) -> None:
        self.running = running
        self._stack: list[_Frame] = []

    # -- state --------------------------------------------------------------------------
    @property
    def in_config(self) -> bool:
        return bool(self._stack)

    @property
    def label(self) -> str | None:
        return self._stack[-1].label if self._stack else None

    def context(self) -> Context | None:
        """Where the session is, for ``show``/``get`` typed inside a block."""
        if not self._stack:
            return None
        frame = self._stack[-1]
        block_path = self._stack[-2].path if frame.kind == "entry" else frame.path
        return Context(
            top_path=self._stack[0].path,
            kind=frame.kind,
            block_path=block_path,
            key=frame.path if frame.kind == "entry" else None,
            node=frame.node,
            schema=frame.schema,
        )

    def resolve_verb(self, word: str) -> str | None:
        """The command an (abbreviated) first word means in the current context."""
        if not self._stack:
            return resolve_word(word, ["config"])
        verbs = _TABLE_VERBS if self._stack[-1].kind == "table" else _BODY_VERBS
        return resolve_word(word, list(verbs))

    def reset(self) -> None:
        """Leave every block without saving (a session that disconnects mid-config)."""
        self._stack.clear()

    # -- one line -----------------------------------------------------------------------
    def feed(self, tokens: list[Token], *, reject: re.Pattern[str] | None = None) -> Reply:
        if not tokens:
            return Reply()
        line = " ".join(t.text for t in tokens)
        if reject is not None and reject.search(line):
            culprit = tokens[1].text if len(tokens) > 1 else tokens[0].text
            return Reply(parse_error(culprit), error=True)
        if not self._stack:
            return self._top(tokens)
        frame = self._stack[-1]
        if frame.kind == "object" and tokens[0].text == "edit" and self._loose_table(frame):
            # A loose path (`router bgp` / `config neighbor`) is a table once it is edited.
            frame.kind = "table"
            frame.node.is_table = True
            self._attach(frame)
        verbs = _TABLE_VERBS if frame.kind == "table" else _BODY_VERBS
        verb = resolve_word(tokens[0].text, list(verbs))
        if verb is None or (verb == "next" and frame.kind != "entry"):
            return Reply(parse_error(tokens[0].text), error=True)
        args = tokens[1:]
        handler = getattr(self, "_" + verb.replace("-", "_"))
        reply: Reply = handler(frame, args)
        return reply

    def _top(self, tokens: list[Token]) -> Reply:
        verb = resolve_word(tokens[0].text, ["config"])
        if verb is None:
            return Reply(["Unknown action 0"], error=True)
        return self._enter_top([t.text for t in tokens[1:]])

    def _enter_top(self, words: list[str]) -> Reply:
        if not words:
            return Reply(incomplete(), error=True)
        path, schema_or_index = lookup(words)
        if path is None:
            assert isinstance(schema_or_index, int)
            bad = words[schema_or_index] if schema_or_index < len(words) else words[-1]
            return Reply(parse_error(bad), error=True)
        assert isinstance(schema_or_index, PathSchema)
        existing = self.running.block(path)
        snapshot = render_block(path, existing) if existing is not None else []
        self._push_block(path, schema_or_index, parent=self.running, snapshot=snapshot)
        return Reply()

    def _push_block(
        self, path: str, schema: PathSchema, *, parent: Node, snapshot: list[str] | None = None
    ) -> None:
        existing = parent.block(path)
        label = path.split()[-1]
        if schema.table or (existing is not None and existing.is_table):
            node = existing if existing is not None else Node(is_table=True)
            node.is_table = True
            self._stack.append(_Frame("table", label, path, schema, node, parent, snapshot))
        else:
            node = existing.copy() if existing is not None else Node()
            self._stack.append(_Frame("object", label, path, schema, node, parent, snapshot))

    # -- table verbs ----------------------------------------------------------------------
    def _edit(self, frame: _Frame, args: list[Token]) -> Reply:
        if len(args) != 1:
            return Reply(incomplete() if not args else parse_error(args[1].text), error=True)
        key = args[0].text
        schema = frame.schema
        lines: list[str] = []
        if schema.int_key:
            if not key.isdigit():
                return Reply(parse_error(key), error=True)
            key = str(int(key))
            if key == "0":  # FortiOS picks the next free id
                key = str(max((int(k) for k in frame.node.entries if k.isdigit()), default=0) + 1)
        existing = frame.node.entries.get(key)
        if existing is None:
            entry = Node(quoted_key=not schema.int_key)
            for name, value in schema.created_with.items():
                entry.set(name, [Token(value, quote_field(schema, name, value))])
            lines.append(f"new entry '{key}' added")
        else:
            entry = existing.copy()
        self._stack.append(_Frame("entry", key, key, schema, entry, frame.node))
        return Reply(lines)

    def _delete(self, frame: _Frame, args: list[Token]) -> Reply:
        if len(args) != 1:
            return Reply(incomplete() if not args else parse_error(args[1].text), error=True)
        if frame.node.entries.pop(args[0].text, None) is None:
            return Reply(
                [
                    "entry not found in datasource",
                    "",
                    f"value parse error before '{args[0].text}'",
                    f"Command fail. Return code {NOT_FOUND_RC}",
                ],
                error=True,
            )
        return self._table_changed(frame)

    def _purge(self, frame: _Frame, args: list[Token]) -> Reply:
        # The real device asks "Do you want to continue? (y/n)"; scripts cannot answer, so
        # the lab purges at once (documented difference).
        frame.node.entries.clear()
        return self._table_changed(frame)

    def _rename(self, frame: _Frame, args: list[Token]) -> Reply:
        return self._copy_entry(frame, args, keep_source=False)

    def _clone(self, frame: _Frame, args: list[Token]) -> Reply:
        return self._copy_entry(frame, args, keep_source=True)

    def _copy_entry(self, frame: _Frame, args: list[Token], *, keep_source: bool) -> Reply:
        if len(args) != 3 or args[1].text != "to":
            return Reply(incomplete() if len(args) < 3 else parse_error(args[3].text), error=True)
        old, new = args[0].text, args[2].text
        entries = frame.node.entries
        if old not in entries:
            return Reply(parse_error(old), error=True)
        if new in entries:
            return Reply(parse_error(new), error=True)
        source = entries[old].copy() if keep_source else entries[old]
        items = list(entries.items())
        position = [k for k, _ in items].index(old)
        if keep_source:
            items.insert(position + 1, (new, source))
        else:
            items[position] = (new, source)
        entries.clear()
        entries.update(items)
        return self._table_changed(frame)

    def _move(self, frame: _Frame, args: list[Token]) -> Reply:
        if len(args) != 3 or args[1].text not in ("before", "after"):
            return Reply(incomplete() if len(args) < 3 else parse_error(args[1].text), error=True)
        entries = frame.node.entries
        key, where, anchor = args[0].text, args[1].text, args[2].text
        if key not in entries or anchor not in entries:
            return Reply(parse_error(key if key not in entries else anchor), error=True)
        moving = entries.pop(key)
        items = list(entries.items())
        index = [k for k, _ in items].index(anchor) + (1 if where == "after" else 0)
        items.insert(index, (key, moving))
        entries.clear()
        entries.update(items)
        return self._table_changed(frame)

    def _table_changed(self, frame: _Frame) -> Reply:
        self._attach(frame)
        return Reply(committed=self._is_top(frame))

    # -- body verbs -----------------------------------------------------------------------
    def _set(self, frame: _Frame, args: list[Token]) -> Reply:
        return self._assign(frame, args, mode="set")

    def _select(self, frame: _Frame, args: list[Token]) -> Reply:
        return self._assign(frame, args, mode="set")

    def _append(self, frame: _Frame, args: list[Token]) -> Reply:
        return self._assign(frame, args, mode="append")

    def _unselect(self, frame: _Frame, args: list[Token]) -> Reply:
        return self._assign(frame, args, mode="unselect")

    def _assign(self, frame: _Frame, args: list[Token], *, mode: str) -> Reply:
        if not args:
            return Reply(incomplete(), error=True)
        name = args[0].text
        schema = frame.schema
        if not schema.allows_field(name):
            return Reply(parse_error(name), error=True)
        values = args[1:]
        if not values:
            return Reply(incomplete(), error=True)
        allowed = schema.allowed_values(name)
        if allowed is not None:
            for token in values:
                if token.text not in allowed:
                    return Reply(parse_error(token.text), error=True)
        bounds = schema.ranges.get(name)
        if bounds is not None and not _in_range(values, bounds):
            return Reply(out_of_range(name, values[0].text), error=True)
        if name in schema.prefix_fields and len(values) == 1:
            values = _split_prefix(values[0]) or values
        normalized = [Token(t.text, quote_field(schema, name, t.text)) for t in values]
        current = list(frame.node.get(name) or ())
        if mode == "append":
            texts = current + [t.text for t in normalized if t.text not in current]
            normalized = [Token(t, quote_field(schema, name, t)) for t in texts]
        elif mode == "unselect":
            drop = {t.text for t in normalized}
            kept = [t for t in current if t not in drop]
            normalized = [Token(t, quote_field(schema, name, t)) for t in kept]
            if not kept:
                frame.node.unset(name)
                return Reply()
        frame.node.set(name, normalized)
        if schema.order:
            _in_schema_order(frame.node, schema.order)
        return Reply()

    def _unset(self, frame: _Frame, args: list[Token]) -> Reply:
        if len(args) != 1:
            return Reply(incomplete() if not args else parse_error(args[1].text), error=True)
        name = args[0].text
        if not frame.schema.allows_field(name):
            return Reply(parse_error(name), error=True)
        frame.node.unset(name)
        return Reply()

    def _config(self, frame: _Frame, args: list[Token]) -> Reply:
        if not args:
            return Reply(incomplete(), error=True)
        if len(args) != 1:
            return Reply(parse_error(args[1].text), error=True)
        options = (
            list(frame.schema.children)
            if frame.schema.children is not None
            else list(frame.node.blocks)
        )
        name = resolve_word(args[0].text, options) or args[0].text
        child = frame.schema.child(name)
        if child is None:
            return Reply(parse_error(args[0].text), error=True)
        self._push_block(name, child, parent=frame.node)
        return Reply()

    def _next(self, frame: _Frame, args: list[Token]) -> Reply:
        committed = self._commit_entry(frame)
        self._stack.pop()
        return Reply(committed=committed)

    def _end(self, frame: _Frame, args: list[Token]) -> Reply:
        committed = False
        if frame.kind == "entry":
            committed = self._commit_entry(frame)
            self._stack.pop()
            frame = self._stack[-1]
        elif frame.kind == "object":
            frame.parent.put_block(frame.path, frame.node)
            committed = self._is_top(frame)
        self._stack.pop()
        changed = False
        if not self._stack:
            current = self.running.block(frame.path)
            after = render_block(frame.path, current) if current is not None else []
            changed = after != (frame.snapshot or [])
        return Reply(committed=committed, top_end_changed=changed)

    def _abort(self, frame: _Frame, args: list[Token]) -> Reply:
        if frame.kind == "entry":
            self._stack.pop()
        self._stack.pop()
        return Reply()

    # get/show are answered by the shell (egress.lab.fortios.cli) from `context()`.
    def _get(self, frame: _Frame, args: list[Token]) -> Reply:
        return Reply()

    def _show(self, frame: _Frame, args: list[Token]) -> Reply:
        return Reply()

    # -- helpers --------------------------------------------------------------------------
    def _commit_entry(self, frame: _Frame) -> bool:
        table = self._stack[-2]
        table.node.entries[frame.path] = frame.node
        self._attach(table)
        return self._is_top(table)

    @staticmethod
    def _loose_table(frame: _Frame) -> bool:
        return frame.schema.fields is None and not frame.node.settings

    def _attach(self, table: _Frame) -> None:
        if table.parent.block(table.path) is not table.node:
            table.parent.put_block(table.path, table.node)

    def _is_top(self, frame: _Frame) -> bool:
        return bool(self._stack) and self._stack[0] is frame


def _in_schema_order(node: Node, order: tuple[str, ...]) -> None:
    """FortiOS prints an entry's fields in its schema's order, not in the order they were
    set (so a field set later does not move to the end: `show` output is canonical)."""
    rank = {name: index for index, name in enumerate(order)}
    items = list(node.items.items())
    settings = sorted(
        (item for item in items if item[0][0] == "set"),
        key=lambda item: rank.get(item[0][1], len(rank)),
    )
    others = [item for item in items if item[0][0] != "set"]
    node.items.clear()
    node.items.update(settings + others)


def _split_prefix(token: Token) -> list[Token] | None:
    """``10.0.0.1/24`` → ``10.0.0.1 255.255.255.0``: how FortiOS stores what you typed."""
    match = _IP_PREFIX.match(token.text)
    if not match or int(match.group(2)) > 32:
        return None
    bits = int(match.group(2))
    mask = (0xFFFFFFFF << (32 - bits)) & 0xFFFFFFFF if bits else 0
    dotted = ".".join(str((mask >> shift) & 0xFF) for shift in (24, 16, 8, 0))
    return [Token(match.group(1)), Token(dotted)]


@dataclass(frozen=True)
class ScriptError:
    """A line of a script the device rejected, and what it printed."""

    line: int
    text: str
    output: tuple[str, ...]


def apply_script(running: Node, script: str) -> list[ScriptError]:
    """Run a FortiOS config script against ``running`` (in place), as the CLI would.

    Rejected lines are skipped and reported, the rest applies — exactly what pasting the
    script into a FortiGate session does. Blocks left open at the end are discarded, as
    when the session closes.
    """
    session = ConfigSession(running)
    errors: list[ScriptError] = []
    source = script.splitlines()
    try:
        parsed = list(statements(script))
    except ConfigSyntaxError as exc:
        return [ScriptError(exc.line, source[exc.line - 1] if source else "", (str(exc),))]
    for lineno, tokens in parsed:
        reply = session.feed(tokens)
        if reply.error:
            text = source[lineno - 1].strip() if lineno <= len(source) else ""
            errors.append(ScriptError(lineno, text, tuple(reply.lines)))
    session.reset()
    return errors


__all__ = [
    "SCHEMA",
    "ConfigSession",
    "Context",
    "Reply",
    "ScriptError",
    "apply_script",
    "parse_error",
]
