"""The emulated Junos device (SRX/MX): NETCONF over SSH for the unmodified napalm driver."""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

import asyncssh
from lxml import etree

from egress.lab import brownfield
from egress.lab.base import LabDevice, management_address
from egress.lab.junos import cluster
from egress.lab.junos import config as cfg
from egress.lab.junos.commit import ConfigDB, Revision
from egress.lab.junos.facts import facts_from_config
from egress.lab.junos.netconf import NetconfSession
from egress.lab.junos.netstate import ClusterView, RpmTest
from egress.lab.junos.oper import OPER_HANDLERS
from egress.lab.junos.oper import command as oper_command
from egress.lab.junos.rpc import CONFIG_HANDLERS, JUNOS_NS, Handler, RpcContext
from egress.lab.junos.setfmt import apply_set
from egress.lab.junos.show import PhysicalInterface, interfaces_from_config
from egress.lab.world import DeviceFacts, OpState

HANDLERS: dict[str, Handler] = {**CONFIG_HANDLERS, **OPER_HANDLERS}
STATE_FILE = "junos-db.json"
CONFIG_FILE = "juniper.conf"


def base_config(
    *, hostname: str, username: str, ports: int, cluster_nodes: tuple[str, ...] = ()
) -> str:
    """The factory-ish configuration a freshly racked lab box starts from.

    A chassis-cluster member (``cluster_nodes``: the host names of node0, node1) starts as
    Juniper's cluster set-up leaves it: each node's host name in ``groups nodeN`` applied with
    ``apply-groups "${node}"``, and no top-level ``host-name`` — that one would override the
    group on both nodes of the shared configuration and name them alike.
    """
    data_ports = "".join(
        f"    ge-0/0/{index} {{\n        unit 0 {{\n            family inet;\n        }}\n    }}\n"
        for index in range(min(ports, 4))
    )
    # each node's own fxp0 address lives in its node group, as on a real cluster (the
    # shared configuration would give both nodes one address otherwise)
    node_groups = "".join(
        f"    node{index} {{\n        system {{\n            host-name {name};\n"
        "        }\n" + _fxp0(name, indent="        ") + "    }\n"
        for index, name in enumerate(cluster_nodes)
    )
    cluster_part = (
        f'groups {{\n{node_groups}}}\napply-groups "${{node}}";\n' if cluster_nodes else ""
    )
    return (
        cluster_part
        + "system {\n"
        + ("" if cluster_nodes else f"    host-name {hostname};\n")
        + "    root-authentication {\n"
        '        encrypted-password "$6$lab$0000000000000000000000000000000000000000";\n'
        "    }\n"
        "    login {\n"
        f"        user {username} {{\n"
        "            uid 2000;\n"
        "            class super-user;\n"
        "            authentication {\n"
        '                encrypted-password "$6$lab$1111111111111111111111111111111111111111";\n'
        "            }\n"
        "        }\n"
        "    }\n"
        "    services {\n"
        "        ssh;\n"
        "        netconf {\n"
        "            ssh;\n"
        "        }\n"
        "    }\n"
        "    syslog {\n"
        "        file messages {\n"
        "            any notice;\n"
        "        }\n"
        "    }\n"
        "}\n"
        "interfaces {\n"
        f"{data_ports}"
        + ("" if cluster_nodes else _fxp0(hostname, indent="    ", wrap=False))
        + "}\n"
    )


def _fxp0(name: str, *, indent: str, wrap: bool = True) -> str:
    """The management port of lab box ``name`` with its own address (management_address)."""
    address = management_address(name, network="192.168.1")
    body = (
        "fxp0 {\n    unit 0 {\n        family inet {\n"
        f"            address {address}/24;\n        }}\n    }}\n}}\n"
    )
    if wrap:
        body = (
            "interfaces {\n" + "".join("    " + line + "\n" for line in body.splitlines()) + "}\n"
        )
    return "".join(indent + line + "\n" for line in body.splitlines())


