"""The drill's topology: one network namespace per box, cabled as the site is.

    host --- lan(bridge) --- r1 --- isp1(bridge, FRR) --- net (probe targets, sink)
                         \\--- r2 --- isp2 ... /       (r1 and r2 each reach every ISP)
                     r1 === r2 (HA link)

``r1``/``r2`` are the pair (egress configures them); everything else is the world around
them, built here and configured by the drill, never by egress: the ISP routers run FRR with
eBGP + BFD to both members (default-originate), the internet server holds every probe target,
an HTTP ``/health`` and the TCP ports the probes open, a UDP sink and a TCP echo service.
Addresses outside the design come from 198.18.0.0/15 (RFC 2544, benchmarking) and stay
inside the namespaces.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from ipaddress import IPv4Network
from pathlib import Path

from egress.drill import netns
from egress.drill.site import DrillSite
from egress.model.intent import DeviceIntent

FRR_BIN = Path("/usr/lib/frr")
ROUTER_DAEMONS = ("zebra", "staticd", "bfdd", "bgpd", "pbrd")
ISP_DAEMONS = ("zebra", "bfdd", "bgpd")
SINK = "198.18.0.1"
UDP_PORT = 9000
TCP_ECHO_PORT = 5001
ISP_AS_BASE = 65100
HOST_ADDRESSES = 8


@dataclass(frozen=True, slots=True)
class Isp:
    link: str
    ns: str
    gateway: str
    prefix: IPv4Network
    transit_isp: str  # the ISP's address towards the internet server
    transit_net: str  # the server's address towards this ISP
    asn: int
    members: dict[str, str]  # member host -> its address on this link
    pool: str | None


@dataclass
class World:
    site: DrillSite
    root: Path
    ns: dict[str, str]  # node -> namespace
    host_address: str  # the LAN host's first address (ECMP and PBR streams, TCP)
    isps: list[Isp]
    routers: dict[str, str] = field(default_factory=dict)  # member host -> node (r1/r2)
    # every address of the LAN host: a failover stream comes from all of them, as a LAN's
    # many hosts do, so source-based hashing spreads it over the links too
    host_addresses: tuple[str, ...] = ()
    processes: list[object] = field(default_factory=list)

    def router_ns(self, host: str) -> str:
        return self.ns[self.routers[host]]

    def router_dir(self, host: str) -> Path:
        return self.root / self.routers[host]

    def vty(self, host: str) -> Path:
        return self.router_dir(host) / "frr"

    def isp(self, link: str) -> Isp:
        return next(i for i in self.isps if i.link == link)


def plan(site: DrillSite) -> World:
    name = site.name
    primary, secondary = site.primary, site.secondary
    nodes = ["host", "lan", "r1", "r2", "net", *(u.link for u in primary.uplinks)]
    lan = IPv4Network(site.effective.lan.prefix)
    used = {str(site.effective.lan.vip), *(_lan_address(i) for i in (primary, secondary))}
    free = [str(a) for a in reversed(list(lan.hosts())) if str(a) not in used]
    host_addresses = tuple(free[:HOST_ADDRESSES])
    pools = {p.link: p.prefix for p in primary.nat.pools} if primary.nat else {}
    isps = []
    for index, (up1, up2) in enumerate(zip(primary.uplinks, secondary.uplinks, strict=True), 1):
        link = next(li for li in site.effective.links if li.name == up1.link)
        isps.append(
            Isp(
                link=up1.link,
                ns=netns.ns_name(name, up1.link),
                gateway=up1.gateway,
                prefix=link.prefix,
                transit_isp=f"198.18.{index}.1",
                transit_net=f"198.18.{index}.2",
                asn=ISP_AS_BASE + index,
                members={primary.host: str(up1.address), secondary.host: str(up2.address)},
                pool=pools.get(up1.link),
            )
        )
    return World(
        site=site,
        root=netns.run_dir(name),
        ns={n: netns.ns_name(name, n) for n in nodes},
        host_address=host_addresses[0],
        host_addresses=host_addresses,
        isps=isps,
        routers={primary.host: "r1", secondary.host: "r2"},
    )


def _lan_address(intent: DeviceIntent) -> str:
    return next(str(i.address) for i in intent.interfaces if i.role == "lan")


@contextlib.contextmanager
def readable_by_daemons() -> Iterator[None]:
    """umask 022 while the world lives: egress runs with umask 077 (egress.change.private), but
    FRR's daemons drop to the ``frr`` user before they read their config and create their
    pid files, so the world's directories must be traversable and its configs readable by
    others (FRR-FACTS.md; zebra: "Can't create pid lock file ... Permission denied").
    The world holds lab configs only; change records set their own 0700/0600 modes."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def build(world: World) -> None:
    """Namespaces, cables, the world's addresses and routes, its FRR and services."""
    world.root.mkdir(parents=True, exist_ok=False)
    for ns in world.ns.values():
        netns.run(["ip", "netns", "add", ns])
        netns.run(["ip", "link", "set", "lo", "up"], ns=ns)
    lan_len = world.site.effective.lan.prefix.prefixlen
    for node in ("lan", *(i.link for i in world.isps)):
        netns.ip_batch(["link add br0 type bridge", "link set br0 up"], ns=world.ns[node])
    _cable(world, "host", "eth0", "lan", "p-host", bridge=True)
    for router in ("r1", "r2"):
        _cable(world, router, "lan", "lan", f"p-{router}", bridge=True)
        for isp in world.isps:
            _cable(world, router, isp.link, isp.link, f"p-{router}", bridge=True)
    if world.site.primary.ha_sync is not None:
        _cable(world, "r1", "ha", "r2", "ha", bridge=False)
    for isp in world.isps:
        _cable(world, isp.link, "srv", "net", isp.link, bridge=False)
    vip = world.site.effective.lan.vip
    netns.ip_batch(
        [
            *(f"addr add {a}/{lan_len} dev eth0" for a in world.host_addresses),
            f"route add default via {vip}",
        ],
        ns=world.ns["host"],
    )
    targets = sorted({p.target for p in world.site.primary.probes} | {SINK})
    net_cmds = [f"addr add {t}/32 dev lo" for t in targets]
    for isp in world.isps:
        net_cmds.append(f"addr add {isp.transit_net}/30 dev {isp.link}")
        net_cmds.append(f"route add {isp.prefix} via {isp.transit_isp}")
        if isp.pool:
            net_cmds.append(f"route add {isp.pool} via {isp.transit_isp}")
        netns.ip_batch(
            [
                f"addr add {isp.gateway}/{isp.prefix.prefixlen} dev br0",
                f"addr add {isp.transit_isp}/30 dev srv",
                *(f"route add {t}/32 via {isp.transit_net}" for t in targets),
            ],
            ns=isp.ns,
        )
        netns.run(["sysctl", "-qw", "net.ipv4.ip_forward=1"], ns=isp.ns)
    netns.ip_batch(net_cmds, ns=world.ns["net"])
    for router in ("r1", "r2"):
        (world.root / router / "frr").mkdir(parents=True)
        (world.root / router / "probe").mkdir()
    _start_services(world)


