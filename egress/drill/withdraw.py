"""When the ISP hears the withdraw (issue 19): the time from an uplink failure until the ISP
router drops the failed member's path to the site's announced prefix.

The ISP's zebra installs what bgpd learns into its kernel table, so ``ip -ts monitor route``
in the ISP's namespace timestamps the moment the route via the member is deleted (the
session fell with BFD, and bgpd removed the member's paths with it: RFC 4271 section 8.2.2,
a peer's routes go when its session goes), with no polling granularity.
"""

from __future__ import annotations

import time
from datetime import datetime

from egress.drill import netns
from egress.drill.world import Isp, World


class RouteWatch:
    """``ip -ts monitor route`` in one ISP's namespace for the whole scenario."""

    def __init__(self, world: World, isp: Isp, prefix: str, via: str) -> None:
        self.prefix, self.via = prefix, via
        self.log = world.root / f"monitor-route-{isp.link}.log"
        self.log.write_text("")
        self.process = netns.spawn(
            ["timeout", "300", "ip", "-ts", "monitor", "route"], ns=isp.ns, log=self.log
        )
        time.sleep(0.05)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(5)

    def withdrawn_after(self, after: float, before: float | None = None) -> float | None:
        """Milliseconds from ``after`` (wall clock) to the first deletion of the prefix via
        the member, before ``before``; None when it was not withdrawn."""
        for line in self.log.read_text().splitlines():
            if not line.startswith("[") or "Deleted" not in line:
                continue
            if f" {self.prefix} " not in line + " ":
                continue
            # a route over a kernel nexthop object may print no "via"; one that does names
            # the member (only the VRRP master announces on FRR: the prefix has one path)
            if " via " in line and f" via {self.via} " not in line + " ":
                continue
            stamp = datetime.fromisoformat(line[1 : line.index("]")]).timestamp()
            if stamp >= after and (before is None or stamp < before):
                return (stamp - after) * 1000
        return None
