"""Where a change's tasks run: Nornir's threaded runner in this process (the default), or a
Dask cluster (:mod:`egress.runners.dask`: an embedded LocalCluster, or an existing one)."""

from __future__ import annotations

import os

from nornir.core import Nornir

from egress.errors import InputError, Location

SCHEDULER_ENV = "EGRESS_SCHEDULER"
RUNNERS = ("threaded", "dask")


def select_runner(
    nr: Nornir,
    *,
    runner: str | None = None,
    scheduler: str | None = None,
    dask_workers: int | None = None,
    start: bool = True,
) -> Nornir:
    """``nr`` with the runner the options name: ``--scheduler`` (or ``$EGRESS_SCHEDULER``,
    or ``runner: {plugin: dask, options: {scheduler: ...}}`` in nornir.yaml) joins an
    existing Dask cluster; ``--runner dask`` starts an embedded one of ``--dask-workers``
    processes; nothing keeps Nornir's threaded runner. The Dask runner starts (or joins) its
    cluster at once, in the background, unless ``start`` is False."""
    configured = nr.config.runner
    options = dict(configured.options or {})
    if configured.plugin == "dask":
        runner = runner or "dask"
        scheduler = scheduler or options.get("scheduler")
        dask_workers = dask_workers or options.get("workers")
    scheduler = scheduler or os.environ.get(SCHEDULER_ENV) or None
    if scheduler:
        runner = runner or "dask"
    if runner in (None, "threaded"):
        if scheduler or dask_workers:
            raise InputError(
                "--scheduler and --dask-workers need the Dask runner",
                location=Location(field="--runner"),
                hint="drop --runner threaded, or add --runner dask",
            )
        return nr
    if runner != "dask":
        raise InputError(
            f"unknown runner {runner!r}",
            location=Location(field="--runner"),
            hint=f"use one of: {', '.join(RUNNERS)}",
        )
    if scheduler:
        _require_tls(scheduler)
    from egress.runners.dask import DaskRunner

    threads = int(options.get("num_workers", 20))
    dask = DaskRunner(scheduler=scheduler, workers=dask_workers, threads=threads)
    if start:
        dask.start()
    return nr.with_runner(dask)


LOCAL = {"127.0.0.1", "localhost", "::1", "[::1]"}


def _require_tls(address: str) -> None:
    """The tasks carry device credentials: beyond this machine only over Dask's TLS."""
    scheme, _, rest = address.partition("://")
    host = rest.rsplit(":", 1)[0] if rest else scheme
    if scheme == "tls" or host in LOCAL:
        return
    raise InputError(
        f"the Dask scheduler {address} is not on this machine and not tls://",
        location=Location(field="--scheduler"),
        hint="a change's tasks carry device credentials: run the cluster with Dask TLS "
        "(tls://HOST:PORT and distributed.comm.tls in Dask's config; docs/adr.md)",
    )


def close_runner(nr: Nornir) -> None:
    """Stop what the runner started (an embedded cluster), if anything."""
    close = getattr(nr.runner, "close", None)
    if callable(close):
        close()
