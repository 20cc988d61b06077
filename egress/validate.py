"""What must be true on each device, derived from the intent, and the comparison with what
its show output (parsed into egress.parse.schema) says.

Expectations are never typed per device: the intended VRRP master is the site's primary
(or its peer in a failover drill), every BFD peer is an uplink gateway, the default route's
next hops are the uplinks (all of them when load-sharing, the primary link when
active-standby), and so on. ``scope="local"`` limits the checks to what one device proves on
its own (used between the members of a pair during a rollout); ``"pair"`` adds the roles
that need both members (VRRP master/backup, HA in sync).

A failover drill names the hosts expected to have handed their role over (``failover``) and,
per device, the links cut to make them (``cut``): what rides on a cut link is expected
degraded (its BFD session down, its probes failing, the default route over the links left),
so a correct failover passes and a link that stays up after being cut fails.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from egress.model.intent import DeviceIntent
from egress.parse.schema import BaseRecord, Bfd, Ha, Pbr, Probe, Route, Vrrp
from egress.platforms import PLATFORMS, by_platform

# The features validate proves (a subset of the intent's: interfaces and ecmp are proven by
# the routing check)
VALIDATED = ("vrrp", "bfd", "probes", "routing", "pbr", "ha_sync")

# The show command that proves each feature, per platform (None: no command proves it):
# each platform's profile (egress/platforms/<slug>/).
COMMANDS: Mapping[str, dict[str, str | None]] = by_platform("validate_commands")


# Commands whose records complete a feature's proof where its one command cannot say it all
# (each platform's profile says which and why).
SUPPORTING: Mapping[str, dict[str, tuple[str, ...]]] = by_platform("supporting_commands")


@dataclass(frozen=True, slots=True)
class Check:
    host: str
    feature: str
    subject: str
    expected: str
    observed: str
    passed: bool


def commands_for(intent: DeviceIntent) -> dict[str, str]:
    """feature -> the show command to run on this device."""
    table = COMMANDS[intent.platform]
    return {f: c for f, c in table.items() if c is not None and f in (*intent.features,)}


def supporting_commands(intent: DeviceIntent) -> dict[str, tuple[str, ...]]:
    """feature -> further show commands whose records join the feature's own."""
    table = SUPPORTING.get(intent.platform, {})
    wanted = commands_for(intent)
    return {f: cs for f, cs in table.items() if f in wanted}


def evaluate(
    intent: DeviceIntent,
    parsed: Mapping[str, Sequence[BaseRecord]],
    *,
    scope: str = "pair",
    failover: frozenset[str] = frozenset(),
    cut: frozenset[str] = frozenset(),
    unparsed: Mapping[str, str] | None = None,
    features: Collection[str] | None = None,
) -> list[Check]:
    """Every check for one device (``features``: only these). ``failover``: hosts expected to
    have lost mastership; ``cut``: this device's links cut by a drill."""
    checks: list[Check] = []
    problems = unparsed or {}
    for feature, command in commands_for(intent).items():
        if features is not None and feature not in features:
            continue  # not asked for (validate --features)
        if feature in problems:
            checks.append(
                Check(intent.host, feature, command, "parsable output", problems[feature], False)
            )
            continue
        records = parsed.get(feature, ())
        checker = _CHECKERS[feature]
        checks.extend(checker(intent, records, scope, failover, cut))
    return checks


