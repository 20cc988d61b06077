"""Pushing a rendered ``frr`` config to one drill router: backup, diff, commit, rollback.

A NAPALM-shaped device (``get_config``/``load_replace_candidate``/``compare_config``/
``commit_config``/``rollback``/``cli``) over vtysh in the router's namespace. The FRR part is
replaced with FRR's own ``frr-reload.py`` (it computes the delta against the running config
and applies it through vtysh: the tool FRR ships for exactly this); each glue kind is applied
whole with its own tool and its daemon (re)started (keepalived, conntrackd, egress's prober).
The backup holds the running FRR config and the glue last applied, so a rollback is a
commit of the backup.
"""

from __future__ import annotations

import difflib
import os
import signal
import subprocess
import sys
import time

from egress.drill import glue, netns
from egress.drill.world import World

FRR_RELOAD = "/usr/lib/frr/frr-reload.py"


class FrrDevice:
    def __init__(self, world: World, host: str) -> None:
        self.world = world
        self.host = host
        self.ns = world.router_ns(host)
        self.dir = world.router_dir(host)
        self.vty = world.vty(host)
        self.candidate: str | None = None
        self.applied = self.dir / "applied.glue"
        self.daemons: dict[str, subprocess.Popen[bytes]] = {}

    # --- NAPALM-shaped API -------------------------------------------------------------
    def get_config(self) -> str:
        running = self.cli("show running-config")
        applied = glue.split(self.applied.read_text()) if self.applied.exists() else None
        return glue.join(_strip_header(running), applied.glue if applied else {})

    def load_replace_candidate(self, config: str) -> None:
        glue.split(config)  # refuse an unknown glue kind before anything is sent
        self.candidate = config

    def compare_config(self) -> str:
        assert self.candidate is not None
        new = glue.split(self.candidate)
        path = self.dir / "candidate.frr"
        path.write_text(new.frr)
        frr_diff = netns.run(
            [*self._reload_args(), "--test", str(path)], ns=self.ns, timeout=30
        ).stdout
        old = glue.split(self.get_config())
        glue_diff = "".join(
            difflib.unified_diff(
                glue.join("", old.glue).splitlines(keepends=True),
                glue.join("", new.glue).splitlines(keepends=True),
                "running (glue)",
                "candidate (glue)",
            )
        )
        return (frr_diff.strip() + "\n" + glue_diff).strip() + "\n"

    def commit_config(self) -> None:
        assert self.candidate is not None
        new = glue.split(self.candidate)
        path = self.dir / "candidate.frr"
        path.write_text(new.frr)
        netns.run([*self._reload_args(), "--reload", str(path)], ns=self.ns, timeout=60)
        self._apply_glue(new)
        self.applied.write_text(glue.join("", new.glue))
        self.candidate = None

    def rollback(self, backup: str) -> None:
        self.load_replace_candidate(backup)
        self.commit_config()

    def cli(self, command: str) -> str:
        """A vtysh command, or one of the box's Linux commands validate reads."""
        linux = {
            "keepalived --signum=DATA": self._keepalived_data,
            "conntrackd -s": self._conntrackd_stats,
            "cat /run/egress/probe/status.json": self._probe_status,
        }
        if command in linux:
            return linux[command]()
        # vtysh reaches the daemons by their unix sockets: no need to enter the namespace
        return netns.run(["vtysh", "--vty_socket", str(self.vty), "-c", command]).stdout

    def _keepalived_data(self) -> str:
        """keepalived writes its state to $TMPDIR/keepalived.data on the signal
        ``keepalived --signum=DATA`` names (keepalived(8))."""
        pidfile = self.dir / "keepalived.pid"
        if not self._running("keepalived") or not pidfile.exists():
            return ""
        number = int(netns.run(["keepalived", "--signum=DATA"]).stdout.strip())
        data = self.dir / "tmp" / "keepalived.data"
        before = data.stat().st_mtime_ns if data.exists() else 0
        os.kill(int(pidfile.read_text().strip()), number)
        wait_until(lambda: data.exists() and data.stat().st_mtime_ns != before, 2.0, 0.01)
        time.sleep(0.02)  # written in one go by the VRRP child; let it close the file
        return data.read_text() if data.exists() else ""

    def _conntrackd_stats(self) -> str:
        if not self._running("conntrackd"):
            return ""
        args = netns.with_run_dir(
            self.dir, ["conntrackd", "-C", f"{netns.RENDERED_RUN}/conntrackd.conf", "-s"]
        )
        return netns.run(args, ns=self.ns, check=False).stdout

    def _probe_status(self) -> str:
        path = self.dir / "probe" / "status.json"
        return path.read_text() if path.exists() and self._running("prober") else "[]"

    # --- glue ---------------------------------------------------------------------------
    def _reload_args(self) -> list[str]:
        return [
            sys.executable,
            FRR_RELOAD,
            "--vty_socket",
            str(self.vty),
            "--bindir",
            "/usr/bin",
            "--confdir",
            str(self.vty),
            "--rundir",
            str(self.vty),
        ]

    def _apply_glue(self, new: glue.Split) -> None:
        for item in new.glue.get("sysctl", []):
            netns.run(["sysctl", "-qw", item], ns=self.ns)
        lines = new.glue.get("iproute", [])
        # `ip rule` has no replace: delete each rule first (absent is fine), then add it
        deletes = [
            f"rule del {line[len('rule add ') :]}" for line in lines if line.startswith("rule add ")
        ]
        if deletes:
            netns.run(
                ["ip", "-force", "-batch", "-"],
                ns=self.ns,
                input="\n".join(deletes) + "\n",
                check=False,
            )
        netns.ip_batch(lines, ns=self.ns)
        ruleset = new.glue_text("nftables")
        if ruleset:
            heads = glue.nft_tables(ruleset)
            reset = "".join(f"table {h} {{}}\ndelete table {h}\n" for h in heads)
            (self.dir / "egress.nft").write_text(reset + ruleset)
            netns.run(["nft", "-f", str(self.dir / "egress.nft")], ns=self.ns)
        self._daemon("keepalived", new.glue_text("keepalived"), self._keepalived)
        self._daemon("conntrackd", new.glue_text("conntrackd"), self._conntrackd)
        self._daemon("prober", new.glue_text("probe"), self._prober)

    def _daemon(self, name: str, text: str, args: list[str]) -> None:
        conf = self.dir / f"{name}.conf"
        if conf.exists() and conf.read_text() == text and self._running(name):
            return
        self.stop(name)
        if not text:
            conf.unlink(missing_ok=True)
            return
        conf.write_text(text)
        self.start(name)

    def start(self, name: str) -> None:
        args = {
            "keepalived": self._keepalived,
            "conntrackd": self._conntrackd,
            "prober": self._prober,
        }[name]
        process = netns.spawn(args, ns=self.ns, log=self.dir / f"{name}.log", run_in=self.dir)
        self.daemons[name] = process
        time.sleep(0.05)
        if process.poll() is not None:
            log = (self.dir / f"{name}.log").read_text()[-300:]
            raise netns.DrillError(f"{self.host}: {name} exited at start: {log}")

    def stop(self, name: str, sig: int = signal.SIGTERM, timeout: float = 3.0) -> None:
        process = self.daemons.pop(name, None)
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout)

    def _running(self, name: str) -> bool:
        process = self.daemons.get(name)
        return process is not None and process.poll() is None

    @property
    def _keepalived(self) -> list[str]:
        rd = netns.RENDERED_RUN
        return [
            "keepalived",
            "--dont-fork",
            "--vrrp",
            "--log-console",
            "--use-file",
            f"{rd}/keepalived.conf",
            "--pid",
            f"{rd}/keepalived.pid",
            "--vrrp_pid",
            f"{rd}/keepalived-vrrp.pid",
        ]

    @property
    def _conntrackd(self) -> list[str]:
        return ["conntrackd", "-C", f"{netns.RENDERED_RUN}/conntrackd.conf"]

    @property
    def _prober(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "egress.drill.prober",
            "--config",
            f"{netns.RENDERED_RUN}/prober.conf",
            "--state",
            f"{netns.RENDERED_RUN}/probe",
            "--vty",
            f"{netns.RENDERED_RUN}/frr",
            "--max-runtime",
            "900",
        ]


def _strip_header(running: str) -> str:
    """vtysh's "Building configuration..." preamble is not configuration."""
    lines = running.splitlines()
    while lines and not lines[0].startswith(("frr ", "!")):
        lines.pop(0)
    return "\n".join(lines) + "\n"


def wait_until(check: object, timeout: float, step: float = 0.05) -> bool:
    """Poll ``check()`` until true or ``timeout`` s pass (a bounded loop)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(check) and check():
            return True
        time.sleep(step)
    return False
