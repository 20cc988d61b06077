"""The Junos configuration tree: curly-brace text in and out, and load semantics.

A :class:`Node` is one statement. Its ``key`` identifies it among its siblings (``unit 0``,
``host-name``, ``ge-0/0/0``); a leaf also carries ``values`` (``host-name`` → ``["r1"]``,
``next-hop`` → several). Loading builds a *patch* tree of the same nodes, where a node may be
tagged ``replace`` or ``delete`` (Junos ``replace:`` / ``delete:`` tags, XML ``operation``),
and :func:`merge` applies it with Junos semantics.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from egress.lab.junos import schema

RejectFn = Callable[[str], bool]


@dataclass
class Node:
    """One configuration statement and its children."""

    key: str
    keyword: str = ""
    ident: str | None = None
    values: list[str] | None = None
    children: dict[str, Node] = field(default_factory=dict)
    op: str | None = None  # only in patches: "replace" | "delete"

    @property
    def is_leaf(self) -> bool:
        return self.values is not None

    def statement(self) -> str:
        if self.values is None:
            return self.key
        return f"{self.key} {render_values(self.keyword, self.values)}"

    def clone(self) -> Node:
        copy = Node(
            key=self.key,
            keyword=self.keyword,
            ident=self.ident,
            values=None if self.values is None else list(self.values),
        )
        copy.children = {k: c.clone() for k, c in self.children.items()}
        return copy

    def same_as(self, other: Node) -> bool:
        """Structural equality, ignoring sibling order and patch tags."""
        if self.key != other.key or self.values != other.values:
            return False
        if self.children.keys() != other.children.keys():
            return False
        return all(c.same_as(other.children[k]) for k, c in self.children.items())

    def find(self, keys: list[str]) -> Node | None:
        node: Node | None = self
        for key in keys:
            if node is None:
                return None
            node = node.children.get(key)
        return node

    def add_child(self, child: Node, *, top_level: bool = False) -> Node:
        """Insert ``child``; at top level Junos keeps its schema order."""
        if not top_level or child.key in self.children:
            self.children[child.key] = child
            return child
        rank = schema.top_level_rank(child.key)
        items = list(self.children.items())
        pos = len(items)
        for index, (key, _) in enumerate(items):
            if schema.top_level_rank(key) > rank:
                pos = index
                break
        items.insert(pos, (child.key, child))
        self.children = dict(items)
        return child


def new_root() -> Node:
    return Node(key="", keyword="")


@dataclass(frozen=True)
class LoadIssue:
    """One ``rpc-error`` a load produces (Junos keeps going after most of them)."""

    severity: str  # "error" | "warning"
    message: str
    path: tuple[str, ...] = ()
    bad_element: str | None = None
    line: str | None = None


class ConfigSyntaxError(ValueError):
    def __init__(self, issue: LoadIssue) -> None:
        super().__init__(issue.message)
        self.issue = issue


# -- words --------------------------------------------------------------------------------
_NEEDS_QUOTES = re.compile(r'[\s;{}\[\]"#$&|*()<>!\']')
# Statements Junos marks in its output so that secrets are easy to strip from a backup.
SECRET_KEYWORDS = frozenset(
    {"encrypted-password", "secret", "authentication-key", "pre-shared-key", "community-name"}
)


def quote(word: str) -> str:
    """Quote a word the way Junos prints it: only when it would not parse bare."""
    if word and not _NEEDS_QUOTES.search(word):
        return word
    return '"' + word.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render_values(keyword: str, values: list[str]) -> str:
    if len(values) == 1 and keyword not in schema.LEAF_LISTS:
        return quote(values[0])
    if len(values) == 1:
        return quote(values[0])
    return "[ " + " ".join(quote(v) for v in values) + " ]"


Word = str | list[str]


@dataclass(frozen=True)
class Token:
    kind: str  # "word" | "list" | "{" | "}" | ";" | "tag"
    text: str
    line: int
    items: tuple[str, ...] = ()


TAGS = frozenset({"replace:", "delete:", "inactive:", "active:", "protect:", "unprotect:"})
_WORD = re.compile(r'[^\s;{}\[\]"]+')


def tokenize(text: str) -> Iterator[Token]:
    """Split curly or set text into tokens; comments and ``## SECRET-DATA`` are dropped."""
    pos, line, length = 0, 1, len(text)
    while pos < length:
        char = text[pos]
        if char == "\n":
            line += 1
            pos += 1
        elif char.isspace():
            pos += 1
        elif char == "#":
            end = text.find("\n", pos)
            pos = length if end < 0 else end
        elif text.startswith("/*", pos):
            end = text.find("*/", pos + 2)
            end = length if end < 0 else end + 2
            line += text.count("\n", pos, end)
            pos = end
        elif char in "{};":
            yield Token(kind=char, text=char, line=line)
            pos += 1
        elif char == '"':
            word, pos = _read_quoted(text, pos, line)
            yield Token(kind="word", text=word, line=line)
        elif char == "[":
            items: list[str] = []
            pos += 1
            while True:
                while pos < length and text[pos].isspace():
                    line += text[pos] == "\n"
                    pos += 1
                if pos >= length:
                    raise _syntax("missing ] in list", line=line)
                if text[pos] == "]":
                    pos += 1
                    break
                if text[pos] == '"':
                    word, pos = _read_quoted(text, pos, line)
                else:
                    match = _WORD.match(text, pos)
                    if match is None:
                        raise _syntax("syntax error", line=line, bad=text[pos])
                    word, pos = match.group(0), match.end()
                items.append(word)
            yield Token(kind="list", text=" ".join(items), line=line, items=tuple(items))
        elif char == "]":
            raise _syntax("syntax error", line=line, bad="]")
        else:
            match = _WORD.match(text, pos)
            assert match is not None
            word = match.group(0)
            pos = match.end()
            yield Token(kind="tag" if word in TAGS else "word", text=word, line=line)