def _cable(world: World, a: str, a_if: str, b: str, b_if: str, *, bridge: bool) -> None:
    tmp_a, tmp_b = netns.veth_names()
    netns.ip_batch(
        [
            f"link add {tmp_a} type veth peer name {tmp_b}",
            f"link set {tmp_a} netns {world.ns[a]}",
            f"link set {tmp_b} netns {world.ns[b]}",
        ]
    )
    netns.ip_batch([f"link set {tmp_a} name {a_if}", f"link set {a_if} up"], ns=world.ns[a])
    tail = [f"link set {b_if} master br0"] if bridge else []
    netns.ip_batch([f"link set {tmp_b} name {b_if}", *tail, f"link set {b_if} up"], ns=world.ns[b])


def start_frr(world: World, node: str, directory: Path, daemons: tuple[str, ...]) -> None:
    """One FRR daemon set for one namespace, sockets in ``directory`` (FRR-FACTS.md: the
    default bfdd control socket is shared by every instance, so it is moved too)."""
    netns.run(["chown", "-R", "frr:frr", str(directory)])
    (directory / "vtysh.conf").write_text("service integrated-vtysh-config\n")
    zebra_conf = directory / "zebra.conf"
    # FRR 8.4 + this kernel: zebra must start with classic multipath routes (FRR-FACTS.md)
    zebra_conf.write_text("no zebra nexthop kernel enable\n")
    for daemon in daemons:
        args = [
            str(FRR_BIN / daemon),
            "-d",
            "-u",
            "frr",
            "-g",
            "frr",
            "-z",
            f"{directory}/zserv.api",
            "--vty_socket",
            str(directory),
            "-i",
            f"{directory}/{daemon}.pid",
            "-f",
            str(zebra_conf) if daemon == "zebra" else "/dev/null",
            "--log",
            f"file:{directory}/{daemon}.log",
        ]
        if daemon == "bfdd":
            args += ["--bfdctl", f"{directory}/bfdd.sock"]
        netns.run(args, ns=world.ns[node])
        if daemon == "zebra":
            _wait_for(directory / "zserv.api")


