"""What a device's own confirm timer can be armed to, and whether a change fits inside it.

A commit is confirmed only while the device's timer is still running: once it fires, the
device has gone back to its pre-change config by itself, and confirming then would report a
change the device no longer holds. So before any device is contacted, the timer must be one
the platform accepts, and long enough for everything egress does between the commit and the
confirm: check the intended config is there, post-checks for up to ``--settle`` seconds,
then the confirm itself. Each of those device steps may take up to the device ``--timeout``
before it fails, so that is what they are budgeted at.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from egress.platforms import TimerRule, by_platform

# each platform's confirm timer: its profile's (egress/platforms/<slug>/)
TIMER_RULES: Mapping[str, TimerRule] = by_platform("confirm_timer")

# The device steps between commit and confirm, each bounded by the device timeout:
# the check that the intended config is all there, and the confirm (with its re-check).
STEPS_AFTER_COMMIT = 2


@dataclass(frozen=True, slots=True)
class ConfirmProblem:
    host: str
    platform: str
    message: str
    hint: str


def confirm_problems(
    seconds: int | None,
    platforms: Mapping[str, str],
    *,
    settle_s: float,
    post_check: bool,
    timeout_s: int,
) -> Iterable[ConfirmProblem]:
    """Every host whose platform cannot arm ``seconds``, or whose change cannot be confirmed
    before that timer fires (``platforms``: host -> platform)."""
    if seconds is None:
        return
    needed = (settle_s if post_check else 0.0) + STEPS_AFTER_COMMIT * timeout_s
    for host, platform in sorted(platforms.items()):
        rule = TIMER_RULES[platform]
        if not rule.allows(seconds):
            yield ConfirmProblem(
                host,
                platform,
                f"a confirm timer of {seconds} s is not possible on {platform}",
                f"{platform} needs {rule.describe()}",
            )
        elif seconds < needed:
            yield ConfirmProblem(
                host,
                platform,
                f"a confirm timer of {seconds} s would fire before egress can confirm: "
                f"the post-checks may take {settle_s:g} s (--settle) and the "
                f"{STEPS_AFTER_COMMIT} device steps after the commit up to {timeout_s} s "
                f"each (--timeout), {needed:g} s in all",
                f"give a timer of at least {_round_up(needed, rule)} s, or a shorter "
                "--settle / --timeout",
            )


def _round_up(value: float, rule: TimerRule) -> int:
    return max(rule.low, int(-(-value // rule.step) * rule.step))