def _vrrp(
    intent: DeviceIntent,
    records: Sequence[BaseRecord],
    scope: str,
    failover: frozenset[str],
    cut: frozenset[str],
) -> list[Check]:
    checks = []
    found = [r for r in records if isinstance(r, Vrrp)]
    for group in intent.vrrp:
        subject = f"vrrp {group.group} on {group.interface}"
        record = _vrrp_record(found, group.group, group.vip)
        if record is None:
            checks.append(Check(intent.host, "vrrp", subject, "group present", "absent", False))
            continue
        intended = intent.host if intent.role == "primary" else intent.peer
        if intended in failover:  # a drill: the intended master has handed over
            intended = intent.peer if intended == intent.host else intent.host
        master = intended == intent.host
        # The box that handed over may have lost the LAN itself: RFC 5798 puts a group whose
        # interface is down in Initialize (IOS "INIT", Junos "idle"), not Backup.
        accepted: tuple[str, ...] = ("Master",) if master else ("Backup",)
        if not master and intent.host in failover:
            accepted = ("Backup", "Init")
        if scope == "local":
            ok = record.state in ("Master", "Backup")
            checks.append(Check(intent.host, "vrrp", subject, "Master or Backup", record.state, ok))
        else:
            checks.append(
                Check(
                    intent.host,
                    "vrrp",
                    subject,
                    " or ".join(accepted),
                    record.state,
                    record.state in accepted,
                )
            )
        if record.vip is not None:
            checks.append(
                Check(
                    intent.host,
                    "vrrp",
                    f"{subject} vip",
                    group.vip,
                    record.vip,
                    record.vip == group.vip,
                )
            )
        if record.priority is not None:
            # in a drill the box that handed over runs with its tracked objects down: its
            # priority is the configured one less their decrements
            drill = intent.host in failover
            checks.append(
                Check(
                    intent.host,
                    "vrrp",
                    f"{subject} priority",
                    f"<= {group.priority}" if drill else str(group.priority),
                    str(record.priority),
                    record.priority <= group.priority
                    if drill
                    else record.priority == group.priority,
                )
            )
    return checks


def _bfd(
    intent: DeviceIntent,
    records: Sequence[BaseRecord],
    scope: str,
    failover: frozenset[str],
    cut: frozenset[str],
) -> list[Check]:
    checks = []
    found = {r.peer: r for r in records if isinstance(r, Bfd)}
    for peer in intent.bfd.peers:
        subject = f"bfd {peer.address} ({peer.link})"
        record = found.get(peer.address)
        if peer.link in cut:  # a drill cut this link: its session must have gone down
            observed = "no session" if record is None else record.state
            checks.append(
                Check(intent.host, "bfd", subject, "not Up (link cut)", observed, observed != "Up")
            )
            continue
        if record is None:
            checks.append(Check(intent.host, "bfd", subject, "Up", "no session", False))
            continue
        checks.append(Check(intent.host, "bfd", subject, "Up", record.state, record.state == "Up"))
        if record.interval_ms is not None:
            checks.append(
                Check(
                    intent.host,
                    "bfd",
                    f"{subject} interval",
                    f"{intent.bfd.interval_ms} ms",
                    f"{record.interval_ms} ms",
                    record.interval_ms == intent.bfd.interval_ms,
                )
            )
        if record.multiplier is not None:
            checks.append(
                Check(
                    intent.host,
                    "bfd",
                    f"{subject} multiplier",
                    str(intent.bfd.multiplier),
                    str(record.multiplier),
                    record.multiplier == intent.bfd.multiplier,
                )
            )
    return checks


def _probes(
    intent: DeviceIntent,
    records: Sequence[BaseRecord],
    scope: str,
    failover: frozenset[str],
    cut: frozenset[str],
) -> list[Check]:
    checks = []
    found = [r for r in records if isinstance(r, Probe)]
    for probe in intent.probes:
        subject = f"probe {probe.name} -> {probe.target}"
        # IOS names an IP SLA by its number; others by name; the target disambiguates both
        record = next((r for r in found if r.name in (probe.name, str(probe.id))), None) or next(
            (r for r in found if r.target == probe.target), None
        )
        if probe.link in cut:  # a drill cut this link: its probes must say so
            observed = "absent" if record is None else record.state
            checks.append(
                Check(
                    intent.host, "probes", subject, "failing (link cut)", observed, observed != "ok"
                )
            )
            continue
        if record is None:
            checks.append(Check(intent.host, "probes", subject, "ok", "absent", False))
            continue
        rtt = f", rtt {record.rtt_ms:g} ms" if record.rtt_ms is not None else ""
        checks.append(
            Check(intent.host, "probes", subject, "ok", record.state + rtt, record.state == "ok")
        )
    return checks