def _read_quoted(text: str, pos: int, line: int) -> tuple[str, int]:
    out: list[str] = []
    pos += 1
    while pos < len(text):
        char = text[pos]
        if char == "\\" and pos + 1 < len(text):
            out.append(text[pos + 1])
            pos += 2
        elif char == '"':
            return "".join(out), pos + 1
        else:
            out.append(char)
            pos += 1
    raise _syntax("missing closing quote", line=line)


def _syntax(message: str, *, line: int, bad: str | None = None) -> ConfigSyntaxError:
    return ConfigSyntaxError(
        LoadIssue(severity="error", message=message, bad_element=bad, line=f"line {line}")
    )


# -- statements ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Seg:
    """One statement level that a run of words stands for."""

    key: str
    keyword: str
    ident: str | None = None
    values: list[str] | None = None
    # a leaf beside the statements after it (``schema.INLINE_LEAVES``): they are its siblings
    beside: bool = False

    @staticmethod
    def path(segs: list[Seg]) -> list[str]:
        """The keys of the levels ``segs`` descend through (a leaf beside others is none)."""
        return [s.key for s in segs if not s.beside]


def split_words(words: list[Word], path: tuple[str, ...], *, more: bool) -> list[Seg]:
    """Group the words of one ``set`` path or curly line into statement levels.

    ``more`` says that a ``{`` block follows, so the last word cannot be a leaf value.
    """
    segs: list[Seg] = []
    cur = list(path)
    i, count = 0, len(words)
    while i < count:
        word = words[i]
        if isinstance(word, list):
            raise _syntax("syntax error", line=0, bad="[ " + " ".join(word) + " ]")
        rest = count - i - 1
        following = words[i + 1] if rest else None
        container = schema.identifier_container(tuple(cur))
        if container and word not in schema.IDENTIFIER_CONTAINER_KEYWORDS:
            seg = Seg(key=quote(word), keyword=schema.IDENTIFIER_CONTAINERS[container], ident=word)
            i += 1
        elif (
            word in schema.REST_OF_LINE_KEYWORDS
            and rest
            and all(isinstance(w, str) for w in words[i + 1 :])
        ):
            ident = " ".join(quote(str(w)) for w in words[i + 1 :])
            seg = Seg(key=f"{word} {ident}", keyword=word, ident=ident)
            i = count
        elif isinstance(following, str) and (word, following) in schema.MULTI_WORD_ENTRIES:
            size = schema.MULTI_WORD_ENTRIES[(word, following)]
            if rest < size - 1:
                raise _syntax("syntax error", line=0, bad=word)
            ident = " ".join(quote(str(w)) for w in words[i + 1 : i + size])
            seg = Seg(key=f"{word} {ident}", keyword=word, ident=ident)
            i += size
        elif isinstance(following, str) and schema.is_list_keyword(word, tuple(cur)):
            seg = Seg(key=f"{word} {quote(following)}", keyword=word, ident=following)
            i += 2
        elif (
            rest > 1
            and isinstance(following, str)
            and cur
            and word in schema.INLINE_LEAVES.get(cur[-1].split()[0], frozenset())
        ):
            seg = Seg(key=word, keyword=word, values=[following], beside=True)
            i += 2
            segs.append(seg)
            continue
        elif rest == 1 and not more and word not in schema.CONTAINER_KEYWORDS:
            assert following is not None
            values = list(following) if isinstance(following, list) else [following]
            seg = Seg(key=word, keyword=word, values=values)
            i += 2
        else:
            seg = Seg(key=word, keyword=word)
            i += 1
        segs.append(seg)
        cur.append(seg.key)
    return segs


