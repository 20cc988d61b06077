"""The scorecard over every real capture of the public parser projects (bench/real_captures.py):
egress's records agree with each project's own parse on at least 95 % of captures, overall
and on the commands `egress validate` runs."""

from __future__ import annotations

from bench.real_captures import CAPTURES, run, shares, validate_commands


def test_the_scorecard_is_at_least_95_percent_right_overall_and_on_validates_commands() -> None:
    scores = run()
    assert len(scores) >= 150, f"only {len(scores)} captures under {CAPTURES}"
    overall, checked = shares(scores, validate_commands())
    wrong = [(s.case, s.detail) for s in scores if s.verdict in ("wrong", "error")]
    assert overall >= 95.0, wrong
    assert checked >= 95.0, wrong


def test_a_truncated_capture_is_a_parse_error_not_an_empty_answer() -> None:
    # PyEZ's get-route-information.json ends before its arrays close
    (truncated,) = [s for s in run() if s.case.endswith("rpc-reply_get-route-information")]
    assert truncated.verdict == "error" and "malformed JSON" in truncated.detail
