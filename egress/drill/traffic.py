"""The drill's traffic, run inside its namespaces as ``python -m egress.drill.traffic``.

Standard library only (it starts in every measurement). Three roles:

- ``serve`` (the internet server): HTTP 200 on every probe target's HTTP port, TCP accept
  on its TCP probe ports, a UDP sink that records every datagram (receive time, the
  sender's time, tag, flow, sequence, source address) and a TCP echo service.
- ``send`` (the LAN host): UDP flows from distinct source ports at a fixed total rate, each
  datagram stamped with CLOCK_MONOTONIC (one clock for every namespace of the machine).
- ``tcp`` (the LAN host): one long TCP session, a message every few ms, echoes timed.

Every loop is bounded by a duration or ``--max-runtime``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import signal
import socket
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PAYLOAD = struct.Struct("<qIII")  # send time ns, tag, flow, seq
RECORD = struct.Struct("<qqIIII")  # receive ns, send ns, tag, flow, seq, source address
UDP_PORT = 9000
TCP_ECHO_PORT = 5001


class _Health(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        body = b"ok\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        return


def _split(endpoint: str) -> tuple[str, int]:
    host, _, port = endpoint.rpartition(":")
    return host, int(port)


def serve(args: argparse.Namespace) -> None:
    for endpoint in args.http:
        server = ThreadingHTTPServer(_split(endpoint), _Health)
        threading.Thread(target=server.serve_forever, daemon=True).start()
    for endpoint in args.tcp:
        threading.Thread(target=_accept_and_close, args=(_split(endpoint),), daemon=True).start()
    threading.Thread(target=_echo, args=((args.sink, TCP_ECHO_PORT),), daemon=True).start()
    sink = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sink.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    sink.bind((args.sink, UDP_PORT))
    sink.settimeout(0.1)
    deadline = time.monotonic() + args.max_runtime
    with Path(args.records).open("ab", buffering=0) as out:
        batch = bytearray()
        last_flush = time.monotonic()
        while time.monotonic() < deadline:
            try:
                data, (src, _port) = sink.recvfrom(2048)
                now = time.monotonic_ns()
                if len(data) >= PAYLOAD.size:
                    sent, tag, flow, seq = PAYLOAD.unpack_from(data)
                    addr = struct.unpack("!I", socket.inet_aton(src))[0]
                    batch += RECORD.pack(now, sent, tag, flow, seq, addr)
            except TimeoutError:
                pass
            if batch and time.monotonic() - last_flush > 0.05:
                out.write(bytes(batch))
                batch.clear()
                last_flush = time.monotonic()


def _accept_and_close(address: tuple[str, int]) -> None:
    listener = socket.create_server(address, reuse_port=False)
    while True:
        conn, _ = listener.accept()
        conn.close()


def _echo(address: tuple[str, int]) -> None:
    listener = socket.create_server(address)

    def handle(conn: socket.socket) -> None:
        with conn:
            while data := conn.recv(4096):
                conn.sendall(data)

    while True:
        conn, _ = listener.accept()
        threading.Thread(target=handle, args=(conn,), daemon=True).start()


def send(args: argparse.Namespace) -> None:
    sockets = []
    sources = args.sources.split(",") if args.sources else ["0.0.0.0"]
    for flow in range(args.flows):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((sources[flow % len(sources)], args.base_port + flow))
        if args.tos:
            s.setsockopt(socket.IPPROTO_IP, socket.IP_TOS, args.tos)
        sockets.append(s)
    count = int(args.pps * args.duration)
    spacing = 1e9 / args.pps
    start = time.monotonic_ns()
    sent = []
    seqs = [0] * args.flows
    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())  # the drill has seen enough
    for k in range(count):
        if stop.is_set():
            break
        due = start + int(k * spacing)
        delay = (due - time.monotonic_ns()) / 1e9
        if delay > 0:
            time.sleep(delay)
        flow = k % args.flows
        now = time.monotonic_ns()
        # no route for a moment is a lost datagram, as on the wire
        with contextlib.suppress(OSError):
            sockets[flow].sendto(
                PAYLOAD.pack(now, args.tag, flow, seqs[flow]), (args.dst, UDP_PORT)
            )
        sent.append((now, flow, seqs[flow]))
        seqs[flow] += 1
    Path(args.out).write_text(json.dumps({"pps": args.pps, "flows": args.flows, "sent": sent}))


def tcp(args: argparse.Namespace) -> None:
    result: dict[str, object] = {"start_ns": time.monotonic_ns(), "echoes": [], "error": None}
    echoes: list[int] = []
    try:
        conn = socket.create_connection((args.dst, TCP_ECHO_PORT), timeout=2)
        conn.settimeout(0.05)
        deadline = time.monotonic() + args.duration
        next_send = time.monotonic()
        pending = b""
        while time.monotonic() < deadline:
            if time.monotonic() >= next_send:
                conn.sendall(b"x" * 31 + b"\n")
                next_send += args.interval_ms / 1000
            try:
                data = conn.recv(4096)
                if not data:
                    raise ConnectionError("closed by peer")
                pending += data
                while b"\n" in pending:
                    _, pending = pending.split(b"\n", 1)
                    echoes.append(time.monotonic_ns())
            except TimeoutError:
                pass
    except OSError as exc:
        result["error"] = f"{type(exc).__name__}: {exc}"
    result["echoes"] = echoes
    Path(args.out).write_text(json.dumps(result))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="egress.drill.traffic")
    sub = parser.add_subparsers(dest="role", required=True)
    p = sub.add_parser("serve")
    p.add_argument("--sink", required=True)
    p.add_argument("--http", action="append", default=[])
    p.add_argument("--tcp", action="append", default=[])
    p.add_argument("--records", required=True)
    p.add_argument("--max-runtime", type=float, default=900)
    p = sub.add_parser("send")
    p.add_argument("--dst", required=True)
    p.add_argument("--flows", type=int, default=8)
    p.add_argument("--pps", type=float, default=1000)
    p.add_argument("--duration", type=float, required=True)
    p.add_argument("--tag", type=int, required=True)
    p.add_argument("--tos", type=int, default=0)
    p.add_argument("--base-port", type=int, default=20000)
    p.add_argument("--sources", default="", help="comma-separated source addresses")
    p.add_argument("--out", required=True)
    p = sub.add_parser("tcp")
    p.add_argument("--dst", required=True)
    p.add_argument("--duration", type=float, required=True)
    p.add_argument("--interval-ms", type=float, default=10)
    p.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    {"serve": serve, "send": send, "tcp": tcp}[args.role](args)


if __name__ == "__main__":
    main(sys.argv[1:])