def _routing(
    intent: DeviceIntent,
    records: Sequence[BaseRecord],
    scope: str,
    failover: frozenset[str],
    cut: frozenset[str],
) -> list[Check]:
    default = next(
        (
            r
            for r in records
            if isinstance(r, Route)
            and r.prefix == "0.0.0.0/0"
            and r.vrf in (None, "default", "inet.0")
        ),
        None,
    )
    live = [u for u in intent.uplinks if u.link not in cut]
    if intent.ecmp is not None:
        expected = sorted(u.gateway for u in live)
        what = f"ECMP over {len(expected)} links"
    elif any(u.primary for u in live):
        expected = sorted(u.gateway for u in live if u.primary)
        what = "the primary link"
    else:  # a drill cut the primary link: the floating default over the backup takes over
        expected = sorted(u.gateway for u in live)
        what = "the backup link"
    if cut:
        what += f"; {', '.join(sorted(cut))} cut"
    subject = f"default route ({what})"
    if not expected:
        observed = "no default route" if default is None else "default route present"
        return [
            Check(intent.host, "routing", subject, "no default route", observed, default is None)
        ]
    if default is None:
        return [
            Check(intent.host, "routing", subject, ", ".join(expected), "no default route", False)
        ]
    # ECMP is the route's next hops: Junos marks exactly one of them ">" in "show route" even
    # when load-balance per-packet installs all of them in the forwarding table, so a
    # selection mark says nothing about load sharing. Otherwise a hop Junos does not select
    # (a route's unused gateway) does not carry traffic.
    hops = sorted(
        {
            h.address
            for h in default.next_hops
            if h.address and (intent.ecmp is not None or h.selected is not False)
        }
    )
    return [
        Check(
            intent.host,
            "routing",
            subject,
            ", ".join(expected),
            ", ".join(hops) or "none",
            hops == expected,
        )
    ]


def _pbr(
    intent: DeviceIntent,
    records: Sequence[BaseRecord],
    scope: str,
    failover: frozenset[str],
    cut: frozenset[str],
) -> list[Check]:
    assert intent.pbr is not None
    checks = []
    # one policy may be told of by two commands (where attached, what it sets): join them
    found: dict[str, Pbr] = {}
    for record in (r for r in records if isinstance(r, Pbr)):
        seen = found.get(record.name)
        found[record.name] = (
            record
            if seen is None
            else seen.model_copy(
                update={
                    "interfaces": seen.interfaces + record.interfaces,
                    "entries": seen.entries + record.entries,
                }
            )
        )
    unit = PLATFORMS[intent.platform].pbr_input_filter_unit
    if unit is not None:
        return [_input_filter_check(intent, found.values(), unit=unit)]
    unlisted_is_applied = not PLATFORMS[intent.platform].pbr_attachment_listed
    for rule in intent.pbr.rules:
        subject = f"policy route {rule.name} on {intent.pbr.in_interface}"
        attached = [
            p
            for p in found.values()
            if (unlisted_is_applied and not p.interfaces)
            or intent.pbr.in_interface in p.interfaces
            or any(i.startswith(intent.pbr.in_interface) for i in p.interfaces)
        ]
        hops = {e.next_hop for p in attached for e in p.entries if e.next_hop}
        hops |= {h for p in attached for e in p.entries for h in e.next_hop_fallbacks}
        observed = f"attached, next hop {', '.join(sorted(hops))}" if attached else "not attached"
        checks.append(
            Check(
                intent.host,
                "pbr",
                subject,
                f"attached, next hop {rule.next_hop}",
                observed,
                bool(attached) and rule.next_hop in hops,
            )
        )
    return checks


