"""egress's health prober for the ``frr`` platform (FRR 8.4 has no IP SLA).

Reads the rendered ``!@probe`` lines; every ``interval_ms`` runs each probe from the link's
own address (policy routing keeps it on its link while the link's default is withdrawn):
ICMP echo (ping(8)), TCP connect, HTTP GET (2xx/3xx is up). After ``failures`` consecutive
failures a probe is down until one succeeds: it writes 1 (down) or 0 into
``<state>/<name>`` — keepalived's ``track_file`` lowers the VRRP priority by the decrement —
and the probe a link's route follows shuts that link's eBGP session (so the default via
the link is withdrawn here and the NAT pool upstream) until it is up again. Its state is
also in ``<state>/status.json`` for validate. Bounded by ``--max-runtime``.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import socket
import struct
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Probe:
    name: str
    type: str
    target: str
    source: str
    interval_ms: int
    timeout_ms: int
    failures: int
    port: int | None = None
    path: str = "/"
    withdraw: str | None = None
    asn: str | None = None
    failed: int = 0
    down: bool = False
    rtt_ms: float | None = None
    next_due: float = 0.0


def load(path: Path) -> list[Probe]:
    probes = []
    for line in path.read_text().splitlines():
        if not line.strip():
            continue
        f = dict(item.split("=", 1) for item in line.split())
        probes.append(
            Probe(
                name=f["name"],
                type=f["type"],
                target=f["target"],
                source=f["source"],
                interval_ms=int(f["interval_ms"]),
                timeout_ms=int(f["timeout_ms"]),
                failures=int(f["failures"]),
                port=int(f["port"]) if "port" in f else None,
                path=f.get("path", "/"),
                withdraw=f.get("withdraw"),
                asn=f.get("as"),
            )
        )
    return probes


def check(probe: Probe) -> bool:
    timeout = probe.timeout_ms / 1000
    start = time.monotonic()
    try:
        if probe.type == "icmp":
            ok = icmp_echo(probe.source, probe.target, timeout)
        elif probe.type == "tcp":
            with socket.create_connection(
                (probe.target, probe.port or 0), timeout=timeout, source_address=(probe.source, 0)
            ):
                ok = True
        else:
            conn = http.client.HTTPConnection(
                probe.target, probe.port or 80, timeout=timeout, source_address=(probe.source, 0)
            )
            try:
                conn.request("GET", probe.path)
                ok = 200 <= conn.getresponse().status < 400
            finally:
                conn.close()
    except (OSError, subprocess.TimeoutExpired, http.client.HTTPException):
        ok = False
    probe.rtt_ms = round((time.monotonic() - start) * 1000, 2) if ok else None
    return ok


_ICMP_ECHO = struct.Struct("!BBHHH")  # type, code, checksum, identifier, sequence
_sequence = itertools.count(1)


def _checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    total = (total >> 16) + (total & 0xFFFF)
    total += total >> 16
    return ~total & 0xFFFF


def icmp_echo(source: str, target: str, timeout: float) -> bool:
    """One ICMP echo from ``source`` (a raw socket: the prober runs as root; Debian's
    minimal images have no ping(8)). True when the matching echo reply arrives in time."""
    ident, seq = os.getpid() & 0xFFFF, next(_sequence) & 0xFFFF
    payload = b"egress-probe"
    header = _ICMP_ECHO.pack(8, 0, 0, ident, seq)
    packet = _ICMP_ECHO.pack(8, 0, _checksum(header + payload), ident, seq) + payload
    with socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP) as sock:
        sock.bind((source, 0))
        sock.sendto(packet, (target, 0))
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            sock.settimeout(left)
            data, (sender, _) = sock.recvfrom(2048)
            ihl = (data[0] & 0x0F) * 4
            kind, _code, _sum, rid, rseq = _ICMP_ECHO.unpack_from(data, ihl)
            if sender == target and kind == 0 and (rid, rseq) == (ident, seq):
                return True
    return False


def _withdraw(probe: Probe, vty: str, shut: bool) -> None:
    if not probe.withdraw:
        return
    verb = "" if shut else "no "
    subprocess.run(
        [
            "vtysh",
            "--vty_socket",
            vty,
            "-c",
            "configure terminal",
            "-c",
            f"router bgp {probe.asn}",
            "-c",
            f"{verb}neighbor {probe.withdraw} shutdown",
        ],
        capture_output=True,
        timeout=10,
        check=False,
    )


def _write(state: Path, probe: Probe) -> None:
    with (state / probe.name).open("w") as out:
        out.write("1\n" if probe.down else "0\n")


def run(config: Path, state: Path, vty: str, max_runtime: float) -> None:
    probes = load(config)
    state.mkdir(parents=True, exist_ok=True)
    for probe in probes:
        _write(state, probe)
    deadline = time.monotonic() + max_runtime
    while time.monotonic() < deadline:
        now = time.monotonic()
        for probe in probes:
            if now < probe.next_due:
                continue
            probe.next_due = now + probe.interval_ms / 1000
            ok = check(probe)
            probe.failed = 0 if ok else probe.failed + 1
            was = probe.down
            probe.down = (probe.failed >= probe.failures) if not ok or was else False
            if ok:
                probe.down = False
            if probe.down != was:
                _write(state, probe)
                _withdraw(probe, vty, probe.down)
                print(
                    f"{time.time():.3f} {probe.name} {'down' if probe.down else 'up'}", flush=True
                )
        status = [
            {
                "name": p.name,
                "type": p.type,
                "target": p.target,
                "state": "fail" if p.down else "ok",
                "rtt_ms": p.rtt_ms,
            }
            for p in probes
        ]
        (state / "status.json.tmp").write_text(json.dumps(status))
        (state / "status.json.tmp").replace(state / "status.json")
        due = min(p.next_due for p in probes) if probes else now + 1
        time.sleep(max(0.0, min(due - time.monotonic(), 0.5)))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="egress.drill.prober")
    parser.add_argument("--config", required=True)
    parser.add_argument("--state", required=True)
    parser.add_argument("--vty", required=True)
    parser.add_argument("--max-runtime", type=float, default=900)
    args = parser.parse_args(argv)
    run(Path(args.config), Path(args.state), args.vty, args.max_runtime)


if __name__ == "__main__":
    main(sys.argv[1:])
