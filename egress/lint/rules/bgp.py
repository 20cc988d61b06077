"""E95x: route injection (issue 19): what the ISPs hear must follow the pair's health.

Return traffic to a site's prefixes follows BGP, not VRRP: whichever member announces a
prefix receives its replies. So both members of a pair announce the same prefixes (else a
failover leaves the prefix with a member that no longer forwards, or unannounced); on an
active-standby pair the backup announces with its AS prepended (the ISPs prefer the
primary); and a NAT pool is withdrawn by a member whose LAN is down (its peer translates
those sessions now).
"""

from __future__ import annotations

from collections.abc import Iterable

from egress.lint.findings import Issue
from egress.lint.model import DeviceView, Pair
from egress.lint.registry import Scope, rule


@rule("E951", title="a prefix announced by only one member of the pair", scope=Scope.PAIR)
def both_members_announce(pair: Pair) -> Iterable[Issue]:
    ours, theirs = pair.primary.intent.bgp, pair.secondary.intent.bgp
    if ours is None or theirs is None:
        return
    mine = {p.prefix: p for p in ours.prefixes}
    peers = {p.prefix: p for p in theirs.prefixes}
    for prefix in sorted(mine.keys() ^ peers.keys()):
        item = mine.get(prefix) or peers[prefix]
        silent = pair.secondary if prefix in mine else pair.primary
        yield silent.in_site(
            ("bgp", "announce", item.index, "members"),
            f"{prefix} is announced by one member only; {silent.host} never announces it, so "
            "after a failover the ISPs still send its return traffic to the failed member",
            "let both members announce it (`members: [primary, secondary]`, the default)",
        )


@rule("E952", title="active-standby backup announces as strongly as the primary")
def backup_prepends(view: DeviceView) -> Iterable[Issue]:
    intent = view.intent
    bgp = intent.bgp
    cluster = intent.ha_sync is not None and intent.ha_sync.form == "cluster"
    if bgp is None or cluster or intent.mode != "active-standby" or intent.role == "primary":
        return
    if bgp.prefixes and bgp.prepend == 0:
        yield view.in_site(
            ("bgp", "standby"),
            f"{view.host} is the backup of an active-standby pair but announces "
            f"{', '.join(p.prefix for p in bgp.prefixes)} without prepends: the ISPs split the "
            "return traffic between the members while only the primary forwards",
            "set `standby: prepend` so the ISPs prefer the primary until it withdraws",
        )


@rule("E953", title="a NAT pool announced while the member's LAN is down")
def nat_pool_follows_lan(view: DeviceView) -> Iterable[Issue]:
    bgp = view.intent.bgp
    for prefix in bgp.prefixes if bgp else ():
        if prefix.nat and not prefix.lan:
            yield view.in_site(
                ("bgp", "announce", prefix.index, "when"),
                f"NAT pool {prefix.prefix} stays announced by {view.host} when its LAN is down: "
                "its peer now translates those sessions, so the replies reach a member that "
                "drops them",
                "keep `lan` in the announcement's `when` (the default: [lan, probe])",
            )