@dataclass
class JunosDevice(LabDevice):
    """A single-RE SRX/MX answering the napalm ``junos`` driver over NETCONF."""

    platform: ClassVar[str] = "junos"

    model: str = "srx1500"
    version: str = "21.4R3-S5.4"  # the default; os_release (the inventory's) overrides it
    ports: int = 8
    netconf_base11: bool = True  # False: advertise only base:1.0 (``]]>]]>`` framing)
    link_up: Callable[[str], bool] = field(default=lambda _name: True, repr=False)
    booted: float = field(default_factory=time.time)

    _db: ConfigDB | None = field(default=None, init=False, repr=False)
    _timer: asyncio.Task[None] | None = field(default=None, init=False, repr=False)
    _session_ids: itertools.count[int] = field(
        default_factory=lambda: itertools.count(4000), init=False, repr=False
    )

    def __post_init__(self) -> None:
        # the inventory's release (os_release) is the version this device reports
        if self.os_release:
            self.version = self.os_release

    # -- state ----------------------------------------------------------------------------
    @property
    def db(self) -> ConfigDB:
        if self._db is None:
            saved = self.load_text(STATE_FILE)
            if saved is not None:
                self._db = ConfigDB.from_json(saved)
            else:
                text = base_config(
                    hostname=self.name,
                    username=self.credentials.username,
                    ports=self.ports,
                    cluster_nodes=self.world.cluster_nodes(self.name) if self.world else (),
                )
                tree, _ = cfg.parse_text(text)
                if self.brownfield:
                    apply_set(tree, brownfield.JUNOS)
                self._db = ConfigDB.fresh(tree, user="root")
                self.persist()
        return self._db

    def persist(self) -> None:
        """Committed configuration and rollback history, so a restarted lab keeps them."""
        db = self.db
        self.save_text(STATE_FILE, db.to_json())
        self.save_text(CONFIG_FILE, cfg.render_text(db.committed()))

    @property
    def hostname(self) -> str:
        system = self.db.committed().children.get("system")
        node = system.children.get("host-name") if system is not None else None
        return node.values[0] if node is not None and node.values else self.name

    @property
    def serial(self) -> str:
        digest = hashlib.sha256(self.name.encode()).hexdigest()[:8].upper()
        return f"LAB{digest}"

    @property
    def handlers(self) -> dict[str, Handler]:
        return HANDLERS

    def committed_text(self) -> str:
        return cfg.render_text(self.db.committed())

    def candidate_text(self) -> str:
        return cfg.render_text(self.db.candidate)

    def cli(self, command: str) -> str:
        """What ``<command format="text">`` answers, without a session (for tests, tools)."""
        context = RpcContext(device=self, session_id=0, user="root")
        request = etree.Element("command", {"format": "text"})
        request.text = command
        elements = oper_command(context, request)
        if elements[0].tag in ("output", "configuration-information"):
            # PyEZ's cli() reads the text of the whole reply (output, then any banner)
            return "".join(text for element in elements for text in element.itertext())
        # napalm's cli() serialises the reply of a "| display xml" command
        reply = etree.Element("rpc-reply", nsmap={"junos": JUNOS_NS})
        reply.extend(elements)
        return etree.tostring(reply, encoding="unicode", pretty_print=True)

    def interfaces(self) -> list[PhysicalInterface]:
        hardware = [f"ge-0/0/{index}" for index in range(self.ports)] + ["fxp0", "lo0"]
        tree = self.db.committed()
        wired = cluster.link_state(tree, name=self.name, world=self.world)
        return interfaces_from_config(
            tree, hardware=hardware, link_up=lambda port: self.link_up(port) and wired(port)
        )

    # -- the network around it --------------------------------------------------------------
    def facts(self) -> DeviceFacts:
        """What the committed configuration says (the lab's simulator reads this)."""
        return facts_from_config(self.name, self.db.committed())

    def network_state(self) -> tuple[DeviceFacts, OpState]:
        """(facts, op state): the lab's view, or alone everything configured is up."""
        facts = self.facts()
        if self.world is not None:
            return facts, self.world.op_state(self.name)
        return facts, cluster.standalone_state(facts)

    def rpm_tests(self) -> list[RpmTest]:
        return cluster.rpm_tests(self.db.committed())

    def cluster_view(self) -> ClusterView | None:
        return cluster.view(self.db.committed(), name=self.name)

    def banner(self) -> str:
        """The CLI's node banner (``{primary:node0}``) on a chassis cluster member."""
        view = self.cluster_view()
        return "" if view is None else view.banner(self.network_state()[1])

    # -- chassis cluster: one configuration for both nodes -----------------------------------
    def export_cluster_config(self) -> str:
        return self.committed_text()

    def import_cluster_config(self, text: str) -> None:
        """Take the cluster's configuration as this node's own committed one (a real SRX
        cluster has a single configuration; the per-node parts live in ``groups nodeN``)."""
        tree, _ = cfg.parse_text(text)
        if tree.same_as(self.db.committed()):
            return
        self.db.candidate = tree
        self.db.commit(user="root", client="other", log="synchronized from the cluster peer")
        self.persist()

    # -- commits --------------------------------------------------------------------------
    def commit(
        self, *, user: str, confirm_minutes: int | None = None, log: str | None = None
    ) -> Revision:
        deadline = None
        if confirm_minutes is not None:
            deadline = time.time() + self.clock.seconds(confirm_minutes * 60)
        revision = self.db.commit(
            user=user, confirm_minutes=confirm_minutes, confirm_deadline=deadline, log=log
        )
        self.persist()
        self._arm_timer()
        self.committed_hook()
        return revision

    def committed_hook(self) -> None:
        """Tell the lab (cluster mirroring, simulation) the active configuration changed."""
        if self.world is not None:
            self.world.config_committed(self.name)

    def _arm_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        deadline = self.db.pending_deadline
        if deadline is None:
            return
        self._timer = asyncio.get_running_loop().create_task(self._expire_at(deadline))

    async def _expire_at(self, deadline: float) -> None:
        await asyncio.sleep(max(0.0, deadline - time.time()))
        if self.db.expire_if_due():
            self.persist()
            self.committed_hook()

    def catch_up_timers(self) -> None:
        # A deadline that passed while the lab was down (or the timer was late) is due now.
        if self.db.expire_if_due():
            self.persist()
            self.committed_hook()
        if self.db.pending_deadline is not None and (self._timer is None or self._timer.done()):
            self._arm_timer()

    def session_ended(self, session_id: int) -> None:
        self.db.session_ended(session_id)

    # -- serving --------------------------------------------------------------------------
    def server_options(self) -> dict[str, Any]:
        # serve_device calls this on the serving loop: a commit confirmed still pending from
        # before a restart gets its timer back as soon as the device listens again.
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            pass
        else:
            self.catch_up_timers()
        return {"process_factory": self._serve_process, "encoding": None}

    async def _serve_process(self, process: asyncssh.SSHServerProcess[bytes]) -> None:
        if process.subsystem != "netconf":
            process.stderr.write(b"error: the lab serves only the netconf subsystem\n")
            process.exit(1)
            return
        session = NetconfSession(self, process, next(self._session_ids))
        await session.run()
