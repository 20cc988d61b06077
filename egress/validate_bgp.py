"""What each ISP must hear (issue 19): the checks of the BGP sessions and advertisements.

A BGP proof is per neighbor ("show ip bgp neighbors X advertised-routes" names one), so it
does not fit validate.COMMANDS' one command per feature: :func:`bgp_commands` gives the
command for each neighbor, :func:`bgp_checks` judges the `bgp_route` records parsed from
each. Expected: every prefix the intent announces to that neighbor, and no other; a member
named in ``withdrawn`` (its LAN is down, or the link's probe failed: a drill's failed member)
is expected to announce nothing to the neighbors named with it.

:func:`session_checks` judges the summary's `bgp_session` records and the BFD sessions of the
neighbors: each configured neighbor Established, its BFD session Up where the design runs
BFD; a neighbor behind a link a drill cut is expected down.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from egress.model.intent import DeviceIntent
from egress.parse.schema import BaseRecord, Bfd, BgpRoute, BgpSession
from egress.validate import Check

# The per-neighbor command, per platform; a platform not named is not checked (FRR: its
# eBGP is the drill's, checked there).
ADVERTISED: dict[str, str] = {
    "ios": "show ip bgp neighbors {neighbor} advertised-routes",
    "junos": "show route advertising-protocol bgp {neighbor}",
    "fortios": "get router info bgp neighbors {neighbor} advertised-routes",
}

# The session summary, per platform (one command for every neighbor).
SUMMARY: dict[str, str] = {
    "ios": "show ip bgp summary",
    "junos": "show bgp summary",
    "fortios": "get router info bgp summary",
}


# the feature name of these checks (``egress validate --features bgp``)
FEATURE = "bgp"


def bgp_unchecked(intent: DeviceIntent) -> str | None:
    """Why this device's BGP advertisements are not checked (None: they are, or it has no
    ``bgp:``), said by ``egress validate`` rather than passed over in silence."""
    if intent.bgp is None or intent.platform in ADVERTISED:
        return None
    return f"BGP not checked: no {intent.platform} advertised-routes parser"


def drill_withdrawn(
    intent: DeviceIntent, *, failover: frozenset[str], cut: frozenset[str]
) -> frozenset[str]:
    """The links whose announcements a drill expects this member to have withdrawn: the
    links cut (``HOST:LINK``: that ISP's session is down), or every link when the member
    handed over without a link named (``HOST``: its LAN went, the design withdraws all)."""
    if intent.bgp is None or intent.host not in failover:
        return frozenset()
    if cut:
        return cut
    return frozenset(n.link for n in intent.bgp.neighbors)


def bgp_commands(intent: DeviceIntent) -> dict[str, str]:
    """neighbor address -> the command printing what this device advertises to it."""
    template = ADVERTISED.get(intent.platform)
    if intent.bgp is None or template is None:
        return {}
    return {n.address: template.format(neighbor=n.address) for n in intent.bgp.neighbors}


def bgp_checks(
    intent: DeviceIntent,
    advertised: Mapping[str, Sequence[BaseRecord]],
    *,
    withdrawn: Mapping[str, frozenset[str]] | None = None,
    unparsed: Mapping[str, str] | None = None,
) -> list[Check]:
    """One check per (neighbor, prefix) the intent announces and one per prefix advertised
    that it does not. ``withdrawn``: host -> the links whose announcements that host must
    have withdrawn (every link when its LAN is down)."""
    if intent.bgp is None:
        return []
    gone = (withdrawn or {}).get(intent.host, frozenset())
    problems = unparsed or {}
    checks: list[Check] = []
    for neighbor in intent.bgp.neighbors:
        subject = f"bgp to {neighbor.address} ({neighbor.link})"
        if neighbor.address in problems:
            checks.append(
                Check(
                    intent.host,
                    "bgp",
                    subject,
                    "parsable output",
                    problems[neighbor.address],
                    False,
                )
            )
            continue
        seen = {r.prefix for r in advertised.get(neighbor.address, ()) if isinstance(r, BgpRoute)}
        wanted = set() if neighbor.link in gone else set(neighbor.prefixes)
        for prefix in sorted(wanted):
            checks.append(
                Check(
                    intent.host,
                    "bgp",
                    f"{subject} {prefix}",
                    "advertised",
                    "advertised" if prefix in seen else "not advertised",
                    prefix in seen,
                )
            )
        for prefix in sorted(seen - wanted):
            expected = "withdrawn" if prefix in neighbor.prefixes else "not advertised"
            checks.append(
                Check(intent.host, "bgp", f"{subject} {prefix}", expected, "advertised", False)
            )
        if neighbor.link in gone and not seen:
            checks.append(Check(intent.host, "bgp", subject, "nothing advertised", "nothing", True))
    return checks


def session_checks(
    intent: DeviceIntent,
    records: Sequence[BaseRecord],
    *,
    cut: frozenset[str] = frozenset(),
    unparsed: str | None = None,
) -> list[Check]:
    """One check per neighbor's session (Established) and, where the design runs BFD on
    the sessions, one per neighbor's BFD session (Up). ``records``: the summary's
    `bgp_session` and the BFD command's `bfd` records; ``cut``: this device's links a drill
    cut, whose neighbors are expected down."""
    if intent.bgp is None:
        return []
    if unparsed is not None:
        return [Check(intent.host, "bgp", "bgp sessions", "parsable output", unparsed, False)]
    sessions = {r.neighbor: r for r in records if isinstance(r, BgpSession)}
    bfd = {r.peer: r for r in records if isinstance(r, Bfd)}
    checks: list[Check] = []
    for neighbor in intent.bgp.neighbors:
        where = f"{neighbor.address} ({neighbor.link})"
        session = sessions.get(neighbor.address)
        state = session.state if session is not None else "not configured"
        if neighbor.link in cut:
            checks.append(
                Check(
                    intent.host,
                    "bgp",
                    f"bgp session {where}",
                    "not Established (link cut)",
                    state,
                    session is not None and state != "Established",
                )
            )
        else:
            checks.append(
                Check(
                    intent.host,
                    "bgp",
                    f"bgp session {where}",
                    "Established",
                    state,
                    state == "Established",
                )
            )
        if not intent.bgp.bfd:
            continue
        peer = bfd.get(neighbor.address)
        observed = peer.state if peer is not None else "no session"
        if neighbor.link in cut:
            checks.append(
                Check(
                    intent.host,
                    "bgp",
                    f"bgp bfd {where}",
                    "not Up (link cut)",
                    observed,
                    observed != "Up",
                )
            )
        else:
            checks.append(
                Check(intent.host, "bgp", f"bgp bfd {where}", "Up", observed, observed == "Up")
            )
    return checks
