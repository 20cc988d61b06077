"""What little of the Junos configuration schema the emulator needs, as data.

Junos knows from its schema how the words of ``set interfaces ge-0/0/0 unit 0 family inet
address 192.0.2.1/24`` group into statements (``unit 0`` is one list entry, ``host-name r1`` a
leaf and its value, ``services`` a container). The emulator has no schema, so these tables
say it for the statements egress renders; anything not named falls back to a rule that holds
for most of Junos: a keyword followed by exactly one word is a leaf with a value, a keyword
followed by more is a container, a lone keyword is a flag.
"""

from __future__ import annotations

# Keywords whose next word names a list entry: ``unit 0``, ``address 192.0.2.1/24``.
LIST_KEYWORDS: frozenset[str] = frozenset(
    {
        "unit",
        "family",
        "address",
        "route",
        "vrrp-group",
        "vrrp-inet6-group",
        "term",
        "policy-statement",
        "prefix-list",
        "probe",
        "test",
        "security-zone",
        "functional-zone",
        "group",
        "neighbor",
        "interface",
        "interface-range",
        "redundancy-group",
        "user",
        "class",
        "rule",
        "rule-set",
        "filter",
        "instance",
        "file",
        "host",
        "community",
        "application",
        "application-set",
        "address-set",
        "pool",
        "node",
        "area",
        "server",
        "policy",
        "session",
        "as-path",
        "route-filter",
        "qualified-next-hop",
        "vlan",
        # policy-options condition NAME { if-route-exists ADDRESS table T; } (Junos Routing
        # Policies guide, "Configuring Routing Policy Match Conditions Based on Routing Table
        # Entries"; egress's BGP announcement conditions, issue 19)
        "condition",
        "if-route-exists",
    }
)

# A list keyword that is a plain container in some places: ``family inet filter input X``
# under an interface, but ``firewall family inet filter NAME`` names a filter.
LIST_ONLY_UNDER: dict[str, frozenset[str]] = {
    "filter": frozenset({"firewall"}),
    "policy": frozenset({"policies", "ip-monitoring"}),
    "server": frozenset({"ntp", "radius-server", "tacplus-server", "syslog"}),
    "instance": frozenset({"routing-instances"}),
    "session": frozenset({"bfd"}),
    "host": frozenset({"syslog"}),
    "application": frozenset({"applications"}),
    "community": frozenset({"snmp"}),
}

# Keywords whose whole remaining line is the entry's identity:
# ``route-filter 10.0.0.0/8 orlonger;``.
REST_OF_LINE_KEYWORDS: frozenset[str] = frozenset({"route-filter", "prefix-list-filter"})

# Keywords that never take a value even when exactly one word follows:
# ``set system services ssh`` is the container ``services`` holding the flag ``ssh``.
CONTAINER_KEYWORDS: frozenset[str] = frozenset(
    {
        "system",
        "services",
        "netconf",
        "ssh",
        "web-management",
        "login",
        "root-authentication",
        "syslog",
        "ntp",
        "name-server",
        "chassis",
        "cluster",
        "security",
        "zones",
        "policies",
        "nat",
        "source",
        "destination",
        "static",
        "interfaces",
        "routing-options",
        "routing-instances",
        "forwarding-table",
        "protocols",
        "policy-options",
        "firewall",
        "snmp",
        "track",
        "bfd-liveness-detection",
        "rpm",
        "ip-monitoring",
        "then",
        "from",
        "to",
        "match",
        "host-inbound-traffic",
        "system-services",
        "fabric-options",
        "member-interfaces",
        "gigether-options",
        "ether-options",
        "redundant-ether-options",
        "hash-key",
        "layer-3",
        "layer-4",
        "forwarding-options",
        "enhanced-hash-key",
        "bfd",
        "bgp",
        "ospf",
        "lldp",
        "vrrp",
        "preferred-route",
        "authentication",
        "logical-systems",
        "applications",
        "address-book",
        "screen",
        "flow",
        "interface-monitor",
        "rib-groups",
        "interface-routes",
    }
)

# Containers whose children are bare names: ``interfaces { ge-0/0/0 { ... } }``.
# The value is the XML element of each entry: ``<interfaces><interface><name>…`` wraps them;
# where it is the container's own name the entries repeat it (``<groups><name>node0</name>``).
IDENTIFIER_CONTAINERS: dict[str, str] = {
    "interfaces": "interface",
    "routing-instances": "instance",
    "vlans": "vlan",
    "groups": "groups",
    "name-server": "name-server",
    "member-interfaces": "member-interfaces",
    "interface-monitor": "interface-monitor",
    "rib-groups": "rib-groups",
}


