"""A change directory as a playbook run leaves it, with secrets planted in every place a
report reads from: backups, diffs, messages, validation output, lint findings."""

from __future__ import annotations

import json
from pathlib import Path

from egress.change.changes import ChangeDir, ChangeMeta, record_step

# every value here must be absent from every report format
SECRETS = (
    "Ios5Secret",
    "IosType7Key",
    "IosPlainPw",
    "IosType0Pw",
    "SnmpCommRO",
    "SnmpHostComm",
    "NtpMd5Key",
    "IsakmpPsk",
    "JunosNineSecret",
    "JunosSixHash",
    "JunosAuthKey",
    "JunosCommunity",
    "FortiEncPw",
    "FortiPskSecret",
    "FortiPasswd",
    "FortiSnmpName",
    "TacacsKey7",
)

IOS_PRE = """\
hostname ams-edge-02
enable secret 5 $1$mERr$Ios5Secret
username admin privilege 15 password 0 IosType0Pw
username ops secret 9 $9$IosPlainPw
snmp-server community SnmpCommRO RO 10
snmp-server host 192.0.2.1 version 2c SnmpHostComm
ntp authentication-key 1 md5 NtpMd5Key 7
crypto isakmp key IsakmpPsk address 192.0.2.9
tacacs server ISE
 key 7 TacacsKey7
key chain BFD
 key 1
  key-string 7 IosType7Key
interface GigabitEthernet2
 no shutdown
"""

IOS_DIFF = """\
+interface GigabitEthernet2
+ description EGRESS ams LAN
+ vrrp 10 address-family ipv4
-snmp-server community SnmpCommRO RO 10
+username admin privilege 15 password 0 IosType0Pw
+ip route 0.0.0.0 0.0.0.0 198.51.100.1
"""

JUNOS_DIFF = """\
[edit system root-authentication]
-  encrypted-password "$6$JunosSixHash"; ## SECRET-DATA
+  encrypted-password "$6$JunosSixHash.new"; ## SECRET-DATA
[edit protocols ospf area 0.0.0.0 interface ge-0/0/1]
+    authentication-key "$9$JunosAuthKey"; ## SECRET-DATA
[edit snmp]
+   community JunosCommunity {
+       authorization read-only;
+   }
[edit security ike policy p1]
+   pre-shared-key ascii-text "$9$JunosNineSecret"; ## SECRET-DATA
"""

FORTI_PRE = """\
config system admin
    edit "admin"
        set password ENC SH2FortiEncPw==
    next
end
config vpn ipsec phase1-interface
    edit "to-hub"
        set psksecret ENC FortiPskSecret
    next
end
config user local
    edit "ops"
        set passwd FortiPasswd
    next
end
config system snmp community
    edit 1
        set name "FortiSnmpName"
    next
end
"""


def _set_last_duration(change: ChangeDir, seconds: float) -> None:
    """record_step measures from ``started`` to now; a fixture needs exact durations."""
    steps = change.root / "steps.jsonl"
    lines = steps.read_text().splitlines()
    last = json.loads(lines[-1])
    last["duration_s"] = seconds
    steps.write_text("\n".join([*lines[:-1], json.dumps(last)]) + "\n")