def node_for(seg: Seg) -> Node:
    return Node(
        key=seg.key,
        keyword=seg.keyword,
        ident=seg.ident,
        values=None if seg.values is None else list(seg.values),
    )


def graft(parent: Node, segs: list[Seg], *, top: bool) -> Node:
    """Create (or reuse) the nodes ``segs`` name under ``parent``; returns the last one."""
    node = parent
    for index, seg in enumerate(segs):
        existing = node.children.get(seg.key)
        if existing is None:
            existing = node.add_child(node_for(seg), top_level=top and index == 0)
        elif seg.values is not None:
            existing.values = _leaf_merge(existing, seg.values)
        if not seg.beside:
            node = existing
    return node


def _leaf_merge(node: Node, values: list[str]) -> list[str]:
    if node.keyword in schema.LEAF_LISTS and node.values is not None:
        return node.values + [v for v in values if v not in node.values]
    return list(values)


# -- curly text in ------------------------------------------------------------------------
def parse_text(text: str, *, reject: RejectFn | None = None) -> tuple[Node, list[LoadIssue]]:
    """Parse curly text into a patch tree; rejected or bad statements become issues."""
    tokens = list(tokenize(text))
    lines = text.splitlines()
    root = new_root()
    issues: list[LoadIssue] = []
    pos = _parse_block(tokens, 0, root, (), lines, reject, issues, top=True)
    if pos < len(tokens):
        token = tokens[pos]
        issues.append(
            LoadIssue("error", "syntax error", bad_element=token.text, line=_src(lines, token))
        )
    return root, issues


def _src(lines: list[str], token: Token) -> str:
    return lines[token.line - 1].strip() if 0 < token.line <= len(lines) else token.text


def _parse_block(
    tokens: list[Token],
    pos: int,
    parent: Node,
    path: tuple[str, ...],
    lines: list[str],
    reject: RejectFn | None,
    issues: list[LoadIssue],
    *,
    top: bool,
) -> int:
    while pos < len(tokens) and tokens[pos].kind != "}":
        tag: str | None = None
        if tokens[pos].kind == "tag":
            tag = tokens[pos].text.rstrip(":")
            pos += 1
        words: list[Word] = []
        start = pos
        while pos < len(tokens) and tokens[pos].kind in ("word", "list"):
            token = tokens[pos]
            words.append(list(token.items) if token.kind == "list" else token.text)
            pos += 1
        if pos >= len(tokens) or not words or tokens[pos].kind not in ("{", ";"):
            bad = tokens[min(pos, len(tokens) - 1)] if tokens else None
            issues.append(
                LoadIssue(
                    "error",
                    "syntax error",
                    path=path,
                    bad_element=bad.text if bad else None,
                    line=_src(lines, bad) if bad else None,
                )
            )
            return len(tokens)
        block = tokens[pos].kind == "{"
        source = _src(lines, tokens[start])
        rejected = False
        try:
            segs = split_words(words, path, more=block)
        except ConfigSyntaxError as err:
            issues.append(
                LoadIssue("error", err.issue.message, path, err.issue.bad_element, source)
            )
            segs, rejected = [], True
        if not rejected and reject is not None and reject(source):
            # Junos keeps loading after a bad statement; the block under it goes with it.
            issues.append(LoadIssue("error", "syntax error", path, str(words[0]), source))
            rejected = True
        target: Node | None = None
        if not rejected:
            target = graft(parent, segs, top=top)
            if tag in ("replace", "delete"):
                first = parent.children[segs[0].key]
                first.op = tag
        pos += 1
        if block:
            sink = target if target is not None else new_root()
            child_path = path + tuple(Seg.path(segs))
            pos = _parse_block(tokens, pos, sink, child_path, lines, reject, issues, top=False)
            if pos >= len(tokens):
                issues.append(LoadIssue("error", "missing } at end of block", path=child_path))
                return pos
            pos += 1
    return pos


