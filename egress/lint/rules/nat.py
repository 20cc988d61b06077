"""E905: a NAT pool announced by BGP whatever the member's LAN/VRRP state.

Found by `egress drill`: return traffic to a source-NAT pool follows BGP, not VRRP. A member
that lost its LAN (so its VRRP mastership) but still announces the pool keeps attracting the
replies of the sessions the new master translates, and drops them. The announcement must
follow the member's LAN/VRRP health (design `nat.announce: follows-vrrp`: on FRR the pool's
route is keepalived's `virtual_routes`, so BGP `network` announces it only on the master).
"""

from __future__ import annotations

from collections.abc import Iterable

from egress.lint.findings import Issue
from egress.lint.model import DeviceView
from egress.lint.registry import Scope, rule


@rule("E905", title="NAT pool announced by BGP regardless of LAN/VRRP health", scope=Scope.DEVICE)
def nat_announce_follows_vrrp(view: DeviceView) -> Iterable[Issue]:
    nat = view.intent.nat
    if nat is None or nat.follows_vrrp or not view.intent.vrrp:
        return
    pools = ", ".join(p.prefix for p in nat.pools)
    yield view.in_site(
        ("nat", "announce"),
        f"NAT pool(s) {pools} are announced by BGP whatever {view.host}'s LAN/VRRP state: "
        "return traffic follows BGP, so a member that lost its LAN still attracts the replies "
        "of sessions its peer now translates",
        "set `nat: {announce: follows-vrrp}` so the pool is announced only by the VRRP master",
    )