def _wait_for(path: Path, timeout: float = 5.0) -> None:
    import time

    deadline = time.monotonic() + timeout
    while not path.exists():
        if time.monotonic() > deadline:
            raise netns.DrillError(f"{path} did not appear within {timeout:g} s")
        time.sleep(0.02)


def vtysh(directory: Path, *commands: str, ns: str, timeout: float = 10.0) -> str:
    args = ["vtysh", "--vty_socket", str(directory)]
    for command in commands:
        args += ["-c", command]
    return netns.run(args, ns=ns, timeout=timeout).stdout


def isp_config(world: World, isp: Isp) -> str:
    """The ISP's side, agreed with the design: eBGP with the same BFD timers, a default to
    each member, whatever they announce accepted."""
    bfd = world.site.effective.bfd
    lines = [
        "frr defaults traditional",
        "bfd",
        " profile egress",
        f"  detect-multiplier {bfd.multiplier}",
        f"  receive-interval {bfd.interval_ms}",
        f"  transmit-interval {bfd.interval_ms}",
        " exit",
        "exit",
        f"router bgp {isp.asn}",
        f" bgp router-id {isp.gateway}",
        " no bgp ebgp-requires-policy",
        " bgp bestpath as-path multipath-relax",
        " timers bgp 3 9",
    ]
    for address in isp.members.values():
        lines += [
            f" neighbor {address} remote-as external",
            # the member opens the session (no connection collisions to resolve)
            f" neighbor {address} passive",
            f" neighbor {address} update-source {isp.gateway}",
            f" neighbor {address} bfd profile egress",
            f" neighbor {address} timers connect 1",
            f" neighbor {address} advertisement-interval 0",
        ]
    lines += [" address-family ipv4 unicast", "  maximum-paths 2"]
    lines += [f"  neighbor {a} activate" for a in isp.members.values()]
    lines += [f"  neighbor {a} default-originate" for a in isp.members.values()]
    lines += [" exit-address-family", "exit", ""]
    return "\n".join(lines)


def _start_services(world: World) -> None:
    for isp in world.isps:
        directory = world.root / isp.link
        directory.mkdir()
        start_frr(world, isp.link, directory, ISP_DAEMONS)
        conf = directory / "isp.conf"
        conf.write_text(isp_config(world, isp))
        netns.run(["vtysh", "--vty_socket", str(directory), "-f", str(conf)], ns=isp.ns)
    probes = world.site.primary.probes
    args = [sys.executable, "-m", "egress.drill.traffic", "serve", "--sink", SINK]
    for probe in probes:
        if probe.type == "http":
            args += ["--http", f"{probe.target}:{probe.port}"]
        elif probe.type == "tcp":
            args += ["--tcp", f"{probe.target}:{probe.port}"]
    args += ["--records", str(world.root / "sink.bin"), "--max-runtime", "900"]
    world.processes.append(netns.spawn(args, ns=world.ns["net"], log=world.root / "net.log"))
