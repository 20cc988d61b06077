"""RPC dispatch and the configuration RPCs (lock, load, get, compare, commit, rollback).

A handler takes the session context and the RPC element and returns the children of
``<rpc-reply>``; it raises :class:`RpcFailure` for an ``<rpc-error>`` reply. Replies follow
what Junos sends, because PyEZ reads them closely: a load answers
``<load-configuration-results>`` holding ``<ok/>`` or the errors, a commit answers
``<commit-results>`` *without* ``<ok/>`` (ncclient's Junos handler rewrites replies that
contain both ``routing-engine`` and ``<ok/>``).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lxml import etree

from egress.lab.junos import config as cfg
from egress.lab.junos.commit import DatabaseError
from egress.lab.junos.compare import compare
from egress.lab.junos.setfmt import apply_set, render_set
from egress.lab.junos.show import show_configuration
from egress.lab.junos.xmlconf import apply_filter, from_xml, local, to_xml

if TYPE_CHECKING:
    from egress.lab.junos.device import JunosDevice

JUNOS_NS = "http://xml.juniper.net/junos/21.4R0/junos"


@dataclass(frozen=True)
class RpcErrorInfo:
    message: str
    severity: str = "error"
    tag: str = "operation-failed"
    error_type: str = "protocol"
    bad_element: str | None = None
    path: str | None = None
    session_id: int | None = None


class RpcFailure(Exception):
    """The RPC fails: the reply is ``errors`` (plus any ``partial`` body Junos still sends)."""

    def __init__(self, *errors: RpcErrorInfo, wrapper: str | None = None) -> None:
        super().__init__(errors[0].message if errors else "rpc error")
        self.errors = errors
        self.wrapper = wrapper

    def body(self) -> list[etree._Element]:
        elements = [error_element(e) for e in self.errors]
        if self.wrapper is None:
            return elements
        outer = etree.Element(self.wrapper)
        outer.extend(elements)
        return [outer]


@dataclass
class RpcContext:
    device: JunosDevice
    session_id: int
    user: str


Handler = Callable[[RpcContext, etree._Element], list[etree._Element]]


def error_element(info: RpcErrorInfo) -> etree._Element:
    error = etree.Element("rpc-error")
    etree.SubElement(error, "error-type").text = info.error_type
    etree.SubElement(error, "error-tag").text = info.tag
    etree.SubElement(error, "error-severity").text = info.severity
    if info.path:
        etree.SubElement(error, "error-path").text = info.path
    etree.SubElement(error, "error-message").text = info.message
    if info.bad_element or info.session_id is not None:
        error_info = etree.SubElement(error, "error-info")
        if info.bad_element:
            etree.SubElement(error_info, "bad-element").text = info.bad_element
        if info.session_id is not None:
            etree.SubElement(error_info, "session-id").text = str(info.session_id)
    return error


def ok() -> list[etree._Element]:
    return [etree.Element("ok")]


def text_element(tag: str, text: str, **attrs: str) -> etree._Element:
    element = etree.Element(tag, attrs)
    element.text = text
    return element


def junos_attr(name: str) -> str:
    return f"{{{JUNOS_NS}}}{name}"


def timestamp(seconds: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(seconds))


def _db_failure(err: DatabaseError) -> RpcFailure:
    session = err.session if err.tag == "lock-denied" and err.session else None
    return RpcFailure(RpcErrorInfo(message=err.message, tag=err.tag, session_id=session))


def _flag(rpc: etree._Element, name: str) -> bool:
    return rpc.get(name) is not None or rpc.find(name) is not None


def _value(rpc: etree._Element, name: str) -> str | None:
    if rpc.get(name) is not None:
        return rpc.get(name)
    child = rpc.find(name)
    return None if child is None else (child.text or "").strip()


# -- locking ------------------------------------------------------------------------------
def lock_configuration(ctx: RpcContext, rpc: etree._Element) -> list[etree._Element]:
    try:
        ctx.device.db.acquire(ctx.session_id, ctx.user)
    except DatabaseError as err:
        raise _db_failure(err) from err
    return ok()


def unlock_configuration(ctx: RpcContext, rpc: etree._Element) -> list[etree._Element]:
    try:
        ctx.device.db.release(ctx.session_id)
    except DatabaseError as err:
        raise _db_failure(err) from err
    return ok()


# -- load ---------------------------------------------------------------------------------
def _rejecter(ctx: RpcContext) -> cfg.RejectFn | None:
    pattern = ctx.device.faults.reject_pattern
    if not pattern:
        return None
    regex = re.compile(pattern)
    return lambda line: regex.search(line) is not None


def _issue_error(issue: cfg.LoadIssue) -> RpcErrorInfo:
    path = "[edit " + " ".join(issue.path) + "]" if issue.path else "[edit]"
    return RpcErrorInfo(
        message=issue.message,
        severity=issue.severity,
        bad_element=issue.bad_element or issue.line,
        path=path,
    )


def _load_results(issues: list[cfg.LoadIssue]) -> list[etree._Element]:
    results = etree.Element("load-configuration-results")
    for issue in issues:
        results.append(error_element(_issue_error(issue)))
    errors = sum(1 for issue in issues if issue.severity == "error")
    if errors:
        etree.SubElement(results, "load-error-count").text = str(errors)
    else:
        etree.SubElement(results, "ok")
    return [results]


def _drop_version(tree: cfg.Node) -> cfg.Node:
    # ``version`` belongs to the software, not to what an operator loads.
    tree.children.pop("version", None)
    return tree


def load_configuration(ctx: RpcContext, rpc: etree._Element) -> list[etree._Element]:
    db = ctx.device.db
    try:
        db.check_writable(ctx.session_id)
    except DatabaseError as err:
        raise _db_failure(err) from err
    rollback = rpc.get("rollback")
    if rollback is not None:
        try:
            db.candidate = db.rollback_config(int(rollback))
        except (DatabaseError, ValueError) as err:
            raise RpcFailure(RpcErrorInfo(message=str(err), tag="invalid-value")) from err
        return _load_results([])
    if rpc.get("url") is not None or rpc.get("rescue") is not None:
        raise RpcFailure(RpcErrorInfo(message="the lab loads configuration only inline"))
    action = rpc.get("action", "merge")
    fmt = rpc.get("format", "xml")
    reject = _rejecter(ctx)
    issues: list[cfg.LoadIssue] = []
    if action == "set" or rpc.find("configuration-set") is not None:
        text = rpc.findtext("configuration-set") or rpc.findtext("configuration-text") or ""
        work = db.candidate.clone()
        issues = apply_set(work, text, reject=reject)
        db.candidate = _drop_version(work)
        return _load_results(issues)
    if fmt == "text":
        source = rpc.find("configuration-text")
        if source is None:
            raise RpcFailure(
                RpcErrorInfo(message="missing configuration-text", tag="missing-element")
            )
        try:
            patch, issues = cfg.parse_text(source.text or "", reject=reject)
        except cfg.ConfigSyntaxError as err:
            return _load_results([err.issue])
    elif fmt == "xml":
        configuration = next(
            (c for c in rpc if isinstance(c.tag, str) and local(c.tag) == "configuration"), None
        )
        if configuration is None:
            raise RpcFailure(RpcErrorInfo(message="missing configuration", tag="missing-element"))
        patch = from_xml(configuration)
        if reject is not None:
            bad = [line for line in render_set(patch).splitlines() if reject(line)]
            if bad:
                # An XML document is parsed whole: one bad statement rejects the load.
                issue = cfg.LoadIssue("error", "syntax error", bad_element=bad[0].split()[-1])
                return _load_results([issue])
    else:
        raise RpcFailure(RpcErrorInfo(message=f"format {fmt} is not supported by the lab"))
    _drop_version(patch)
    if action in ("override", "update"):
        db.candidate = cfg.override(patch)
    else:
        work = db.candidate.clone()
        cfg.merge(work, patch, honor_replace=action == "replace")
        db.candidate = work
    return _load_results(issues)


def discard_changes(ctx: RpcContext, rpc: etree._Element) -> list[etree._Element]:
    try:
        ctx.device.db.check_writable(ctx.session_id)
    except DatabaseError as err:
        raise _db_failure(err) from err
    ctx.device.db.discard()
    return ok()


# -- get ----------------------------------------------------------------------------------
def get_configuration(ctx: RpcContext, rpc: etree._Element) -> list[etree._Element]:
    db = ctx.device.db
    fmt = rpc.get("format", "xml")
    if rpc.get("compare") == "rollback":
        try:
            base = db.rollback_config(int(rpc.get("rollback", "0")))
        except (DatabaseError, ValueError) as err:
            raise RpcFailure(RpcErrorInfo(message=str(err), tag="invalid-value")) from err
        info = etree.Element("configuration-information")
        etree.SubElement(info, "configuration-output").text = compare(base, db.candidate)
        return [info]
    committed = rpc.get("database") == "committed"
    tree = db.committed() if committed else db.candidate
    selector = next(
        (c for c in rpc if isinstance(c.tag, str) and local(c.tag) == "configuration"), None
    )
    if selector is not None and len(selector):
        tree = apply_filter(tree, selector)
    return [render_configuration(ctx.device, tree, fmt=fmt, committed=committed)]


def render_configuration(
    device: JunosDevice, tree: cfg.Node, *, fmt: str, committed: bool
) -> etree._Element:
    """The configuration element of a get-configuration reply, in ``fmt``."""
    head = device.db.history[0]
    if fmt == "text":
        if committed:
            body = show_configuration(tree, version=device.version, last_commit=head)
        else:
            changed = f"## Last changed: {timestamp(head.seconds)}\n"
            body = changed + show_configuration(tree, version=device.version)
        return text_element("configuration-text", body)
    if fmt == "set":
        return text_element("configuration-set", render_set(tree))
    if fmt == "xml":
        attrs = {
            junos_attr("commit-seconds"): str(head.seconds),
            junos_attr("commit-localtime"): timestamp(head.seconds),
            junos_attr("commit-user"): head.user,
        }
        element = to_xml(tree, attrs=attrs if committed else {})
        version = etree.Element("version")
        version.text = device.version
        element.insert(0, version)
        return element
    raise RpcFailure(RpcErrorInfo(message=f"format {fmt} is not supported by the lab"))


def get_config(ctx: RpcContext, rpc: etree._Element) -> list[etree._Element]:
    """Standard NETCONF ``<get-config>`` (``<source><running/>`` or ``<candidate/>``)."""
    source = rpc.find("source")
    running = source is not None and source.find("running") is not None
    tree = ctx.device.db.committed() if running else ctx.device.db.candidate
    data = etree.Element("data")
    data.append(render_configuration(ctx.device, tree, fmt="xml", committed=running))
    return [data]


# -- commit -------------------------------------------------------------------------------
def commit_configuration(ctx: RpcContext, rpc: etree._Element) -> list[etree._Element]:
    device = ctx.device
    db = device.db
    try:
        db.check_writable(ctx.session_id)
    except DatabaseError as err:
        raise _db_failure(err) from err
    results = etree.Element("commit-results")
    engine = etree.SubElement(results, "routing-engine", {junos_attr("style"): "normal"})
    etree.SubElement(engine, "name").text = "re0"
    if _flag(rpc, "check"):
        etree.SubElement(engine, "commit-check-success")
        return [results]
    minutes: int | None = None
    if _flag(rpc, "confirmed"):
        raw = _value(rpc, "confirm-timeout") or "10"
        try:
            minutes = int(raw)
        except ValueError:
            minutes = -1
        if not 1 <= minutes <= 65535:
            raise RpcFailure(RpcErrorInfo(message=f"invalid value: {raw}", tag="invalid-value"))
    old = db.history[0].revision_id
    revision = device.commit(user=ctx.user, confirm_minutes=minutes, log=_value(rpc, "log"))
    etree.SubElement(engine, "commit-success")
    info = etree.SubElement(engine, "commit-revision-information")
    etree.SubElement(info, "new-db-revision").text = revision.revision_id
    etree.SubElement(info, "old-db-revision").text = old
    return [results]


def get_commit_revision_information(ctx: RpcContext, rpc: etree._Element) -> list[etree._Element]:
    head = ctx.device.db.history[0]
    info = etree.Element("commit-revision-information")
    etree.SubElement(info, "revision").text = head.revision_id
    stamp = etree.SubElement(info, "date-time", {junos_attr("seconds"): str(head.seconds)})
    stamp.text = timestamp(head.seconds)
    etree.SubElement(info, "user").text = head.user
    etree.SubElement(info, "client").text = head.client
    if head.comment:
        etree.SubElement(info, "comment").text = head.comment
    return [info]


def get_commit_information(ctx: RpcContext, rpc: etree._Element) -> list[etree._Element]:
    info = etree.Element("commit-information")
    for number, revision in enumerate(ctx.device.db.history):
        entry = etree.SubElement(info, "commit-history")
        etree.SubElement(entry, "sequence-number").text = str(number)
        etree.SubElement(entry, "user").text = revision.user
        etree.SubElement(entry, "client").text = revision.client
        stamp = etree.SubElement(entry, "date-time", {junos_attr("seconds"): str(revision.seconds)})
        stamp.text = timestamp(revision.seconds)
        if revision.comment:
            etree.SubElement(entry, "log").text = revision.comment
    return [info]


def close_configuration(ctx: RpcContext, rpc: etree._Element) -> list[etree._Element]:
    return ok()


def open_configuration(ctx: RpcContext, rpc: etree._Element) -> list[etree._Element]:
    raise RpcFailure(
        RpcErrorInfo(message="the lab has one shared candidate: private/exclusive modes are absent")
    )


CONFIG_HANDLERS: dict[str, Handler] = {
    "lock-configuration": lock_configuration,
    "unlock-configuration": unlock_configuration,
    "lock": lock_configuration,
    "unlock": unlock_configuration,
    "load-configuration": load_configuration,
    "discard-changes": discard_changes,
    "get-configuration": get_configuration,
    "get-config": get_config,
    "commit-configuration": commit_configuration,
    "get-commit-revision-information": get_commit_revision_information,
    "get-commit-information": get_commit_information,
    "open-configuration": open_configuration,
    "close-configuration": close_configuration,
}


def dispatch(
    ctx: RpcContext, rpc: etree._Element, handlers: dict[str, Handler]
) -> list[etree._Element]:
    """Run the handler for ``rpc``; an unknown RPC gets Junos's ``syntax error`` reply."""
    name = local(rpc.tag)
    handler = handlers.get(name)
    if handler is None:
        raise RpcFailure(RpcErrorInfo(message="syntax error", bad_element=name))
    return handler(ctx, rpc)
