"""Every lab device serves RSA and Ed25519 host keys, RSA first in the lab's known_hosts, and
egress reaches all three platforms with it; Junos with RSA, ECDSA and Ed25519 lines in any
order (ncclient + paramiko 5: egress/devices/sshkeys.py)."""

from __future__ import annotations

import itertools

import asyncssh
import pytest

from egress.lab.spec import KNOWN_HOSTS
from tests.integration.conftest import Lab
from tests.integration.deploy.helpers import egress, lab_facts, summary

HOSTS = {"ios": "ams-edge-01", "junos": "nyc-srx-01", "fortios": "syd-fgt-01"}


def test_the_lab_lists_rsa_first_and_every_platform_is_reachable(lab: Lab) -> None:
    lines = (lab.state / KNOWN_HOSTS).read_text().splitlines()
    for host in HOSTS.values():
        name = f"[127.0.0.1]:{lab.spec.device(host).port}"
        types = [line.split()[1] for line in lines if line.split()[0] == name]
        assert types == ["ssh-rsa", "ssh-ed25519"], (host, types)
    result = egress("diff", *lab.args(), "--hosts", ",".join(HOSTS.values()), "--json")
    outcomes = summary(result)["hosts"]
    assert {h: o["outcome"] for h, o in outcomes.items()} == {
        h: "would-change" for h in HOSTS.values()
    }, outcomes


@pytest.mark.parametrize("order", list(itertools.permutations(["ssh-rsa", "ecdsa", "ed25519"])))
def test_junos_accepts_rsa_ecdsa_and_ed25519_lines_in_any_order(
    lab: Lab, order: tuple[str, ...]
) -> None:
    host = HOSTS["junos"]
    name = f"[127.0.0.1]:{lab.spec.device(host).port}"
    known = lab.state / KNOWN_HOSTS
    own = {
        line.split()[1]: line for line in known.read_text().splitlines() if line.startswith(name)
    }
    # the device serves no ECDSA key: a line for one (an old key, another node) must not hurt
    ecdsa = asyncssh.generate_private_key("ecdsa-sha2-nistp256").export_public_key().decode()
    lines = {
        "ssh-rsa": own["ssh-rsa"],
        "ed25519": own["ssh-ed25519"],
        "ecdsa": f"{name} {' '.join(ecdsa.split()[:2])}",
    }
    others = [line for line in known.read_text().splitlines() if not line.startswith(name)]
    known.write_text("\n".join([*others, *(lines[k] for k in order)]) + "\n")
    assert lab_facts(lab, host)["hostname"] == host
