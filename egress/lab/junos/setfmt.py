"""``set``/``delete`` commands in, ``show configuration | display set`` out."""

from __future__ import annotations

from egress.lab.junos.config import (
    ConfigSyntaxError,
    LoadIssue,
    Node,
    RejectFn,
    Seg,
    Word,
    graft,
    inline_leaves,
    quote,
    split_words,
    tokenize,
)


def _line_words(line: str) -> list[Word]:
    words: list[Word] = []
    for token in tokenize(line):
        if token.kind == "word" or token.kind == "tag":
            words.append(token.text)
        elif token.kind == "list":
            words.append(list(token.items))
        else:
            raise ConfigSyntaxError(
                LoadIssue("error", "syntax error", bad_element=token.text, line=line.strip())
            )
    return words


def apply_set(target: Node, text: str, *, reject: RejectFn | None = None) -> list[LoadIssue]:
    """Apply ``set``/``delete`` lines to ``target`` in place, as ``load set`` does.

    Junos keeps going after a bad line, so the good lines before and after it stay applied.
    ``edit``/``top``/``up`` move the current level like the CLI does.
    """
    issues: list[LoadIssue] = []
    level: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if reject is not None and reject(line):
            issues.append(LoadIssue("error", "syntax error", tuple(level), line.split()[-1], line))
            continue
        try:
            words = _line_words(line)
        except ConfigSyntaxError as err:
            issues.append(err.issue)
            continue
        verb, args = str(words[0]), words[1:]
        try:
            if verb == "set" and args:
                graft_at(target, level, args)
            elif verb == "delete":
                issue = delete_at(target, level, args, line=line)
                if issue is not None:
                    issues.append(issue)
            elif verb == "edit":
                level = level + Seg.path(split_words(args, tuple(level), more=True))
            elif verb == "top":
                level = []
            elif verb in ("up", "exit"):
                level = level[:-1]
            else:
                issues.append(LoadIssue("error", "syntax error", tuple(level), verb, line))
        except ConfigSyntaxError as err:
            issue = err.issue
            issues.append(LoadIssue("error", issue.message, tuple(level), issue.bad_element, line))
    return issues


def _container_at(target: Node, level: list[str]) -> Node:
    node = target
    for key in level:
        child = node.children.get(key)
        if child is None:
            child = node.add_child(Node(key=key, keyword=key.split()[0]), top_level=node is target)
        node = child
    return node


def graft_at(target: Node, level: list[str], args: list[Word]) -> Node:
    base = _container_at(target, level)
    segs = split_words(args, tuple(level), more=False)
    return graft(base, segs, top=not level)


def delete_at(target: Node, level: list[str], args: list[Word], *, line: str) -> LoadIssue | None:
    """``delete …``: remove a statement, or one value of a multi-value leaf."""
    base = target.find(level)
    if base is None:
        return LoadIssue("warning", "statement not found", tuple(level), None, line)
    if not args:
        base.children.clear()
        return None
    segs = split_words(args, tuple(level), more=False)
    parent = base.find(Seg.path(segs[:-1]))
    last = segs[-1]
    node = parent.children.get(last.key) if parent is not None else None
    if parent is None or node is None:
        return LoadIssue("warning", "statement not found", tuple(level), None, line)
    if last.values is not None and node.values is not None and len(node.values) > 1:
        remaining = [v for v in node.values if v not in last.values]
        if len(remaining) == len(node.values):
            return LoadIssue("warning", "statement not found", tuple(level), None, line)
        if remaining:
            node.values = remaining
            return None
    del parent.children[last.key]
    return None


def render_set(root: Node) -> str:
    """``show configuration | display set``: one line per leaf, flag and empty container."""
    lines: list[str] = []
    _render(root, [], lines)
    return "".join(line + "\n" for line in lines)


def _render(node: Node, path: list[str], lines: list[str]) -> None:
    for child in node.children.values():
        here = path + [child.key]
        leaves = inline_leaves(child)
        if leaves is not None:
            lines.append("set " + " ".join(here + [leaves]))
            continue
        if child.values is not None:
            for value in child.values:
                lines.append("set " + " ".join(path + [child.key, quote(value)]))
        elif not child.children:
            lines.append("set " + " ".join(here))
        _render(child, here, lines)
