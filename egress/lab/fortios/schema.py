"""Which FortiOS config paths exist, which fields they take, how ``show`` prints them.

Data, not code: a path the lab does not know is rejected like an unknown path on a real
FortiGate (``command parse error``). Paths egress configures are *strict* (a misspelt field
is rejected, as the device would); the others are *loose* (any field, any nested block) so a
realistic config can be loaded without modelling all of FortiOS. Extend the tables here when
a template needs a field. Defaults matter: ``show`` hides a value equal to its default and
``show full-configuration``/``get`` print it, exactly the asymmetry a FortiOS diff must handle.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

_ENABLE = frozenset({"enable", "disable"})


@dataclass(frozen=True)
class PathSchema:
    """One ``config`` path (top level or nested inside an entry)."""

    table: bool = False
    int_key: bool = False  # numeric `edit` keys; `edit 0` takes the next free id
    fields: frozenset[str] | None = None  # None = loose: any field accepted
    strings: frozenset[str] = frozenset()  # values `show` prints in double quotes
    enums: Mapping[str, frozenset[str]] = field(default_factory=dict)
    ranges: Mapping[str, tuple[int, int]] = field(default_factory=dict)  # integer fields
    defaults: Mapping[str, str] = field(default_factory=dict)
    prefix_fields: frozenset[str] = frozenset()  # `a.b.c.d/len` is stored as `addr mask`
    created_with: Mapping[str, str] = field(default_factory=dict)  # set on a new entry
    children: Mapping[str, PathSchema] | None = None  # None = loose: any nested block
    # The order FortiOS prints an entry's fields in, whatever order they were set in (its
    # `show full-configuration` order); empty: the order they were set in.
    order: tuple[str, ...] = ()

    def allows_field(self, name: str) -> bool:
        return self.fields is None or name in self.fields or name in self.defaults

    def child(self, name: str) -> PathSchema | None:
        if self.children is None:
            return LOOSE
        return self.children.get(name)

    def allowed_values(self, name: str) -> frozenset[str] | None:
        return self.enums.get(name)


LOOSE = PathSchema()
LOOSE_TABLE = PathSchema(table=True)
LOOSE_INT_TABLE = PathSchema(table=True, int_key=True)


def _fs(text: str) -> frozenset[str]:
    return frozenset(text.split())


_VRRP = PathSchema(
    table=True,
    int_key=True,
    fields=_fs(
        "version vrgrp vrip priority adv-interval start-time preempt accept-mode vrdst "
        "vrdst-priority ignore-default-route status"
    ),
    enums={
        "version": frozenset({"2", "3"}),
        "preempt": _ENABLE,
        "accept-mode": _ENABLE,
        "ignore-default-route": _ENABLE,
        "status": _ENABLE,
    },
    defaults={
        "version": "2",
        "vrgrp": "0",
        "vrip": "0.0.0.0",
        "priority": "100",
        "adv-interval": "1",
        "start-time": "3",
        "preempt": "enable",
        "accept-mode": "disable",
        "vrdst-priority": "0",
        "ignore-default-route": "disable",
        "status": "enable",
    },
    children={"proxy-arp": LOOSE_INT_TABLE},
)

_INTERFACE = PathSchema(
    table=True,
    fields=_fs(
        "vdom mode ip allowaccess type alias description role status interface vlanid "
        "snmp-index mtu-override mtu defaultgw distance priority dhcp-relay-service "
        "dhcp-relay-ip secondary-IP vrrp-virtual-mac speed device-identification "
        "estimated-upstream-bandwidth estimated-downstream-bandwidth monitor-bandwidth "
        "fail-detect fail-detect-option fail-alert-method fail-alert-interfaces "
        "lldp-transmission lldp-reception management-ip dedicated-to src-check "
        "netbios-forward explicit-web-proxy explicit-ftp-proxy wccp drop-fragment "
        "drop-overlapped-fragment tcp-mss inbandwidth outbandwidth member lacp-mode "
        "macaddr bfd bfd-desired-min-tx bfd-detect-mult bfd-required-min-rx "
        "ips-sniffer-mode forward-domain icmp-send-redirect icmp-accept-redirect "
        "ring-rx ring-tx auto-auth-extension-device ap-discover dns-server-override "
        "preserve-session-route weight vrf ipmac broadcast-forward l2forward "
        "stpforward switch-controller-feature"
    ),
    strings=_fs("vdom alias description interface member fail-alert-interfaces"),
    enums={
        "mode": frozenset({"static", "dhcp", "pppoe"}),
        "status": frozenset({"up", "down"}),
        "type": _fs(
            "physical vlan aggregate redundant tunnel vdom-link loopback switch hard-switch "
            "vap-switch wl-mesh fext-wan vxlan geneve hdlc switch-vlan emac-vlan"
        ),
        "role": _fs("lan wan dmz undefined"),
        "vrrp-virtual-mac": _ENABLE,
        "mtu-override": _ENABLE,
        "defaultgw": _ENABLE,
        "secondary-IP": _ENABLE,
        "fail-detect": _ENABLE,
        "bfd": frozenset({"global", "enable", "disable"}),
        "dedicated-to": frozenset({"none", "management"}),
    },
    defaults={
        "mode": "static",
        "ip": "0.0.0.0 0.0.0.0",
        "status": "up",
        "mtu-override": "disable",
        "vrrp-virtual-mac": "disable",
        "secondary-IP": "disable",
        "bfd": "global",
        "distance": "5",
        "priority": "1",
    },
    prefix_fields=_fs("ip management-ip"),
    # Without VDOMs every interface belongs to root; FortiOS fills it in on creation.
    created_with={"vdom": "root"},
    children={
        "vrrp": _VRRP,
        "ipv6": LOOSE,
        "secondaryip": PathSchema(
            table=True,
            int_key=True,
            fields=_fs("ip allowaccess detectserver gwdetect ha-priority ping-serv-status"),
            prefix_fields=_fs("ip"),
        ),
        "tagging": LOOSE_TABLE,
    },
)

_STATIC_FIELDS = (
    "status dst src gateway distance weight priority device comment blackhole "
    "dynamic-gateway sdwan-zone dstaddr internet-service internet-service-custom "
    "link-monitor-exempt vrf bfd tag"
)
_STATIC = PathSchema(
    table=True,
    int_key=True,
    fields=_fs(_STATIC_FIELDS),
    # FortiOS 7.2 `show full-configuration router static` field order
    order=tuple(_STATIC_FIELDS.split()),
    strings=_fs("device comment dstaddr sdwan-zone"),
    enums={
        "status": _ENABLE,
        "blackhole": _ENABLE,
        "dynamic-gateway": _ENABLE,
        "link-monitor-exempt": _ENABLE,
        "bfd": _ENABLE,
    },
    defaults={
        "status": "enable",
        "dst": "0.0.0.0 0.0.0.0",
        "gateway": "0.0.0.0",
        "distance": "10",
        "weight": "0",
        "priority": "1",
        "blackhole": "disable",
        "bfd": "disable",
    },
    prefix_fields=_fs("dst src"),
)

_POLICY_FIELDS = (
    "input-device input-device-negate src srcaddr src-negate dst dstaddr dst-negate "
    "action protocol start-port end-port start-source-port end-source-port gateway "
    "output-device tos tos-mask status comments internet-service-id "
    "internet-service-custom users groups"
)
_POLICY_ROUTE = PathSchema(
    table=True,
    int_key=True,
    fields=_fs(_POLICY_FIELDS),
    # FortiOS 7.2 `show full-configuration router policy` field order
    order=tuple(_POLICY_FIELDS.split()),
    # 7.x: `src`/`dst` are lists of "addr/mask" strings, e.g. set src "10.0.0.0/255.0.0.0".
    strings=_fs("input-device src dst srcaddr dstaddr output-device comments users groups"),
    enums={
        "action": frozenset({"deny", "permit"}),
        "status": _ENABLE,
        "input-device-negate": _ENABLE,
        "src-negate": _ENABLE,
        "dst-negate": _ENABLE,
    },
    defaults={
        "action": "permit",
        "protocol": "0",
        "gateway": "0.0.0.0",
        "tos": "0x00",
        "tos-mask": "0x00",
        "status": "enable",
    },
)

_LINK_MONITOR = PathSchema(
    table=True,
    fields=_fs(
        "addr-mode srcintf server-config server-type server protocol port gateway-ip "
        "gateway-ip6 route source-ip source-ip6 http-get http-agent http-match interval "
        "probe-timeout failtime recoverytime probe-count security-mode password "
        "packet-size ha-priority fail-weight update-cascade-interface update-static-route "
        "update-policy-route status diffservcode class-id service-detection"
    ),
    strings=_fs("srcintf server route http-get http-agent http-match"),
    enums={
        "addr-mode": frozenset({"ipv4", "ipv6"}),
        "protocol": _fs("ping tcp-echo udp-echo http https twamp"),
        "update-cascade-interface": _ENABLE,
        "update-static-route": _ENABLE,
        "update-policy-route": _ENABLE,
        "status": _ENABLE,
        "server-config": frozenset({"default", "individual"}),
    },
    defaults={
        "addr-mode": "ipv4",
        "server-config": "default",
        "protocol": "ping",
        "gateway-ip": "0.0.0.0",
        "source-ip": "0.0.0.0",
        "interval": "500",
        "probe-timeout": "500",
        "failtime": "5",
        "recoverytime": "5",
        "probe-count": "30",
        "packet-size": "64",
        "ha-priority": "1",
        "update-cascade-interface": "enable",
        "update-static-route": "enable",
        "update-policy-route": "enable",
        "status": "enable",
    },
    children={"server-list": LOOSE_INT_TABLE},
)

_HA = PathSchema(
    strings=_fs("group-name hbdev monitor session-sync-dev"),
    enums={
        "mode": frozenset({"standalone", "a-a", "a-p"}),
        "session-pickup": _ENABLE,
        "session-pickup-connectionless": _ENABLE,
        "override": _ENABLE,
        "ha-mgmt-status": _ENABLE,
    },
    defaults={
        "group-id": "0",
        "group-name": "",
        "mode": "standalone",
        "priority": "128",
        "override": "disable",
        "session-pickup": "disable",
    },
    children={"ha-mgmt-interfaces": LOOSE_INT_TABLE, "secondary-vcluster": LOOSE},
)

_STANDALONE_CLUSTER = PathSchema(
    fields=_fs(
        "standalone-group-id group-member-id layer2-connection session-sync-dev "
        "encryption psksecret asymmetric-traffic-control"
    ),
    strings=_fs("session-sync-dev"),
    enums={"layer2-connection": frozenset({"available", "unavailable"}), "encryption": _ENABLE},
    defaults={
        "standalone-group-id": "0",
        "group-member-id": "0",
        "layer2-connection": "unavailable",
        "encryption": "disable",
    },
    children={
        "cluster-peer": PathSchema(
            table=True,
            int_key=True,
            fields=_fs(
                "peervd ipsec-tunnel-sync peerip syncvd down-intfs-before-sess-sync "
                "hb-interval hb-lost-threshold secondary-add-ipsec-routes"
            ),
            strings=_fs("peervd syncvd down-intfs-before-sess-sync"),
            defaults={"peervd": "root", "peerip": "0.0.0.0"},
            children={"session-sync-filter": LOOSE},
        )
    },
)

_CONSOLE = PathSchema(
    fields=_fs("output login fortiexplorer"),
    enums={
        "output": frozenset({"standard", "more"}),
        "login": _ENABLE,
        "fortiexplorer": _ENABLE,
    },
    defaults={"output": "more", "login": "enable", "fortiexplorer": "enable"},
)

_SETTINGS = PathSchema(
    strings=_fs("comments"),
    enums={
        "v4-ecmp-mode": frozenset(
            {"source-ip-based", "weight-based", "usage-based", "source-dest-ip-based"}
        ),
        "bfd": _ENABLE,
        "bfd-dont-enforce-src-port": _ENABLE,
        "opmode": frozenset({"nat", "transparent"}),
    },
    defaults={
        "opmode": "nat",
        "v4-ecmp-mode": "source-ip-based",
        "bfd": "disable",
        "bfd-desired-min-tx": "250",
        "bfd-required-min-rx": "250",
        "bfd-detect-mult": "3",
        "bfd-dont-enforce-src-port": "disable",
    },
)

_GLOBAL = PathSchema(
    strings=_fs("hostname alias timezone admin-server-cert"),
    enums={"cfg-save": frozenset({"automatic", "manual", "revert"})},
    # FortiOS 7.2 CLI reference, config system global: "cfg-revert-timeout  Time-out for
    # reverting to the last saved configuration. (10 - 4294967295, default = 600)";
    # "admintimeout ... (1 - 480)"
    ranges={"cfg-revert-timeout": (10, 4294967295), "admintimeout": (1, 480)},
    defaults={
        "admintimeout": "5",
        "admin-sport": "443",
        "admin-ssh-port": "22",
        "cfg-save": "automatic",
        "cfg-revert-timeout": "600",
    },
)

SCHEMA: Mapping[str, PathSchema] = {
    "system global": _GLOBAL,
    "system accprofile": LOOSE_TABLE,
    "system interface": _INTERFACE,
    "system admin": PathSchema(table=True, strings=_fs("accprofile vdom"), children=None),
    "system ha": _HA,
    "system ha-monitor": LOOSE,
    "system standalone-cluster": _STANDALONE_CLUSTER,
    "system link-monitor": _LINK_MONITOR,
    "system settings": _SETTINGS,
    "system console": _CONSOLE,
    "system dns": PathSchema(strings=_fs("domain"), children=None),
    "system ntp": LOOSE,
    "system zone": LOOSE_TABLE,
    "system sdwan": LOOSE,
    "system snmp sysinfo": LOOSE,
    "system central-management": LOOSE,
    "system virtual-wire-pair": LOOSE_TABLE,
    "firewall address": PathSchema(table=True, strings=_fs("comment associated-interface")),
    "firewall addrgrp": PathSchema(table=True, strings=_fs("member comment")),
    "firewall service custom": LOOSE_TABLE,
    "firewall vip": LOOSE_TABLE,
    "firewall policy": PathSchema(
        table=True,
        int_key=True,
        strings=_fs("name srcintf dstintf srcaddr dstaddr service schedule comments groups"),
    ),
    "router static": _STATIC,
    "router static6": LOOSE_INT_TABLE,
    "router policy": _POLICY_ROUTE,
    "router bfd": LOOSE,
    "router bgp": LOOSE,
    "router ospf": LOOSE,
    "router access-list": LOOSE_TABLE,
    "router prefix-list": LOOSE_TABLE,
    "router route-map": LOOSE_TABLE,
    "vpn ipsec phase1-interface": LOOSE_TABLE,
    "vpn ipsec phase2-interface": LOOSE_TABLE,
    "log setting": LOOSE,
}

# Sections a factory-fresh FortiGate prints in `show` even when empty (the lab's base config).
FACTORY_SECTIONS = frozenset(
    {
        "system global",
        "system accprofile",
        "system interface",
        "system admin",
        "system ha",
        "system dns",
        "system console",
        "system settings",
        "firewall policy",
        "router static",
        "router policy",
    }
)

# `hbdev "port3" 50 "port4" 50`: names are strings, the weights after them are not.
_NUMBERS_STAY_BARE = frozenset({"hbdev"})


def lookup(words: list[str]) -> tuple[str, PathSchema] | tuple[None, int]:
    """Resolve ``config`` words to a known path; on failure, the index of the bad word.

    Words may be abbreviated as on the device (``conf sys int``) when unambiguous.
    """
    resolved: list[str] = []
    for index, word in enumerate(words):
        prefix = " ".join(resolved)
        options = sorted(
            {
                path.split()[index]
                for path in SCHEMA
                if len(path.split()) > index and (not prefix or path.startswith(prefix + " "))
            }
        )
        match = resolve_word(word, options)
        if match is None:
            return None, index
        resolved.append(match)
    path = " ".join(resolved)
    if path in SCHEMA:
        return path, SCHEMA[path]
    return None, len(words)


def resolve_word(word: str, options: Collection[str]) -> str | None:
    """FortiOS accepts an unambiguous prefix of any keyword."""
    if word in options:
        return word
    hits = [option for option in options if option.startswith(word)]
    return hits[0] if len(hits) == 1 else None


def quote_field(schema: PathSchema, name: str, token_text: str) -> bool:
    """Whether ``show`` prints this token of field ``name`` in quotes."""
    if name not in schema.strings:
        return False
    return not (name in _NUMBERS_STAY_BARE and token_text.isdigit())
