"""FortiOS configuration as a tree: parse ``show`` text and render it back.

Pure and dependency-free: the NAPALM driver computes its diffs client-side with this model
(FortiOS has no candidate datastore, so the diff is the tool's job, see :mod:`.diff`), and
the egress lab keeps its emulated running config in it, so both read FortiOS text alike.

Model: a :class:`Node` is the body of one ``config`` block or of one ``edit`` entry. Its
``items`` keep ``set`` lines and nested ``config`` blocks in their original order, because
``show`` output interleaves them and a round trip must not reorder a real config. A table
(``config system interface``) keeps its ``edit`` entries in ``entries``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

INDENT = "    "

_NEEDS_QUOTES = frozenset(" \t\"'\\#")


class ConfigSyntaxError(ValueError):
    """Text that is not FortiOS configuration syntax; says which line and why."""

    def __init__(self, message: str, *, line: int) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line


@dataclass(frozen=True)
class Token:
    """One word of a CLI line; ``quoted`` remembers how the device printed it."""

    text: str
    quoted: bool = False

    def render(self) -> str:
        if self.quoted or not self.text or any(c in _NEEDS_QUOTES for c in self.text):
            escaped = self.text.replace("\\", "\\\\").replace('"', '\\"')
            return f'"{escaped}"'
        return self.text


@dataclass(eq=False)
class Setting:
    """The value of one ``set``: several tokens for lists (``set allowaccess ping https``)."""

    values: list[Token]

    @property
    def texts(self) -> tuple[str, ...]:
        return tuple(t.text for t in self.values)

    def __eq__(self, other: object) -> bool:
        # Quoting is presentation: `set vdom root` and `set vdom "root"` are the same value.
        return isinstance(other, Setting) and self.texts == other.texts

    def __hash__(self) -> int:
        return hash(self.texts)

    def render(self) -> str:
        return " ".join(t.render() for t in self.values)


SET = "set"
CONFIG = "config"
ItemKey = tuple[str, str]


@dataclass(eq=False)
class Node:
    """Body of a ``config`` block (object or table) or of an ``edit`` entry."""

    items: dict[ItemKey, Setting | Node] = field(default_factory=dict)
    entries: dict[str, Node] = field(default_factory=dict)
    is_table: bool = False
    quoted_key: bool = False  # how this node's own `edit` key is printed

    # -- read -------------------------------------------------------------------------
    @property
    def settings(self) -> dict[str, Setting]:
        return {k[1]: v for k, v in self.items.items() if k[0] == SET and isinstance(v, Setting)}

    @property
    def blocks(self) -> dict[str, Node]:
        return {k[1]: v for k, v in self.items.items() if k[0] == CONFIG and isinstance(v, Node)}

    def get(self, name: str) -> tuple[str, ...] | None:
        """Values of ``set name`` or None when unset."""
        item = self.items.get((SET, name))
        return item.texts if isinstance(item, Setting) else None

    def value(self, name: str, default: str = "") -> str:
        """``set name`` as one string (list values joined by a space)."""
        values = self.get(name)
        return default if values is None else " ".join(values)

    def block(self, path: str) -> Node | None:
        item = self.items.get((CONFIG, path))
        return item if isinstance(item, Node) else None

    def find(self, *path: str) -> Node | None:
        """Walk ``("system interface", "port2", "vrrp", "10")``: block names and entry keys."""
        node: Node | None = self
        for part in path:
            if node is None:
                return None
            node = node.entries.get(part) if node.is_table else node.block(part)
        return node

    def is_empty(self) -> bool:
        return not self.items and not self.entries

    # -- write ------------------------------------------------------------------------
    def set(self, name: str, values: list[Token]) -> None:
        self.items[(SET, name)] = Setting(list(values))

    def unset(self, name: str) -> bool:
        return self.items.pop((SET, name), None) is not None

    def put_block(self, path: str, node: Node) -> None:
        self.items[(CONFIG, path)] = node

    def ensure_block(self, path: str) -> Node:
        node = self.block(path)
        if node is None:
            node = Node()
            self.put_block(path, node)
        return node

    def copy(self) -> Node:
        """A tree of its own (what ``copy.deepcopy`` gave, ~17 times faster: the
        remediation copies every owned entry of a unit's config, under the interpreter
        lock of a 20-session commit). Tokens are frozen: shared, as deepcopy would not."""
        items: dict[ItemKey, Setting | Node] = {
            key: item.copy() if isinstance(item, Node) else Setting(list(item.values))
            for key, item in self.items.items()
        }
        return Node(
            items,
            {key: entry.copy() for key, entry in self.entries.items()},
            self.is_table,
            self.quoted_key,
        )

    # -- compare ----------------------------------------------------------------------
    def __eq__(self, other: object) -> bool:
        # Semantic equality: quoting and the order of `set` lines do not matter; the order
        # of entries does not either (a diff never reorders, see `diff`).
        # An empty block equals an absent one: `config router static / end` configures nothing.
        if not isinstance(other, Node):
            return NotImplemented
        return self._meaningful() == other._meaningful() and self.entries == other.entries

    def _meaningful(self) -> dict[ItemKey, Setting | Node]:
        return {k: v for k, v in self.items.items() if isinstance(v, Setting) or not v.is_void()}

    def is_void(self) -> bool:
        """Nothing configured here, even in nested blocks."""
        return not self.entries and all(
            isinstance(v, Node) and v.is_void() for v in self.items.values()
        )

    __hash__ = None  # type: ignore[assignment]  # mutable


# -- tokenizing ---------------------------------------------------------------------------
def tokenize(line: str) -> list[Token]:
    """Split one CLI line; quotes group words and backslash escapes inside quotes.

    >>> [t.text for t in tokenize('set alias "a b" x')]
    ['set', 'alias', 'a b', 'x']
    """
    parsed = list(statements(line))
    if len(parsed) != 1:
        if not parsed:
            return []
        raise ConfigSyntaxError("one line expected", line=1)
    return parsed[0][1]


def statements(text: str) -> Iterator[tuple[int, list[Token]]]:
    """Yield (line number, tokens); a quoted value may span lines (certificates, buffers)."""
    tokens: list[Token] = []
    lineno = 1
    start_line = 1
    i = 0
    n = len(text)
    word: list[str] = []
    in_word = False
    while i < n:
        c = text[i]
        if c in "\"'":
            quote = c
            i += 1
            buf: list[str] = []
            open_line = lineno
            while i < n and text[i] != quote:
                if text[i] == "\\" and i + 1 < n:
                    i += 1
                if text[i] == "\n":
                    lineno += 1
                buf.append(text[i])
                i += 1
            if i >= n:
                raise ConfigSyntaxError("unmatched quote", line=open_line)
            if in_word:  # `abc"def"` glues like a shell would; FortiOS never prints it
                word.extend(buf)
            else:
                tokens.append(Token("".join(buf), quoted=True))
            i += 1
            continue
        if c == "\n" or c in " \t\r":
            if in_word:
                tokens.append(Token("".join(word)))
                word, in_word = [], False
            if c == "\n":
                if tokens:
                    yield start_line, tokens
                tokens = []
                lineno += 1
                start_line = lineno
            i += 1
            continue
        if c == "#" and not tokens and not in_word:
            # `#config-version=...` header and comment lines carry no configuration.
            while i < n and text[i] != "\n":
                i += 1
            continue
        if not tokens and not in_word:
            start_line = lineno
        word.append(c)
        in_word = True
        i += 1
    if in_word:
        tokens.append(Token("".join(word)))
    if tokens:
        yield start_line, tokens


# -- parsing ------------------------------------------------------------------------------
def parse(text: str, *, into: Node | None = None) -> Node:
    """Parse ``show``/``show full-configuration`` output (or a config script) into a tree.

    Every ``config`` block must be closed by ``end`` and every ``edit`` by ``next`` (or by
    the ``end`` of its table, which FortiOS accepts too). ``into`` applies the text to an
    existing tree instead (merge semantics: ``set``/``unset``/``delete`` act on what is
    there), which is how a candidate is merged client-side.
    """
    root = Node() if into is None else into
    # stack of (node, kind) where kind is "config" (a block body) or "edit" (an entry)
    stack: list[tuple[Node, str]] = [(root, "root")]
    for lineno, tokens in statements(text):
        verb = tokens[0].text
        args = tokens[1:]
        node, kind = stack[-1]
        if verb == "config":
            if not args:
                raise ConfigSyntaxError("'config' needs a path", line=lineno)
            if kind == "config" and node.is_table:
                raise ConfigSyntaxError("'config' directly inside a table", line=lineno)
            path = " ".join(t.text for t in args)
            child = node.ensure_block(path)
            stack.append((child, "config"))
        elif verb == "edit":
            if kind != "config" or len(args) != 1:
                raise ConfigSyntaxError("'edit' outside a table or without one key", line=lineno)
            if node.items:
                raise ConfigSyntaxError("'edit' in a block that has settings", line=lineno)
            node.is_table = True
            entry = node.entries.get(args[0].text)
            if entry is None:
                entry = Node(quoted_key=args[0].quoted)
                node.entries[args[0].text] = entry
            stack.append((entry, "edit"))
        elif verb == "next":
            if kind != "edit":
                raise ConfigSyntaxError("'next' outside an entry", line=lineno)
            stack.pop()
        elif verb == "end":
            if kind == "edit":  # `end` closes the entry and its table
                stack.pop()
            if len(stack) < 2:
                raise ConfigSyntaxError("'end' without 'config'", line=lineno)
            stack.pop()
        elif verb in ("set", "unset", "append"):
            if kind == "root" or (kind == "config" and node.is_table):
                raise ConfigSyntaxError(f"'{verb}' outside an object or entry", line=lineno)
            if not args:
                raise ConfigSyntaxError(f"'{verb}' without a field", line=lineno)
            name, values = args[0].text, list(args[1:])
            if verb == "set":
                node.set(name, values)
            elif verb == "unset":
                node.unset(name)
            else:
                old = node.items.get((SET, name))
                old_values = old.values if isinstance(old, Setting) else []
                node.set(name, [*old_values, *values])
        elif verb == "delete":
            if kind != "config" or len(args) != 1:
                raise ConfigSyntaxError("'delete' outside a table", line=lineno)
            node.entries.pop(args[0].text, None)
        else:
            raise ConfigSyntaxError(f"unexpected '{verb}'", line=lineno)
    if len(stack) != 1:
        raise ConfigSyntaxError("unterminated block at end of text", line=text.count("\n") + 1)
    return root


# -- rendering ----------------------------------------------------------------------------
def render(root: Node) -> str:
    """Render a whole tree (top-level blocks) the way FortiOS 7.x ``show`` prints it."""
    lines: list[str] = []
    for path, node in root.blocks.items():
        lines.extend(render_block(path, node))
    return "".join(line + "\n" for line in lines)


def render_block(path: str, node: Node, *, depth: int = 0) -> list[str]:
    """``config <path>`` … ``end`` lines for one block, indented ``depth`` levels."""
    pad = INDENT * depth
    lines = [f"{pad}config {path}"]
    if node.is_table:
        for key, entry in node.entries.items():
            lines.append(f"{pad}{INDENT}edit {Token(key, entry.quoted_key).render()}")
            lines.extend(render_body(entry, depth=depth + 2))
            lines.append(f"{pad}{INDENT}next")
    else:
        lines.extend(render_body(node, depth=depth + 1))
    lines.append(f"{pad}end")
    return lines


def render_body(node: Node, *, depth: int) -> list[str]:
    """The ``set`` lines and nested blocks of an object or entry."""
    pad = INDENT * depth
    lines: list[str] = []
    for (kind, name), item in node.items.items():
        if isinstance(item, Setting):
            value = item.render()
            lines.append(f"{pad}set {name} {value}" if value else f"{pad}set {name}")
        elif kind == CONFIG:
            lines.extend(render_block(name, item, depth=depth))
    return lines


def render_entry(path: str, key: str, entry: Node) -> str:
    """One table entry wrapped in its block, as ``show system interface port1`` prints it."""
    lines = [
        f"config {path}",
        f"{INDENT}edit {Token(key, entry.quoted_key).render()}",
        *render_body(entry, depth=2),
        f"{INDENT}next",
        "end",
    ]
    return "".join(line + "\n" for line in lines)