# -- curly text out -----------------------------------------------------------------------
def render_text(root: Node, *, indent: int = 0) -> str:
    """Curly text as ``show configuration`` prints it (4 spaces per level)."""
    out: list[str] = []
    for child in root.children.values():
        out.extend(render_lines(child, indent=indent))
    return "".join(line + "\n" for line in out)


def inline_leaves(node: Node) -> str | None:
    """The leaves Junos prints on the entry's own line, if that is how it prints them:
    ``route 192.0.2.1/32 routing-instance default priority-cost 10;`` (``INLINE_LEAVES``)."""
    children = list(node.children.values())
    inline = schema.INLINE_LEAVES.get(node.keyword, frozenset())
    if not children or children[0].keyword not in inline:
        return None
    if any(c.children or c.values is None or len(c.values) != 1 for c in children):
        return None
    return " ".join(c.statement() for c in children)


def render_lines(node: Node, *, indent: int, step: int = 4, in_secret: bool = False) -> list[str]:
    """Curly text; Junos marks every line that prints secret data with ``## SECRET-DATA``,
    also a value nested under a secret keyword (``pre-shared-key { ascii-text "$9$..";``),
    and the device's own ``show configuration`` output ends such lines with it."""
    pad = " " * indent
    secret_here = in_secret or node.keyword in SECRET_KEYWORDS
    mark = " ## SECRET-DATA" if secret_here else ""
    if not node.children:
        return [f"{pad}{node.statement()};{mark}"]
    if len(node.children) == 1 and (
        node.keyword in schema.ONELINERS or node.keyword in schema.FLAG_ONELINERS
    ):
        (only,) = node.children.values()
        flag = only.values is None
        if not only.children and (node.keyword in schema.ONELINERS or flag):
            return [f"{pad}{node.statement()} {only.statement()};{mark if not flag else ''}"]
    leaves = inline_leaves(node)
    if leaves is not None:
        return [f"{pad}{node.statement()} {leaves};"]
    lines = [f"{pad}{node.statement()} {{"]
    for child in node.children.values():
        lines.extend(render_lines(child, indent=indent + step, step=step, in_secret=secret_here))
    lines.append(f"{pad}}}")
    return lines


# -- load semantics -----------------------------------------------------------------------
def merge(
    target: Node, patch: Node, *, honor_replace: bool = True, top: bool = True
) -> list[LoadIssue]:
    """Apply ``patch`` to ``target`` in place (``load merge`` / ``load replace``)."""
    issues: list[LoadIssue] = []
    for key, change in patch.children.items():
        existing = target.children.get(key)
        if change.op == "delete":
            if existing is not None:
                del target.children[key]
            continue
        if existing is None or (change.op == "replace" and honor_replace):
            fresh = Node(
                key=change.key,
                keyword=change.keyword,
                ident=change.ident,
                values=None if change.values is None else list(change.values),
            )
            merge(fresh, change, honor_replace=honor_replace, top=False)
            if existing is not None:
                target.children[key] = fresh
            else:
                target.add_child(fresh, top_level=top)
            continue
        if change.values is not None:
            existing.values = _leaf_merge(existing, change.values)
        issues.extend(merge(existing, change, honor_replace=honor_replace, top=False))
    return issues


def override(patch: Node) -> Node:
    """``load override``: the loaded text becomes the whole candidate."""
    root = new_root()
    merge(root, patch)
    return root


def walk(node: Node, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Node]]:
    """Every node under ``node`` with the keys leading to it."""
    for child in node.children.values():
        yield path, child
        yield from walk(child, path + (child.key,))