def plant(root: Path, *, dry_run: bool = False) -> ChangeDir:
    """A change with one committed IOS device, one rolled-back Junos device and one skipped
    FortiGate, every file laced with secrets."""
    change = ChangeDir.create(root, "CHG-42-20261126T120000Z-abcdef")
    hosts = {
        "ams-edge-02": ("committed" if not dry_run else "would-change", IOS_PRE, IOS_DIFF),
        "nyc-srx-02": (
            "rolled-back",
            'system { root-authentication { encrypted-password "$6$JunosSixHash"; } }\n',
            JUNOS_DIFF,
        ),
        "syd-fgt-02": ("skipped", FORTI_PRE, ""),
    }
    for host, (_outcome, pre, diff) in hosts.items():
        change.write_backup(host, pre)
        change.write_host_file(host, "diff.txt", diff)
    checks = [
        {
            "host": "ams-edge-02",
            "feature": "vrrp",
            "subject": "vrrp 10 on Gi2",
            "expected": "Master",
            "observed": "Init",
            "passed": False,
        },
        {
            "host": "ams-edge-02",
            "feature": "bfd",
            "subject": "bfd 198.51.100.1 (isp1)",
            "expected": "Up",
            "observed": "Up",
            "passed": True,
        },
    ]
    change.write_host_file("ams-edge-02", "pre-validate.json", json.dumps(checks))
    after = [dict(checks[0], observed="Master", passed=True), checks[1]]
    change.write_host_file("ams-edge-02", "post-validate.json", json.dumps(after))
    record_step(
        change,
        host="nyc-srx-02",
        step="failure",
        ok=False,
        started=0.0,
        kind="rejected",
        message='the device rejected: authentication-key "$9$JunosAuthKey"',
    )
    outcomes = {
        "ams-edge-02": {
            "outcome": hosts["ams-edge-02"][0],
            "config": "intended",
            "message": "",
            "diff_lines": 6,
            "duration_s": 3.2,
        },
        "nyc-srx-02": {
            "outcome": "rolled-back",
            "config": "pre-change",
            # redaction takes the rest of a line after a secret keyword
            "message": "restored by device rollback after: the device rejected "
            "the configuration: snmp-server community SnmpCommRO RO",
            "diff_lines": 11,
            "duration_s": 4.0,
        },
        "syd-fgt-02": {
            "outcome": "skipped",
            "config": "pre-change",
            "message": "failure budget exhausted",
            "diff_lines": 0,
            "duration_s": 0.0,
        },
    }
    change.write_json(
        "summary.json",
        {
            "change_id": change.change_id,
            "dry_run": dry_run,
            "stopped_by_budget": True,
            "interrupted": False,
            "batches": [["ams-edge-02"], ["nyc-srx-02"], ["syd-fgt-02"]],
            "hosts": outcomes,
            "policy_rollbacks": {},
            "status": "failed",
        },
    )
    change.write_meta(
        ChangeMeta(
            verb="run",
            operator="jdoe",
            environment="lab",
            ticket="CHG-42",
            approver="Mary Major (CAB)",
            window="2026-11-26 12:00-13:00 UTC",
        )
    )
    # ams is a sync pair (secondary first), nyc a chassis cluster (one commit, one mirror)
    pairs = {
        "ams-edge-01": ("ams", "primary", 2, "push"),
        "ams-edge-02": ("ams", "secondary", 1, "push"),
        "nyc-srx-01": ("nyc", "primary", 2, "push"),
        "nyc-srx-02": ("nyc", "secondary", 2, "check-mirror"),
        "syd-fgt-02": ("syd", "secondary", 1, "push"),
    }
    change.write_json(
        "plan.json",
        {
            "change_id": change.change_id,
            "dry_run": dry_run,
            "options": {"settle_s": 20.0},
            "hosts": [
                {
                    "host": h,
                    "site": site,
                    "role": role,
                    "wave": wave,
                    "action": action,
                    "why": "own config",
                }
                for h, (site, role, wave, action) in pairs.items()
            ],
        },
    )
    # measured step times: ams-edge-01's commit..confirm is 12 s, each restore ~ its commit
    for host, step, seconds in (
        ("ams-edge-01", "backup", 1.0),
        ("ams-edge-01", "commit", 6.0),
        ("ams-edge-01", "verify", 1.0),
        ("ams-edge-01", "validate", 4.0),
        ("ams-edge-01", "confirm", 1.0),
        ("ams-edge-02", "backup", 1.0),
        ("ams-edge-02", "commit", 5.0),
        ("nyc-srx-01", "backup", 2.0),
        ("nyc-srx-01", "commit", 9.0),
        ("syd-fgt-02", "backup", 1.0),
        ("syd-fgt-02", "commit", 3.0),
    ):
        record_step(change, host=host, step=step, ok=True, started=1_764_158_400.0 - seconds)
        _set_last_duration(change, seconds)
    change.write_json(
        "run.json",
        {
            "change_id": change.change_id,
            "dry_run": dry_run,
            "lab": True,
            "playbook": {"name": "rollout", "description": "test change", "rollback": "batch"},
            "status": "failed",
            "started": "2026-11-26T12:00:00+00:00",
            "duration_s": 42.0,
            "batches": [
                {"number": 1, "label": "canary ams: secondaries", "hosts": ["ams-edge-02"]}
            ],
            "steps": [
                {
                    "index": 1,
                    "step": "render",
                    "status": "done",
                    "detail": "3 configs",
                    "duration_s": 0.1,
                }
            ],
            "policy_rollbacks": {},
        },
    )
    (change.root / "lint.json").write_text(
        json.dumps(
            {
                "summary": {"errors": 0, "warnings": 1, "hosts": 3, "rules": 41},
                "findings": [
                    {
                        "rule": "SEC001",
                        "severity": "warning",
                        "title": "t",
                        "host": "ams-edge-02",
                        "file": "build/configs/ams-edge-02.cfg",
                        "line": 3,
                        "message": "plain-text password: password 0 IosType0Pw",
                        "hint": "use secret 9",
                    }
                ],
            }
        )
    )
    return change
