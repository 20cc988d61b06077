"""Copy every real capture of a command egress parses out of the public parser projects.

    .venv/bin/python -m bench.real_captures_collect [--mirrors /work/.mirror]

Reads snapshots of the source repositories (bare git directories, as the project's ``fetch``
tool leaves them under ``<mirrors>/<owner>+<name>/``) and writes, for each capture of a
command egress registers (aliases and argument forms included):

    tests/fixtures/real-captures/<platform>/<source>/<case>.raw       the device output
    tests/fixtures/real-captures/<platform>/<source>/<case>.json      command, provenance and
                                                                      the source's own parse

and ``tests/fixtures/real-captures/NOTICE.md`` (repository, path, commit, licence of each).
Only Apache-2.0 / MIT licensed projects are read. The scorecard
(``bench/real_captures.py``) then runs without the mirrors, so CI can rerun it.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "tests" / "fixtures" / "real-captures"


@dataclass(frozen=True)
class Capture:
    platform: str  # egress platform slug
    command: str  # the command as an operator types it (arguments filled in)
    source: str  # short source name used in file names
    repo: str
    path: str
    text: str
    expected: Any  # the source project's own parse, None where it has none
    expected_format: str  # "ntc" | "genie" | "napalm" | "none"
    name: str
    licence: str
    note: str = ""


class Mirror:
    def __init__(self, root: Path, repo: str) -> None:
        base = root / repo.replace("/", "+") / "repo"
        self.git_dir = base / ".git" if (base / ".git").is_dir() else base
        self.repo = repo
        self.commit = self._git("rev-parse", "HEAD").strip()

    def _git(self, *args: str) -> str:
        return subprocess.run(
            ["git", "--git-dir", str(self.git_dir), *args],
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    def files(self, prefix: str) -> list[str]:
        args = ["ls-tree", "-r", "--name-only", "HEAD"] + ([prefix] if prefix else [])
        return self._git(*args).split()

    def read(self, path: str) -> str:
        return self._git("show", f"HEAD:{path}")


# --- networktocode/ntc-templates: tests/<platform>/<command>/<case>.raw + .yml ----------------

NTC_COMMANDS: dict[str, tuple[str, str]] = {
    "cisco_ios/show_bfd_neighbors_details": ("ios", "show bfd neighbors details"),
    "cisco_ios/show_ip_interface_brief": ("ios", "show ip interface brief"),
    "cisco_ios/show_ip_route": ("ios", "show ip route"),
    "cisco_ios/show_route-map": ("ios", "show route-map"),
    "cisco_ios/show_vrrp_all": ("ios", "show vrrp all"),
    "cisco_ios/show_vrrp_brief": ("ios", "show vrrp brief"),
    "cisco_ios/show_track": ("ios", "show track"),
    "cisco_ios/show_ip_sla_summary": ("ios", "show ip sla summary"),
    "juniper_junos/show_chassis_cluster_status": ("junos", "show chassis cluster status"),
    "juniper_junos/show_interfaces_terse": ("junos", "show interfaces terse"),
    "fortinet/get_router_info_routing-table_all": ("fortios", "get router info routing-table all"),
    "fortinet/get_system_ha_status": ("fortios", "get system ha status"),
    "fortinet/get_system_interface": ("fortios", "get system interface"),
}


def ntc(mirror: Mirror) -> Iterator[Capture]:
    for folder, (platform, command) in NTC_COMMANDS.items():
        for path in sorted(mirror.files(f"tests/{folder}/")):
            if not path.endswith(".raw"):
                continue
            yml = path[: -len(".raw")] + ".yml"
            try:
                expected = yaml.safe_load(mirror.read(yml)).get("parsed_sample")
            except subprocess.CalledProcessError:
                expected = None
            yield Capture(
                platform=platform,
                command=command,
                source="ntc",
                repo=mirror.repo,
                path=path,
                text=mirror.read(path),
                expected=expected,
                expected_format="ntc" if expected is not None else "none",
                name=Path(path).stem,
                licence="Apache-2.0",
            )


# --- CiscoTestAutomation/genieparser: <os>/tests/<Class>/cli/equal/<case>_output.txt -----------


def _ip_route_word(args: dict[str, Any]) -> str:
    vrf = f"vrf {args['vrf']} " if args.get("vrf") else ""
    return f"show ip route {vrf}{args.get('route', '0.0.0.0')}"


GenieCommand = Callable[[dict[str, Any]], str]
GENIE_CLASSES: dict[str, tuple[str, GenieCommand]] = {
    "iosxe/ShowVrrp": ("ios", lambda a: "show vrrp"),
    "iosxe/ShowVrrpAll": ("ios", lambda a: "show vrrp all"),
    "iosxe/ShowVrrpDetail": ("ios", lambda a: "show vrrp detail"),
    "iosxe/ShowVrrpBrief": ("ios", lambda a: "show vrrp brief"),
    "iosxe/ShowVrrpBriefAll": ("ios", lambda a: "show vrrp brief all"),
    "iosxe/ShowBfdNeighborsDetails": ("ios", lambda a: "show bfd neighbors details"),
    "ios/ShowBfdNeighborsDetails": ("ios", lambda a: "show bfd neighbors details"),
    "iosxe/ShowIpSlaStatistics": ("ios", lambda a: "show ip sla statistics"),
    "iosxe/ShowIpSlaStatisticsDetails": ("ios", lambda a: "show ip sla statistics details"),
    "iosxe/ShowIpSlaSummary": ("ios", lambda a: "show ip sla summary"),
    "iosxe/ShowTrack": ("ios", lambda a: "show track"),
    "iosxe/ShowIpRoute": (
        "ios",
        lambda a: f"show ip route vrf {a['vrf']}" if a.get("vrf") else "show ip route",
    ),
    "ios/ShowIpRoute": (
        "ios",
        lambda a: f"show ip route vrf {a['vrf']}" if a.get("vrf") else "show ip route",
    ),
    "iosxe/ShowIpRouteWord": ("ios", _ip_route_word),
    "ios/ShowIpRouteWord": ("ios", _ip_route_word),
    "iosxe/ShowRouteMapAll": ("ios", lambda a: "show route-map all"),
    "ios/ShowRouteMapAll": ("ios", lambda a: "show route-map all"),
    "iosxe/ShowIpPolicy": ("ios", lambda a: "show ip policy"),
    "iosxe/ShowRedundancyApplicationGroup": (
        "ios",
        lambda a: "show redundancy application group all",
    ),
    "ios/ShowRedundancyApplicationGroup": (
        "ios",
        lambda a: "show redundancy application group all",
    ),
    "iosxe/ShowIpInterfaceBrief": ("ios", lambda a: "show ip interface brief"),
    "junos/ShowBFDSession": ("junos", lambda a: "show bfd session"),
    "junos/ShowBFDSessionDetail": (
        "junos",
        lambda a: (
            f"show bfd session address {a['ipaddress']} detail"
            if a.get("ipaddress")
            else "show bfd session detail"
        ),
    ),
    "junos/ShowInterfacesTerse": (
        "junos",
        lambda a: (
            f"show interfaces terse {a['interface']}"
            if a.get("interface")
            else "show interfaces terse"
        ),
    ),
    "junos/ShowRoute": (
        "junos",
        lambda a: " ".join(
            ["show route"]
            + ([f"protocol {a['protocol']}"] if a.get("protocol") else [])
            + ([a["ip_address"]] if a.get("ip_address") else [])
        ),
    ),
    "junos/ShowRouteTable": (
        "junos",
        lambda a: " ".join(
            ["show route table", a.get("table", "inet.0")]
            + ([str(a["prefix"])] if a.get("prefix") else [])
            + ([str(a["destination"])] if a.get("destination") else [])
        ),
    ),
}


def _genie_expected(text: str) -> Any:
    tree = ast.parse(text)
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "expected_output" for t in node.targets
        ):
            return ast.literal_eval(node.value)
    return None


def genie(mirror: Mirror) -> Iterator[Capture]:
    for klass, (platform, make_command) in GENIE_CLASSES.items():
        os_name, name = klass.split("/")
        folder = f"src/genie/libs/parser/{os_name}/tests/{name}/cli/equal/"
        files = set(mirror.files(folder))
        for path in sorted(files):
            if not path.endswith("_output.txt") or "empty" in path:
                continue
            stem = path[: -len("_output.txt")]
            if f"{stem}_expected.py" not in files:
                continue
            args: dict[str, Any] = {}
            if f"{stem}_arguments.json" in files:
                args = json.loads(mirror.read(f"{stem}_arguments.json"))
            expected = _genie_expected(mirror.read(f"{stem}_expected.py"))
            yield Capture(
                platform=platform,
                command=make_command(args),
                source=f"genie-{os_name}",
                repo=mirror.repo,
                path=path,
                text=mirror.read(path),
                expected=expected,
                expected_format="genie",
                name=f"{name}__{Path(stem).name}",
                licence="Apache-2.0",
            )


# --- napalm-automation/napalm: the mocked outputs its drivers parse -------------------------

NAPALM_FILES: tuple[tuple[str, str, Callable[[str], str]], ...] = (
    (r"test/ios/.*/show_ip_interface_brief\.txt$", "ios", lambda p: "show ip interface brief"),
    (
        r"test/ios/mocked_data/test_get_route_to/.*/show_ip_route_(vrf_\w+?_)?1_0_4_0_255_255_255_0\.txt$",
        "ios",
        lambda p: (
            "show ip route "
            + (
                f"vrf {m.group(1)} "
                if (m := re.search(r"show_ip_route_vrf_(\w+?)_1_0_4_0", p))
                else ""
            )
            + "1.0.4.0 255.255.255.0"
        ),
    ),
    (
        r"test/junos/mocked_data/test_get_probes_results/.*/get-probe-results\.xml$",
        "junos",
        lambda p: "show services rpm probe-results | display xml",
    ),
    (
        r"test/junos/mocked_data/test_get_route_to/.*/get-route-information\.xml$",
        "junos",
        lambda p: "show route | display xml",
    ),
)


def napalm(mirror: Mirror) -> Iterator[Capture]:
    for path in sorted(mirror.files("test/")):
        for pattern, platform, make_command in NAPALM_FILES:
            if not re.search(pattern, path):
                continue
            folder = str(Path(path).parent)
            expected = None
            if f"{folder}/expected_result.json" in mirror.files(folder):
                expected = json.loads(mirror.read(f"{folder}/expected_result.json"))
            yield Capture(
                platform=platform,
                command=make_command(path),
                source="napalm",
                repo=mirror.repo,
                path=path,
                text=mirror.read(path),
                expected=expected,
                expected_format="napalm" if expected is not None else "none",
                name=path.replace("/", "_").removeprefix("test_").rsplit(".", 1)[0],
                licence="Apache-2.0",
            )


# --- Juniper/py-junos-eznc: RPC replies of its unit tests -----------------------------------

PYEZ_FILES: dict[str, tuple[str, str]] = {
    "tests/unit/factory/rpc-reply/get-bfd-session-information.xml": (
        "junos",
        "show bfd session detail | display xml",
    ),
    "tests/unit/facts/rpc-reply/cluster_true_get-chassis-cluster-status.xml": (
        "junos",
        "show chassis cluster status | display xml",
    ),
    "tests/unit/ofacts/rpc-reply/get-chassis-cluster-status.xml": (
        "junos",
        "show chassis cluster status | display xml",
    ),
    "tests/unit/rpc-reply/show-interface-terse.json": (
        "junos",
        "show interfaces terse | display json",
    ),
    "tests/unit/rpc-reply/get-route-information.json": ("junos", "show route | display json"),
}


def pyez(mirror: Mirror) -> Iterator[Capture]:
    for path, (platform, command) in PYEZ_FILES.items():
        yield Capture(
            platform=platform,
            command=command,
            source="pyez",
            repo=mirror.repo,
            path=path,
            text=mirror.read(path),
            expected=None,
            expected_format="none",
            name=path.replace("/", "_").removeprefix("tests_unit_").rsplit(".", 1)[0],
            licence="Apache-2.0",
        )


# --- 40net-cloud/fortinet-azure-solutions: CLI sessions pasted in its guides -----------------

AZURE_COMMANDS = (
    "get router info routing-table all",
    "get router info routing-table details",
    "get router info routing-table bgp",
    "get router info routing-table static",
    "get system ha status",
    "get system interface",
    "get router info bfd neighbor",
    "diagnose sys link-monitor status",
)
_PROMPT = re.compile(r"^\s*[\w.-]+(?: \([\w.-]+\))? [#$] ?(?P<cmd>.*)$")


def blocks_after_prompts(markdown: str) -> Iterator[tuple[int, str, str]]:
    """(line number, command, output) for each "host # command" in a fenced code block: the
    output runs to the next prompt or the end of the block; indentation common to it is
    stripped (the guide indents its code blocks)."""
    lines = markdown.splitlines()
    in_block = False
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.strip().startswith("```"):
            in_block = not in_block
            i += 1
            continue
        match = _PROMPT.match(line) if in_block else None
        command = " ".join(match.group("cmd").split()) if match else ""
        if match and command in AZURE_COMMANDS:
            out: list[str] = []
            j = i + 1
            while (
                j < len(lines)
                and not lines[j].strip().startswith("```")
                and not _PROMPT.match(lines[j])
            ):
                out.append(lines[j])
                j += 1
            while out and not out[-1].strip():
                out.pop()
            indents = [len(x) - len(x.lstrip()) for x in out if x.strip()]
            cut = min(indents, default=0)
            yield i + 1, command, "\n".join(x[cut:] for x in out) + "\n"
            i = j
            continue
        i += 1


def azure(mirror: Mirror) -> Iterator[Capture]:
    for path in sorted(mirror.files("")):
        if not path.endswith(".md"):
            continue
        text = mirror.read(path)
        if not any(c in text for c in AZURE_COMMANDS):
            continue
        for number, command, output in blocks_after_prompts(text):
            yield Capture(
                platform="fortios",
                command=command,
                source="40net-azure",
                repo=mirror.repo,
                path=path,
                text=output,
                expected=None,
                expected_format="none",
                name=f"{Path(path).parent.name}_{Path(path).stem}_L{number}",
                licence="MIT",
                note=f"code block after the prompt on line {number}; prompt line removed, "
                "common indentation stripped",
            )


SOURCES: dict[str, Callable[[Mirror], Iterator[Capture]]] = {
    "networktocode/ntc-templates": ntc,
    "CiscoTestAutomation/genieparser": genie,
    "napalm-automation/napalm": napalm,
    "Juniper/py-junos-eznc": pyez,
    "40net-cloud/fortinet-azure-solutions": azure,
}


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"))
    options = parser.parse_args()
    rows = []
    for repo, reader in SOURCES.items():
        mirror = Mirror(options.mirrors, repo)
        for capture in reader(mirror):
            folder = OUT / capture.platform / capture.source
            folder.mkdir(parents=True, exist_ok=True)
            stem = _safe(capture.name)
            (folder / f"{stem}.raw").write_text(capture.text, encoding="utf-8")
            meta = {
                "command": capture.command,
                "repo": capture.repo,
                "path": capture.path,
                "commit": mirror.commit,
                "licence": capture.licence,
                "note": capture.note,
                "expected_format": capture.expected_format,
                "expected": capture.expected,
            }
            (folder / f"{stem}.json").write_text(
                json.dumps(meta, indent=1, sort_keys=True, default=str) + "\n", encoding="utf-8"
            )
            rows.append(
                f"| `{capture.platform}/{capture.source}/{stem}.raw` | {capture.repo} | "
                f"`{capture.path}` | {mirror.commit} | {capture.licence} | "
                f"{capture.command}{'; ' + capture.note if capture.note else ''} |"
            )
    notice = [
        "# Real captures for the scorecard — where each comes from",
        "",
        "Written by `bench/real_captures_collect.py` from the public parser projects' test data",
        "(Apache-2.0 / MIT only). Each `<case>.raw` is a device output exactly as the source",
        "holds it; `<case>.json` beside it names the command, the source and, where the source",
        "project parses it, that project's own expected result (ntc-templates `.yml`,",
        "genieparser `_expected.py`, napalm `expected_result.json`).",
        "",
        "| file | repo | path | commit | licence | command / note |",
        "|---|---|---|---|---|---|",
        *sorted(rows),
        "",
    ]
    (OUT / "NOTICE.md").write_text("\n".join(notice), encoding="utf-8")
    print(f"{len(rows)} captures written under {OUT}")


if __name__ == "__main__":
    main()