def is_flat_container(keyword: str) -> bool:
    """Whether the XML of this identifier container repeats itself per entry."""
    return IDENTIFIER_CONTAINERS.get(keyword) == keyword


# Words that are statements (not entry names) inside an identifier container.
IDENTIFIER_CONTAINER_KEYWORDS: frozenset[str] = frozenset(
    {"interface-range", "traceoptions", "apply-groups", "stacked-vlan-tagging"}
)

# Leaves that hold several values: ``next-hop [ 192.0.2.1 198.51.100.1 ];``.
LEAF_LISTS: frozenset[str] = frozenset(
    {
        "next-hop",
        "virtual-address",
        "members",
        "apply-groups",
        "export",
        "import",
        "import-rib",
        "source-address",
        "destination-address",
        "application",
    }
)

# List entries whose identity is an <address> element in XML rather than <name>:
# <if-route-exists><address>10.0.0.0/24</address><table>inet.0</table></if-route-exists>
# (Junos XML API, policy-options condition), as route-filter's is.
ENTRY_NAME_ELEMENT: dict[str, str] = {"if-route-exists": "address"}

# Keywords whose entry name is an enumerated child element in XML (``<family><inet/>``)
# rather than a ``<name>`` element.
ENUM_LIST_KEYWORDS: frozenset[str] = frozenset({"family"})

# Entries Junos prints on one line when they hold a single childless statement:
# ``route 0.0.0.0/0 next-hop 192.0.2.1;``, ``node 0 priority 200;``, ``target address …;``.
ONELINERS: frozenset[str] = frozenset(
    {"route", "node", "interface-monitor", "target", "rib-group", "qualified-next-hop"}
)
# …and those it folds only over a bare flag: ``then accept;`` but ``then { load-balance
# per-packet; }`` and ``then { routing-instance isp2; }``.
FLAG_ONELINERS: frozenset[str] = frozenset({"then"})

# Junos orders top-level statements by schema, whatever order they were loaded in.
TOP_LEVEL_ORDER: tuple[str, ...] = (
    "version",
    "groups",
    "apply-groups",
    "system",
    "chassis",
    "services",
    "security",
    "interfaces",
    "snmp",
    "forwarding-options",
    "routing-options",
    "protocols",
    "policy-options",
    "class-of-service",
    "firewall",
    "routing-instances",
    "applications",
    "vlans",
)

# Leaves that statements of their own entry may follow on the same line, by that entry's
# keyword: ``track { route 192.0.2.1/32 routing-instance default priority-cost 10; }`` holds
# the leaves ``routing-instance`` and ``priority-cost`` side by side.
INLINE_LEAVES: dict[str, frozenset[str]] = {"route": frozenset({"routing-instance"})}

# Multi-word list identities: ``policy from-zone trust to-zone untrust``.
MULTI_WORD_ENTRIES: dict[tuple[str, str], int] = {("policy", "from-zone"): 5}


# List keywords that name entries only directly under one parent: ``login class admins``
# but ``user egress { class super-user; }``.
LIST_ONLY_DIRECTLY_UNDER: dict[str, frozenset[str]] = {
    "class": frozenset({"login"}),
    # a policy term's `from condition NAME` is a leaf; only policy-options names conditions
    "condition": frozenset({"policy-options"}),
    "redundancy-group": frozenset({"cluster"}),
}


def is_list_keyword(word: str, path: tuple[str, ...]) -> bool:
    """Whether ``word`` at ``path`` starts a named list entry (``unit 0``)."""
    if word not in LIST_KEYWORDS:
        return False
    parents = LIST_ONLY_DIRECTLY_UNDER.get(word)
    if parents is not None:
        return bool(path) and path[-1].split()[0] in parents
    only_under = LIST_ONLY_UNDER.get(word)
    if only_under is None:
        return True
    words = {w for key in path for w in key.split()}
    return bool(words & only_under)


def identifier_container(path: tuple[str, ...]) -> str | None:
    """The identifier container ``path`` ends in, if any (``interfaces``)."""
    if not path:
        return None
    last = path[-1]
    return last if last in IDENTIFIER_CONTAINERS else None


def top_level_rank(key: str) -> int:
    word = key.split()[0]
    try:
        return TOP_LEVEL_ORDER.index(word)
    except ValueError:
        return len(TOP_LEVEL_ORDER)
