"""Which parser reads which (platform, command): data, looked up, never an if-chain.

Each entry names the record kind it yields, how the text is read (a TTP template in
``templates/<platform>/parse/<slug>.ttp``, or for Junos "| display xml" / "| display json"
forms a reader giving the same rows as the text template) and the converter from rows to
records. Aliases are other commands
printing the same layout (``show vrrp all`` prints what ``show vrrp`` prints).

Template and fixture names follow one slug rule, :func:`command_slug`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from egress.errors import InputError
from egress.parse.spec import (
    Converter,
    ParserSpec,
    Reader,
    RecordLine,
    command_slug,
    normalise_command,
)
from egress.platforms import PLATFORMS as _PLATFORMS


def _index(specs: Sequence[ParserSpec]) -> dict[tuple[str, str], ParserSpec]:
    index: dict[tuple[str, str], ParserSpec] = {}
    for spec in specs:
        for command in (spec.command, *spec.aliases):
            key = (spec.platform, normalise_command(command))
            if key in index:
                raise RuntimeError(f"two parsers registered for {key}")  # a registry typo
            index[key] = spec
    return index


@dataclass(frozen=True, slots=True)
class _Registered:
    """Every installed platform's parsers (``egress/platforms/<slug>/parsers.py``), indexed."""

    specs: tuple[ParserSpec, ...]
    by_command: dict[tuple[str, str], ParserSpec]
    platforms: tuple[str, ...]
    patterns: tuple[tuple[str, re.Pattern[str], ParserSpec], ...]
    # keyword tries of the registered commands, for abbreviations
    tries: dict[str, dict[str, Any]]


@functools.cache
def _registered() -> _Registered:
    return _indexed(tuple(spec for platform in _PLATFORMS for spec in _platform_specs(platform)))


@functools.cache
def _platform_specs(platform: str) -> tuple[ParserSpec, ...]:
    if not _PLATFORMS.has_module(platform, "parsers"):
        return ()
    return tuple(_PLATFORMS.module(platform, "parsers").PARSERS)


@functools.cache
def _one_platform(platform: str) -> _Registered:
    """One platform's parsers alone: `egress parse` looks one command up, and importing
    every platform's converters (lxml for Junos XML, netutils ...) costs ~40 ms at start
    (issue 18). Indexed as :func:`_registered` indexes them all."""
    return _indexed(_platform_specs(platform) if platform in _PLATFORMS else ())


def _indexed(specs: tuple[ParserSpec, ...]) -> _Registered:
    by_command = _index(specs)
    return _Registered(
        specs=specs,
        by_command=by_command,
        platforms=tuple(dict.fromkeys(spec.platform for spec in specs)),
        patterns=tuple(
            (spec.platform, re.compile(pattern), spec)
            for spec in specs
            for pattern in spec.patterns
        ),
        tries=_tries(list(by_command)),
    )


def _platforms() -> tuple[str, ...]:
    """Platforms with parsers, in the registry's order (without importing any parser)."""
    return tuple(p for p in _PLATFORMS if _PLATFORMS.has_module(p, "parsers"))


def _has_parsers(platform: str) -> bool:
    """``platform`` is a registered platform with parsers, asked of that one platform (the
    registry reads every installed distribution's entry points only for a name that is not
    built in)."""
    return platform in _PLATFORMS and _PLATFORMS.has_module(platform, "parsers")


def refresh() -> None:
    """Index again (after a platform was registered at run time: a test's toy platform)."""
    _registered.cache_clear()
    _platform_specs.cache_clear()
    _one_platform.cache_clear()


def __getattr__(name: str) -> Any:
    """``SPECS`` (every registration) and ``PLATFORMS`` (platforms with parsers), read from
    the platform registry on first use."""
    if name == "SPECS":
        return _registered().specs
    if name == "PLATFORMS":
        return _registered().platforms
    raise AttributeError(name)


def _by_pattern(platform: str, command: str) -> ParserSpec | None:
    """The parser whose argument form matches the whole command (first registered wins)."""
    return next(
        (
            spec
            for plat, rx, spec in _one_platform(platform).patterns
            if plat == platform and rx.fullmatch(command)
        ),
        None,
    )


def expand_abbreviations(platform: str, command: str) -> str:
    """Keywords abbreviated as the device's CLI accepts them, written out: each word that is
    the start of exactly one keyword the registered commands have at that point (``sh vrrp
    br`` -> ``show vrrp brief``). The first word that starts no keyword there (an address, a
    VRF name) and everything after it stay as typed.

    >>> expand_abbreviations("ios", "sh ip ro 0.0.0.0")
    'show ip route 0.0.0.0'
    >>> expand_abbreviations("junos", "sh vrrp sum")
    'show vrrp summary'
    """
    words = command.split()
    node = _one_platform(platform).tries.get(platform, {})
    for index, word in enumerate(words):
        if word in node:
            node = node[word]
            continue
        matches = [k for k in node if k.startswith(word)]
        if len(matches) != 1:
            break  # not a keyword here (an argument), or ambiguous: the device would refuse
        words[index] = matches[0]
        node = node[matches[0]]
    return " ".join(words)


def _tries(commands: Sequence[tuple[str, str]]) -> dict[str, dict[str, Any]]:
    tries: dict[str, dict[str, Any]] = {}
    for platform, command in commands:
        node = tries.setdefault(platform, {})
        for word in command.split():
            node = node.setdefault(word, {})
    return tries


def known_commands(platform: str) -> list[str]:
    """Every command (aliases included) a platform's output can be parsed for."""
    return sorted(cmd for (plat, cmd) in _one_platform(platform).by_command if plat == platform)


def lookup(*, platform: str, command: str) -> ParserSpec:
    """The parser for ``command`` on ``platform``; an :class:`InputError` listing what is
    known otherwise."""
    if not _has_parsers(platform):
        raise InputError(
            f"unknown platform {platform!r}",
            hint=f"use one of: {', '.join(_platforms())}",
        )
    normalised = expand_abbreviations(platform, normalise_command(command))
    spec = _one_platform(platform).by_command.get((platform, normalised)) or _by_pattern(
        platform, normalised
    )
    if spec is None:
        known = "\n    ".join(known_commands(platform))
        raise InputError(
            f"no parser for {command!r} on {platform}",
            hint=f"commands {platform} output can be parsed for:\n    {known}",
        )
    return spec


__all__ = [
    "Converter",
    "ParserSpec",
    "Reader",
    "RecordLine",
    "command_slug",
    "expand_abbreviations",
    "known_commands",
    "lookup",
    "normalise_command",
    "refresh",
]
