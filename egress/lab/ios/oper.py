"""Operational show commands (VRRP, BFD, IP SLA, track, routes, PBR, redundancy groups).

Pure functions of what the router has configured (:class:`~egress.lab.world.DeviceFacts`)
and what the lab's network simulation says is happening (:class:`~egress.lab.world.OpState`).
Layouts follow real IOS-XE 17 output (VRRPv3, the IOS-XE BFD detail layout); counters and
timers that the simulation does not model are fixed, plausible numbers so outputs are stable.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from ipaddress import IPv4Address

from netutils.interface import abbreviated_interface_name

from egress.lab.world import BfdState, DeviceFacts, OpState, ProbeFacts, ProbeState

_SLA_TYPES = {"icmp": "icmp-echo", "tcp": "tcp-connect", "http": "http"}


def _hms(seconds: float) -> str:
    total = int(seconds)
    hours, rest = divmod(total, 3600)
    if hours >= 24:
        return f"{hours // 24}d{hours % 24:02d}h"
    return f"{hours:02d}:{rest // 60:02d}:{rest % 60:02d}"


def _own_address(facts: DeviceFacts, interface: str | None) -> IPv4Address | None:
    iface = facts.interface(interface)
    return iface.address.ip if iface is not None and iface.address is not None else None


def _probe_state(op: OpState, name: str | None) -> ProbeState | None:
    return next((p for p in op.probes if p.name == name), None)


def _track_of(facts: DeviceFacts, probe_name: str | None) -> ProbeFacts | None:
    return next((p for p in facts.probes if p.name == probe_name), None)


# -- VRRP (VRRPv3) ----------------------------------------------------------------------
_ADVERT_MS = 1000


def _master_down_ms(priority: int) -> int:
    """RFC 5798: 3 x advertisement interval + skew time, (256 - priority) / 256 of one."""
    return 3 * _ADVERT_MS + (256 - priority) * _ADVERT_MS // 256


def _duration(seconds: float) -> str:
    """ "23.134 secs", "8 mins 40.214 secs", "6 hours 40 mins 47 secs" (as IOS-XE says it)."""
    hours, rest = divmod(int(seconds), 3600)
    if hours:
        return f"{hours} hours {rest // 60} mins {rest % 60} secs"
    if seconds >= 60:
        return f"{int(seconds // 60)} mins {seconds % 60:.3f} secs"
    return f"{seconds:.3f} secs"


def show_vrrp_brief(facts: DeviceFacts, op: OpState) -> str:
    lines = ["  Interface          Grp  A-F Pri  Time Own Pre State   Master addr/Group addr"]
    for state in op.vrrp:
        own = _own_address(facts, state.interface)
        local = state.master_address is not None and state.master_address == own
        master = (
            f"{state.master_address}(local)" if local else str(state.master_address or "0.0.0.0")
        )
        # the Time column is the master down interval a backup waits (0 on the master)
        wait = 0 if state.state == "Master" else _master_down_ms(state.effective_priority)
        lines.append(
            f"  {abbreviated_interface_name(state.interface):<18}{state.group:>5} IPv4 "
            f"{state.effective_priority:>3}{wait:>6}  N   {'Y' if state.preempt else 'N'}  "
            f"{state.state.upper():<7} {master} {state.vip}"
        )
    return "\n".join(lines) + "\n"


_STATE_REASON = {"Master": "VRRP_MASTER_NO_RESP", "Backup": "VRRP_PREEMPT", "Init": "VRRP_INIT"}


def _vrrp_counters(state_name: str, *, uptime_s: float) -> list[str]:
    """The advert and transition counters "show vrrp detail" ends each group with (layout
    of genieparser's IOS-XE ShowVrrpDetail capture): a master sends one advert per
    interval, a backup hears one; they grow with the time the group has been up."""
    adverts = int(uptime_s * 1000 // _ADVERT_MS)
    sent, heard = (adverts, 0) if state_name == "Master" else (0, adverts)
    if state_name == "Init":
        sent = heard = 0
    to_master = 1 if state_name == "Master" else 0
    to_backup = 1 if state_name != "Init" else 0
    return [
        f"  VRRPv3 Advertisements: sent {sent} (errors 0) - rcvd {heard}",
        "  VRRPv2 Advertisements: sent 0 (errors 0) - rcvd 0",
        "  Group Discarded Packets: 0",
        "    VRRPv2 incompatibility: 0",
        "    IP Address Owner conflicts: 0",
        "    Invalid address count: 0",
        "    IP address configuration mismatch : 0",
        "    Invalid Advert Interval: 0",
        "    Adverts received in Init state: 0",
        "    Invalid group other reason: 0",
        "  Group State transition:",
        "    Init to master: 0",
        f"    Init to backup: {to_backup}",
        f"    Backup to master: {to_master}",
        "    Master to backup: 0",
        "    Master to init: 0",
        "    Backup to init: 0",
    ]


def show_vrrp(facts: DeviceFacts, op: OpState, *, uptime_s: float, detail: bool = False) -> str:
    """``show vrrp`` / ``show vrrp all``; ``detail`` adds the state change reason and the
    advert / discard / transition counters, and prints the groups without blank lines
    between them, as IOS-XE's "show vrrp detail" does."""
    blocks = []
    for state in op.vrrp:
        group = next(
            (g for g in facts.vrrp if (g.interface, g.group) == (state.interface, state.group)),
            None,
        )
        own = _own_address(facts, state.interface)
        priority = f"Priority is {state.effective_priority}"
        if state.effective_priority != state.priority:
            # "Priority is 70 (Configured 90)": capital C in the real captures
            # (genieparser's IOS-XE ShowVrrp and ntc-templates' show_vrrp_all fixtures)
            priority += f" (Configured {state.priority})"
        lines = [
            f"{state.interface} - Group {state.group} - Address-Family IPv4",
            f"  State is {state.state.upper()}",
            f"  State duration {_duration(uptime_s)}",
            f"  Virtual IP address is {state.vip}",
            f"  Virtual MAC address is 0000.5E00.01{state.group:02X}",
            f"  Advertisement interval is {_ADVERT_MS} msec",
            f"  Preemption {'enabled' if state.preempt else 'disabled'}",
            f"  {priority}",
        ]
        if detail:
            lines.append(f"  State change reason is {_STATE_REASON.get(state.state, 'VRRP_INIT')}")
        for track in group.tracks if group else ():
            probe = _track_of(facts, track.probe)
            probe_state = _probe_state(op, track.probe)
            up = "UP" if probe_state is not None and probe_state.ok else "DOWN"
            number = probe.track_id if probe is not None and probe.track_id else track.probe
            lines.append(f"    Track object {number} state {up} decrement {track.decrement}")
        # the three endings IOS-XE prints: master, backup (it learned the master's adverts),
        # init (it heard no one)
        if state.master_address is None:
            lines += [
                "  Master Router is unknown, priority is unknown",
                "  Master Advertisement interval is unknown",
                "  Master Down interval is unknown",
                "  FLAGS: 0/0",
            ]
        elif state.master_address == own:
            lines += [
                f"  Master Router is {own} (local), priority is {state.effective_priority}",
                f"  Master Advertisement interval is {_ADVERT_MS} msec (expires in 620 msec)",
                "  Master Down interval is unknown",
                "  FLAGS: 1/1",
            ]
        else:
            down_ms = _master_down_ms(state.effective_priority)
            master_priority = (
                state.master_priority if state.master_priority is not None else "unknown"
            )
            lines += [
                f"  Master Router is {state.master_address}, priority is {master_priority}",
                f"  Master Advertisement interval is {_ADVERT_MS} msec (learned)",
                f"  Master Down interval is {down_ms} msec (expires in {down_ms - 380} msec)",
                "  FLAGS: 0/1",
            ]
        if detail:
            lines += _vrrp_counters(state.state, uptime_s=uptime_s)
        blocks.append("\n".join(lines))
    return ("\n" if detail else "\n\n").join(blocks) + ("\n" if blocks else "")


# -- BFD ----------------------------------------------------------------------------------
def _last_packet(*, up: bool, multiplier: int, mine: int, yours: int, us: int) -> list[str]:
    """The last control packet heard. A session that never heard its peer shows the zeroed
    packet, whose state field 0 decodes as AdminDown (real IOS prints exactly that)."""
    if not up:
        multiplier = mine = yours = us = 0
    pad = " " * 13
    return [
        f"Last packet: Version: 1{'':18}- Diagnostic: 0",
        f"{pad}{'State bit: ' + ('Up' if up else 'AdminDown'):<28}- Demand bit: 0",
        f"{pad}{'Poll bit: 0':<28}- Final bit: 0",
        f"{pad}C bit: 0",
        f"{pad}{f'Multiplier: {multiplier}':<28}- Length: {24 if up else 0}",
        f"{pad}{f'My Discr.: {mine}':<28}- Your Discr.: {yours}",
        f"{pad}{f'Min tx interval: {us}':<28}- Min rx interval: {us}",
        f"{pad}Min Echo interval: 0",
    ]


def _last_ms(interval_ms: int, uptime_s: float) -> int:
    """Milliseconds since the last packet of a stream sent every ``interval_ms``."""
    return int(uptime_s * 1000) % max(interval_ms, 1)


def _bfd_row(index: int, session: BfdState, *, up: bool) -> str:
    remote = 4096 + index if up else 0  # the peer's discriminator (its LD)
    iface = abbreviated_interface_name(session.interface or "")
    state = session.state  # RH/RS (what the remote says) and State agree in the lab
    return f"{session.peer!s:<37}{index:>4}/{remote:<11}{state:<10}{state:<10}{iface}"


_BFD_HEADER = "NeighAddr                              LD/RD         RH/RS     State     Int"


def show_bfd_neighbors(op: OpState) -> str:
    """``show bfd neighbors``: the one-line table only (IOS-XE 16.x/17.x: the same "IPv4
    Sessions" table each "details" block opens with, one row per session)."""
    if not op.bfd:
        return ""
    rows = [_bfd_row(i, s, up=s.state == "Up") for i, s in enumerate(op.bfd, start=1)]
    return "\n".join(["", "IPv4 Sessions", _BFD_HEADER, *rows]) + "\n"


def show_bfd_neighbors_details(facts: DeviceFacts, op: OpState, *, uptime_s: float) -> str:
    """IOS-XE 17 layout: one "IPv4 Sessions" table per session, then its details. A session
    that is down has no "Session state" and no "Uptime" line, as on a real router."""
    blocks = []
    for index, session in enumerate(op.bfd, start=1):
        up = session.state == "Up"
        us = session.interval_ms * 1000
        remote = 4096 + index if up else 0  # the peer's discriminator (its LD)
        iface = abbreviated_interface_name(session.interface or "")
        heard = session.state  # RH/RS: what the remote says its state is
        # packets since the session came up, one per interval; none received while down
        sent = int(uptime_s * 1000 // session.interval_ms)
        received = sent if up else 0
        spread = f"{session.interval_ms * 4 // 5}/{session.interval_ms * 6 // 5}/"
        spread += f"{session.interval_ms}"
        lines = [
            "IPv4 Sessions",
            "NeighAddr                              LD/RD         RH/RS     State     Int",
            f"{session.peer!s:<37}{index:>4}/{remote:<11}{heard:<10}{session.state:<10}{iface}",
        ]
        if up:
            lines.append("Session state is UP and not using echo function.")
        lines += [
            "Session Host: Software",
            f"OurAddr: {_own_address(facts, session.interface) or '0.0.0.0'}",
            f"Handle: {index}",
            "Local Diag: 0, Demand mode: 0, Poll bit: 0",
            f"MinTxInt: {us}, MinRxInt: {us}, Multiplier: {session.multiplier}",
            f"Received MinRxInt: {us if up else 0}, "
            f"Received Multiplier: {session.multiplier if up else 0}",
            f"Holddown (hits): 0(0), Hello (hits): {session.interval_ms}({sent})",
            # "last: N ms ago" (real captures: ntc-templates' and genieparser's IOS-XE BFD
            # details): a live session heard its peer within the interval; a down one last
            # heard it when it went down (here: never since boot)
            f"Rx Count: {received}, Rx Interval (ms) min/max/avg: {spread if up else '0/0/0'} "
            f"last: {_last_ms(session.interval_ms, uptime_s) if up else int(uptime_s * 1000)}"
            " ms ago",
            f"Tx Count: {sent}, Tx Interval (ms) min/max/avg: {spread} "
            f"last: {_last_ms(session.interval_ms, uptime_s + 0.013)} ms ago",
            "Elapsed time watermarks: 0 0 (last: 0)",
            "Registered protocols: IPv4 Static CEF",
        ]
        if up:
            lines.append(f"Uptime: {_hms(uptime_s)}")
        lines += _last_packet(up=up, multiplier=session.multiplier, mine=remote, yours=index, us=us)
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + ("\n" if blocks else "")


# -- IP SLA and track ---------------------------------------------------------------------
def _probes(facts: DeviceFacts, op: OpState) -> Iterable[tuple[ProbeFacts, ProbeState | None]]:
    for probe in facts.probes:
        yield probe, _probe_state(op, probe.name)


_SLA_DEFAULT_FREQUENCY_S = 60  # IOS ip sla's default "frequency"


def show_ip_sla_statistics(
    facts: DeviceFacts, op: OpState, *, now: datetime, uptime_s: float
) -> str:
    """Successes and failures count the operations run since boot, one per frequency."""
    stamp = now.strftime("%H:%M:%S UTC %a %b %-d %Y")
    out = ["IPSLAs Latest Operation Statistics", ""]
    for probe, state in _probes(facts, op):
        ok = state is not None and state.ok
        rtt = state.rtt_ms if state is not None and state.rtt_ms is not None else 0
        out.append(f"IPSLA operation id: {probe.id}")
        out.append(f"Latest RTT: {rtt} milliseconds" if ok else
                   "Latest RTT: NoConnection/Busy/Timeout")  # fmt: skip
        out.append(f"Latest operation start time: {stamp}")
        out.append(f"Latest operation return code: {'OK' if ok else 'Timeout'}")
        if probe.type == "http":
            out += [
                "Latest DNS RTT: 0 ms",
                f"Latest TCP Connection RTT: {rtt // 3 if ok else 0} ms",
                f"Latest HTTP Transaction RTT: {rtt - rtt // 3 if ok else 0} ms",
            ]
        runs = 1 + int(uptime_s // (probe.frequency_s or _SLA_DEFAULT_FREQUENCY_S))
        out += [
            f"Number of successes: {runs if ok else 0}",
            f"Number of failures: {0 if ok else runs}",
            "Operation time to live: Forever",
            "",
            "",
        ]
    return "\n".join(out) + "\n"


def show_ip_sla_summary(facts: DeviceFacts, op: OpState, *, state_column: bool = False) -> str:
    """The 17.x layout (a state code before the id, "RTT=N"); ``state_column`` prints the
    older IOS-XE one instead: a State column and bare milliseconds under "Stats(ms)"
    (genieparser's IOS-XE ShowIpSlaSummary golden_output_2 capture)."""
    if state_column:
        return _sla_summary_state_column(facts, op)
    out = [
        "IPSLAs Latest Operation Summary",
        "Codes: * active, ^ inactive, ~ pending",
        "All Stats are in milliseconds. Stats with u are in microseconds",
        "",
        "ID           Type        Destination       Stats       ReturnCode  LastRun",
        "-----------------------------------------------------------------------",
    ]
    for probe, state in _probes(facts, op):
        ok = state is not None and state.ok
        stats = f"RTT={state.rtt_ms}" if ok and state is not None else "-"
        out.append(
            f"*{probe.id!s:<12}{_SLA_TYPES.get(probe.type, probe.type):<12}"
            f"{probe.target!s:<18}{stats:<12}{'OK' if ok else 'Timeout':<12}3 seconds ago"
        )
    return "\n".join(out) + "\n"


def _sla_summary_state_column(facts: DeviceFacts, op: OpState) -> str:
    out = [
        "ID       Type      Destination  State   Stats(ms)  ReturnCode  LastRun",
        "---      ----      -----------  -----   -------  ----------  -------",
    ]
    for probe, state in _probes(facts, op):
        ok = state is not None and state.ok
        stats = str(state.rtt_ms) if ok and state is not None else "-"
        code = "OK" if ok else "Timeout"
        out.append(
            f"{probe.id!s:<6}{_SLA_TYPES.get(probe.type, probe.type):<14}{probe.target!s:<13}"
            f"Active   {stats:<9}{code:<9}3 seconds ago"
        )
    return "\n".join(out) + "\n"


def show_track_brief(facts: DeviceFacts, op: OpState, *, uptime_s: float) -> str:
    """``show track brief``: one row per track object (Track, Type, Instance, Parameter,
    State, Last Change), the objects ``show track`` prints in full."""
    out = ["Track Type        Instance                   Parameter        State Last Change"]
    for probe, state in sorted(_probes(facts, op), key=lambda p: p[0].track_id or 0):
        if probe.track_id is None:
            continue
        up = state is not None and state.ok
        out.append(
            f"{probe.track_id:<6}{'ip sla':<12}{probe.id!s:<27}{'reachability':<17}"
            f"{'Up' if up else 'Down':<6}{_hms(uptime_s)}"
        )
    return "\n".join(out) + "\n"


def show_track(facts: DeviceFacts, op: OpState, *, uptime_s: float) -> str:
    blocks = []
    for probe, state in sorted(_probes(facts, op), key=lambda p: p[0].track_id or 0):
        if probe.track_id is None:
            continue
        ok = state is not None and state.ok
        users = [
            f"    VRRPv3 {g.interface} {g.group}"
            for g in facts.vrrp
            if any(t.probe == probe.name for t in g.tracks)
        ]
        users += ["    Static IP Routing 0" for r in facts.routes if r.probe == probe.name][:1]
        lines = [
            f"Track {probe.track_id}",
            f"  IP SLA {probe.id} reachability",
            f"  Reachability is {'Up' if ok else 'Down'}",
            # up once at boot; a down track has changed again since
            f"    {'1 change' if ok else '2 changes'}, last change {_hms(uptime_s)}",
            f"  Latest operation return code: {'OK' if ok else 'Timeout'}",
        ]
        if ok and state is not None and state.rtt_ms is not None:
            lines.append(f"  Latest RTT (millisecs) {state.rtt_ms}")
        if users:
            lines += ["  Tracked by:", *users]
        blocks.append("\n".join(lines))
    return "\n".join(blocks) + ("\n" if blocks else "")
