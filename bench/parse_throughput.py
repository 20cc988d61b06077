"""Parse throughput of egress (TTP, templates compiled once) against TextFSM / ntc-templates.

    .venv/bin/python -m bench.parse_throughput [--routes 20000] [--interfaces 5000]
                                               [--devices 1000] [--repeat 3]

Big outputs are built by replicating lines of the real captures in tests/fixtures/parse
(prefixes and interface names renumbered so every line is distinct). Each workload is
timed best-of --repeat in this one process, for:

  egress rows        TTP only: the compiled template's rows (what TTP itself costs)
  egress records     egress.parse.parse_output: rows + conversion to the pydantic schema
  ntc parse_output   ntc_templates.parse.parse_output (TextFSM; finds and reads the
                     template on every call, as its public API does)
  textfsm reused     one textfsm.TextFSM per template, Reset() between outputs

"records" counts what each tool returns (egress: one route per prefix with all its paths;
ntc: one row per path), so records/s is given beside the plain wall time.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path

import textfsm
from ntc_templates.parse import parse_output as ntc_parse_output
from ttp import ttp

from egress.parse import lookup, parse_output
from egress.parse.engine import compiled, dedent_lines
from egress.render import default_templates_dir

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures" / "parse"
NTC_TEMPLATES = Path(sys.modules["ntc_templates"].__file__ or "").parent / "templates"


def _capture(path: str) -> str:
    return (FIXTURES / path).read_text(encoding="utf-8")


def big_ios_route(prefixes: int) -> str:
    """A "show ip route" with ``prefixes`` routes: the real header and line shapes of
    genie-iosxe__7 (IS-IS routes, ECMP continuation lines, connected and local routes)."""
    header = _capture("ios/show_ip_route/genie-iosxe__7.txt").split("Gateway of last resort")[0]
    lines = [header + "Gateway of last resort is 10.12.7.37 to network 0.0.0.0", ""]
    lines.append("      10.0.0.0/8 is variably subnetted, 14 subnets, 2 masks")
    for i in range(prefixes):
        a, b = divmod(i, 250)
        prefix = f"10.{a // 250 % 250}.{a % 250}.{b}/32"
        if i % 10 == 0:
            lines.append(f"C        {prefix} is directly connected, Loopback{i}")
        elif i % 5 == 0:  # an equal-cost pair, as i ia 10.12.6.14/32 is printed
            lines.append(f"i ia     {prefix} [115/300] via 10.12.7.37, 2w1d, Vlan101")
            lines.append("                        [115/300] via 10.12.7.33, 2w1d, Vlan100")
        else:
            lines.append(f"i L1     {prefix} [115/100] via 10.12.7.33, 6w0d, Vlan100")
    return "\n".join(lines) + "\n"


def big_ios_interfaces(count: int) -> str:
    """A "show ip interface brief" with ``count`` lines shaped like genie-iosxe__1's."""
    lines = ["Interface              IP-Address      OK? Method Status                Protocol"]
    for i in range(count):
        a, b = divmod(i, 250)
        if i % 7 == 0:
            lines.append(
                f"GigabitEthernet0/{a}/{b}  unassigned      YES unset  administratively down down"
            )
        else:
            lines.append(
                f"GigabitEthernet0/{a}/{b}  10.{a % 250}.{b}.1       YES other  "
                "up                    up"
            )
    return "\n".join(lines) + "\n"


def big_ios_vrrp_brief(count: int) -> str:
    """A "show vrrp brief" with ``count`` groups shaped like genie-iosxe__1's (VRRPv3)."""
    lines = [" Interface          Grp  A-F Pri  Time Own Pre State   Master addr/Group addr"]
    for i in range(count):
        a, b = divmod(i, 250)
        lines.append(
            f"  Vl{i + 10:<17}{i % 255 + 1:>4} IPv4 150     0  N   Y  MASTER  "
            f"10.{a % 250}.{b}.1(local) 10.{a % 250}.{b}.3"
        )
    return "\n".join(lines) + "\n"


def big_fortios_route(prefixes: int) -> str:
    """A "get router info routing-table all" shaped like ntc__1 (static ECMP pairs, OSPF
    routes with their age). The 40net-azure captures' FortiOS 7 legend ("V - BGP VPNv4")
    makes the ntc template raise, so it is not used here."""
    header = _capture("fortios/get_router_info_routing-table_all/ntc__1.txt")
    head = header.split("Routing table for VRF=0")[0] + "Routing table for VRF=0"
    lines = [head, "O*E2    0.0.0.0/0 [110/10] via 10.149.127.253, Tu-Hub01-Main, 03w2d20h"]
    for i in range(prefixes):
        a, b = divmod(i, 250)
        prefix = f"10.{a // 250 % 250}.{a % 250}.{b}/32"
        if i % 3 == 0:
            lines.append(f"S       {prefix} [10/0] via 10.152.1.229, lan")
            lines.append("                   [10/0] via 4.3.2.1, wan")
        else:
            lines.append(f"O E2    {prefix} [110/20] via 10.149.127.253, Tu-Hub01-Main, 22:00:53")
    return "\n".join(lines) + "\n"


def best_of(repeat: int, fn: Callable[[], int]) -> tuple[float, int]:
    """(best wall seconds, records returned) over ``repeat`` runs."""
    best, count = float("inf"), 0
    for _ in range(repeat):
        start = time.perf_counter()
        count = fn()
        best = min(best, time.perf_counter() - start)
    return best, count


