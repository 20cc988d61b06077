"""Generate a large Nornir inventory of egress sites (for benchmarks), three platforms mixed.

Every pair is one of six site shapes that mirror the example inventory (IOS-XE sync pairs in
both modes, an SRX cluster, an SRX VRRP pair, a FortiGate FGCP cluster, an FGSP pair), with
unique addressing per site. Usage: python -m bench.gen_inventory OUT_DIR [DEVICES]
"""

from __future__ import annotations

import shutil
import sys
from ipaddress import IPv4Address
from pathlib import Path
from typing import Any

import yaml

_Dumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

# (platform, mode, hashing, ha form or None, port names lan/isp1/isp2/ha for member 0 and 1)
SHAPES: list[dict[str, Any]] = [
    {
        "platform": "ios",
        "mode": "load-sharing",
        "hashing": "five-tuple",
        "ha": "sync-pair",
        "ports": [["GigabitEthernet2", "GigabitEthernet3", "GigabitEthernet4", "GigabitEthernet5"]]
        * 2,
    },
    {
        "platform": "ios",
        "mode": "active-standby",
        "hashing": "five-tuple",
        "ha": "sync-pair",
        "ports": [["GigabitEthernet2", "GigabitEthernet3", "GigabitEthernet4", "GigabitEthernet5"]]
        * 2,
    },
    {
        "platform": "junos",
        "mode": "active-standby",
        "hashing": "five-tuple",
        "ha": "cluster",
        "ports": [
            ["ge-0/0/3", "ge-0/0/4", "ge-0/0/5", "ge-0/0/2"],
            ["ge-5/0/3", "ge-5/0/4", "ge-5/0/5", "ge-5/0/2"],
        ],
    },
    {
        "platform": "junos",
        "mode": "load-sharing",
        "hashing": "five-tuple",
        "ha": None,
        "ports": [["ge-0/0/1", "ge-0/0/2", "ge-0/0/3", None]] * 2,
    },
    {
        "platform": "fortios",
        "mode": "active-standby",
        "hashing": "source-ip",
        "ha": "cluster",
        "ports": [["port2", "port3", "port4", "port5"]] * 2,
    },
    {
        "platform": "fortios",
        "mode": "load-sharing",
        "hashing": "source-ip",
        "ha": "sync-pair",
        "ports": [["port2", "port3", "port4", "port5"]] * 2,
    },
]


def _site(index: int, shape: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    lan = IPv4Address("10.0.0.0") + index * 256
    isp1 = IPv4Address("100.64.0.0") + index * 8
    isp2 = IPv4Address("100.96.0.0") + index * 8
    ha_net = IPv4Address("169.254.0.0") + index * 4
    site: dict[str, Any] = {
        "name": f"s{index}",
        "description": f"generated site {index}",
        "mode": shape["mode"],
        "hashing": shape["hashing"],
        "lan": {"prefix": f"{lan}/24", "vip": str(lan + 1), "vrrp_group": 1 + index % 250},
        "links": [
            {"name": "isp1", "provider": "ISP-A", "prefix": f"{isp1}/29", "gateway": str(isp1 + 1)},
            {"name": "isp2", "provider": "ISP-B", "prefix": f"{isp2}/29", "gateway": str(isp2 + 1)},
        ],
        "bfd": {"interval_ms": 50, "multiplier": 3},
        "probes": [
            {"name": "isp1-icmp", "type": "icmp", "link": "isp1", "target": "192.0.2.10"},
            {
                "name": "isp2-tcp",
                "type": "tcp",
                "link": "isp2",
                "target": "192.0.2.30",
                "port": 443,
            },
            {
                "name": "isp2-http",
                "type": "http",
                "link": "isp2",
                "target": "192.0.2.20",
                "path": "/health",
            },
        ],
        "pbr": [{"name": "voice", "match": {"dscp": "ef"}, "via": "isp2"}],
    }
    if shape["ha"]:
        site["ha_sync"] = {"form": shape["ha"], "group_id": 1 + index % 250}
        if shape["ha"] == "sync-pair":
            site["ha_sync"]["prefix"] = f"{ha_net}/30"
    cluster = shape["ha"] == "cluster"
    hosts = []
    for member in (0, 1):
        lan_p, isp1_p, isp2_p, ha_p = shape["ports"][member]
        interfaces: dict[str, Any] = {
            "lan": {"name": lan_p},
            "isp1": {"name": isp1_p},
            "isp2": {"name": isp2_p},
        }
        if not cluster:
            interfaces["lan"]["address"] = str(lan + 2 + member)
        if not cluster or member == 0:
            interfaces["isp1"]["address"] = str(isp1 + 2 + member)
            interfaces["isp2"]["address"] = str(isp2 + 2 + member)
        if shape["ha"]:
            interfaces["ha"] = {"name": ha_p}
            if shape["ha"] == "sync-pair":
                interfaces["ha"]["address"] = str(ha_net + 1 + member)
        hosts.append(
            {
                "hostname": str(IPv4Address("10.128.0.0") + index * 2 + member),
                "groups": [f"site_s{index}", shape["platform"]],
                "data": {
                    "role": "primary" if member == 0 else "secondary",
                    "interfaces": interfaces,
                },
            }
        )
    return site, hosts


def generate(out_dir: Path, *, devices: int) -> Path:
    """Write a Nornir inventory directory with ``devices`` hosts (rounded down to pairs)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    groups: dict[str, Any] = {p: {"platform": p} for p in ("ios", "junos", "fortios")}
    hosts: dict[str, Any] = {}
    for index in range(devices // 2):
        shape = SHAPES[index % len(SHAPES)]
        site, members = _site(index, shape)
        groups[f"site_s{index}"] = {"data": {"site": site}}
        for member, host in enumerate(members):
            hosts[f"s{index}-edge-{member + 1:02d}"] = host
    example = Path(__file__).resolve().parent.parent / "inventory"
    shutil.copy(example / "nornir.yaml", out_dir / "nornir.yaml")
    (out_dir / "defaults.yaml").write_text("port: 22\ndata: {}\n")
    (out_dir / "groups.yaml").write_text(yaml.dump(groups, Dumper=_Dumper, sort_keys=False))
    (out_dir / "hosts.yaml").write_text(yaml.dump(hosts, Dumper=_Dumper, sort_keys=False))
    return out_dir


if __name__ == "__main__":
    target = generate(Path(sys.argv[1]), devices=int(sys.argv[2]) if len(sys.argv) > 2 else 10000)
    print(target)
