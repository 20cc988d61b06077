"""E4xx: load sharing: enough equal paths, and a hash the platform really has."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from egress.lint.findings import Issue
from egress.lint.model import DeviceView
from egress.lint.registry import rule
from egress.model.design import Hashing
from egress.platforms import by_platform, nearest_hashing

# The rendered hash knob of each platform and the hashing it implements (its profile's).
HASH_KNOBS: Mapping[str, dict[str, Hashing]] = by_platform("hash_knobs")


@rule("E401", title="load sharing with fewer than two equal-cost paths")
def ecmp_paths(view: DeviceView) -> Iterable[Issue]:
    if view.intent.ecmp is None:
        return
    routes = [r for r in view.facts.default_routes() if r.distance is not None]
    if not routes:
        yield view.at(
            1,
            "load sharing, but no default route is rendered",
            "render one default route per uplink",
        )
        return
    best = min(r.distance for r in routes if r.distance is not None)
    equal = [r for r in routes if r.distance == best]
    if len(equal) < 2:
        others = [r for r in routes if r.distance != best]
        line = others[0].line if others else equal[0].line
        yield view.at(
            line,
            f"load sharing over {len(equal)} path: only {equal[0].gateway} has "
            f"the best distance {best}",
            "every uplink's default route needs the same distance/preference in load-sharing mode",
        )


@rule("E402", title="ECMP hash mode not supported by the platform or not the design's")
def ecmp_hash(view: DeviceView) -> Iterable[Issue]:
    ecmp = view.intent.ecmp
    if ecmp is None:
        return
    wanted = Hashing(ecmp.hashing)
    fact = view.facts.ecmp
    if fact is None:
        yield view.at(
            1,
            f"load sharing by {wanted.value}, but no hash setting is rendered",
            "the ecmp template rendered nothing",
        )
        return
    profile = view.profile
    knobs = HASH_KNOBS[view.platform]
    mode = knobs.get(fact.knob)
    if mode is None or mode not in profile.hashing:
        target = wanted if wanted in profile.hashing else nearest_hashing(profile, wanted)
        have = ", ".join(f"{k!r} ({m.value})" for k, m in knobs.items())
        yield view.at(
            fact.line,
            f"{profile.vendor} has no ECMP hash {fact.knob!r}",
            f"the nearest it supports is {target.value}; knobs: {have}",
        )
    elif mode is not wanted:
        yield view.at(
            fact.line,
            f"hash {fact.knob!r} is {mode.value}, the design asks {wanted.value}",
            f"render the {wanted.value} knob: {next(k for k, m in knobs.items() if m is wanted)!r}",
        )