def _textfsm_reused(template: str) -> Callable[[str], int]:
    with (NTC_TEMPLATES / template).open() as handle:
        fsm = textfsm.TextFSM(handle)

    def run(text: str) -> int:
        fsm.Reset()
        return len(fsm.ParseText(text))

    return run


def _egress_rows(platform: str, command: str) -> Callable[[str], int]:
    spec = lookup(platform=platform, command=command)
    path = spec.template_path(default_templates_dir())
    assert path is not None
    template = compiled(path)

    def run(text: str) -> int:
        return sum(len(v) for v in template.rows(dedent_lines(text)).values())

    return run


def _row(workload: str, tool: str, seconds: float, records: int, lines: int) -> str:
    return (
        f"| {workload} | {tool} | {seconds * 1000:,.1f} ms | {records:,} | "
        f"{records / seconds:,.0f} | {lines / seconds:,.0f} |"
    )


BIG = (
    # label, egress platform, egress command, ntc platform, ntc command, ntc template
    (
        "ios show ip route",
        "ios",
        "show ip route",
        "cisco_ios",
        "show ip route",
        "cisco_ios_show_ip_route.textfsm",
    ),
    (
        "ios show ip interface brief",
        "ios",
        "show ip interface brief",
        "cisco_ios",
        "show ip interface brief",
        "cisco_ios_show_ip_interface_brief.textfsm",
    ),
    (
        "ios show vrrp brief",
        "ios",
        "show vrrp brief",
        "cisco_ios",
        "show vrrp brief",
        "cisco_ios_show_vrrp_brief.textfsm",
    ),
    (
        "fortios routing-table all",
        "fortios",
        "get router info routing-table all",
        "fortinet",
        "get router info routing-table all",
        "fortinet_get_router_info_routing-table_all.textfsm",
    ),
)


def _big_runs(
    text: str, plat: str, command: str, ntc_plat: str, ntc_command: str, ntc_template: str
) -> dict[str, Callable[[], int]]:
    rows = _egress_rows(plat, command)
    rows(text)  # compile outside the timing: the cache is what production uses
    reused = _textfsm_reused(ntc_template)
    return {
        "egress rows (TTP)": lambda: rows(text),
        "egress records (TTP + schema)": lambda: len(
            parse_output(platform=plat, command=command, text=text)
        ),
        "ntc parse_output (TextFSM)": lambda: len(
            ntc_parse_output(platform=ntc_plat, command=ntc_command, data=text)
        ),
        "textfsm reused": lambda: reused(text),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--routes", type=int, default=20_000)
    parser.add_argument("--interfaces", type=int, default=5_000)
    parser.add_argument("--vrrp", type=int, default=2_000)
    parser.add_argument("--devices", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    outputs = {
        "ios show ip route": big_ios_route(args.routes),
        "ios show ip interface brief": big_ios_interfaces(args.interfaces),
        "ios show vrrp brief": big_ios_vrrp_brief(args.vrrp),
        "fortios routing-table all": big_fortios_route(args.routes),
    }
    print(f"python {platform.python_version()}, {os.cpu_count()} cpus, best of {args.repeat}\n")
    print("## One large output\n")
    print("| workload | tool | wall | records | records/s | lines/s |")
    print("|---|---|---|---|---|---|")
    for label, plat, command, ntc_plat, ntc_command, ntc_template in BIG:
        text = outputs[label]
        runs = _big_runs(text, plat, command, ntc_plat, ntc_command, ntc_template)
        lines = text.count("\n")
        for tool, fn in runs.items():
            seconds, count = best_of(args.repeat, fn)
            print(_row(f"{label} ({lines:,} lines)", tool, seconds, count, lines))

    small = _capture("ios/show_vrrp_brief/ntc__2.txt")
    # every device's output distinct (TTP would parse identical ones once)
    devices = [
        small.replace("10.0.1.2", f"10.{i // 250 % 250}.{i % 250}.2") for i in range(args.devices)
    ]
    template_text = (default_templates_dir() / "ios/parse/show_vrrp_brief.ttp").read_text()
    reused = _textfsm_reused("cisco_ios_show_vrrp_brief.textfsm")
    path = lookup(platform="ios", command="show vrrp brief").template_path(default_templates_dir())
    assert path is not None
    batch_template = compiled(path)

    def ttp_new_each() -> int:
        total = 0
        for text in devices:
            parser = ttp(data="\n" + dedent_lines(text), template=template_text, log_level="ERROR")
            parser.parse(one=True)
            total += len(parser.result()[0][0].get("vrrp", []))
        return total

    small_runs = {
        "egress parse_output, compiled once": lambda: sum(
            len(parse_output(platform="ios", command="show vrrp brief", text=t)) for t in devices
        ),
        "egress rows_batch (one TTP run, all devices)": lambda: sum(
            len(r.get("vrrp", []))
            for r in batch_template.rows_batch([dedent_lines(t) for t in devices])
        ),
        "TTP, new ttp() per output (no cache)": ttp_new_each,
        "ntc parse_output per output": lambda: sum(
            len(ntc_parse_output(platform="cisco_ios", command="show vrrp brief", data=t))
            for t in devices
        ),
        "textfsm reused": lambda: sum(reused(t) for t in devices),
    }
    print(
        f"\n## {args.devices:,} small outputs (real 'show vrrp brief', 5 groups, one per device)\n"
    )
    print("| tool | wall | per output | records/s |")
    print("|---|---|---|---|")
    for tool, fn in small_runs.items():
        seconds, count = best_of(args.repeat, fn)
        print(
            f"| {tool} | {seconds * 1000:,.0f} ms | {seconds / args.devices * 1000:.3f} ms | "
            f"{count / seconds:,.0f} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