def _vrrp_record(found: Sequence[Vrrp], group: int, vip: str) -> Vrrp | None:
    """The record of the intended group. One group number may carry both address families
    (Junos lists an IPv6 group of the same number beside the IPv4 one, see the real
    ``show vrrp summary`` captures): take the one with the intended VIP, else an IPv4 one."""
    same = [r for r in found if r.group == group]
    return (
        next((r for r in same if r.vip == vip), None)
        or next((r for r in same if r.vip is None or ":" not in r.vip), None)
        or (same[0] if same else None)
    )


def _input_filter_check(intent: DeviceIntent, found: Iterable[Pbr], *, unit: int) -> Check:
    """The intended filter is applied as an input filter of the LAN's logical unit."""
    assert intent.pbr is not None
    interface = f"{intent.pbr.in_interface}.{unit}"
    wanted = intent.pbr.policy_name
    applied = sorted(p.name for p in found if interface in p.interfaces)
    return Check(
        intent.host,
        "pbr",
        f"filter {wanted} on {interface}",
        f"input filter {wanted}",
        f"input filter {', '.join(applied)}" if applied else "no input filter",
        wanted in applied,
    )


def _ha(
    intent: DeviceIntent,
    records: Sequence[BaseRecord],
    scope: str,
    failover: frozenset[str],
    cut: frozenset[str],
) -> list[Check]:
    assert intent.ha_sync is not None
    found = [r for r in records if isinstance(r, Ha)]
    subject = f"ha group {intent.ha_sync.group_id} ({intent.ha_sync.form})"
    if not found:
        return [Check(intent.host, "ha_sync", subject, "present", "absent", False)]
    record = _join_ha(found)
    checks = []
    if record.session_sync is not None:
        checks.append(
            Check(
                intent.host,
                "ha_sync",
                f"{subject} session sync",
                "on" if intent.ha_sync.session_sync else "off",
                "on" if record.session_sync else "off",
                record.session_sync == intent.ha_sync.session_sync,
            )
        )
    if scope == "pair":
        checks.append(
            Check(
                intent.host,
                "ha_sync",
                f"{subject} in sync",
                "in sync",
                {True: "in sync", False: "NOT in sync", None: "unknown"}[record.in_sync],
                record.in_sync is True,
            )
        )
        # Both members judge the same hand-over: the intended primary, or in a drill its peer.
        primary = intent.host if intent.role == "primary" else intent.peer
        drill = primary in failover
        if drill:
            primary = intent.peer if primary == intent.host else intent.host
        accepted: tuple[str, ...] = ("Primary",) if primary == intent.host else ("Secondary",)
        follows_lan = PLATFORMS[intent.platform].sync_pair_role_follows_lan
        if drill and intent.ha_sync.form == "sync-pair" and not follows_lan:
            # Where a sync pair's group tracks nothing of the LAN gateway, the traffic role a
            # drill moves is VRRP's alone and the group moves only on its own faults
            # (control/data link): either role is right as long as the pair stays in sync.
            # Where it follows the LAN (IOS-XE: the group tracks the LAN port and VRRP's
            # tracks), the peer must own the session table too: the strict check above holds.
            accepted = ("Primary", "Secondary")
        if record.local_role != "Unknown":
            checks.append(
                Check(
                    intent.host,
                    "ha_sync",
                    f"{subject} role",
                    " or ".join(accepted),
                    record.local_role,
                    record.local_role in accepted,
                )
            )
    return checks


def _join_ha(records: Sequence[Ha]) -> Ha:
    """One HA state from what several commands say: the first record's, with sync and role
    taken from whichever record knows them (any "not in sync" wins over an "in sync")."""
    first = records[0]
    syncs = [r.in_sync for r in records if r.in_sync is not None]
    pickup = next((r.session_sync for r in records if r.session_sync is not None), None)
    role = next((r.local_role for r in records if r.local_role != "Unknown"), "Unknown")
    return first.model_copy(
        update={
            "in_sync": all(syncs) if syncs else None,
            "session_sync": pickup,
            "local_role": role,
        }
    )


_CHECKERS = {
    "vrrp": _vrrp,
    "bfd": _bfd,
    "probes": _probes,
    "routing": _routing,
    "pbr": _pbr,
    "ha_sync": _ha,
}
