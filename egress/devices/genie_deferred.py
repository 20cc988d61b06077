"""netmiko without Genie/pyATS at import: loaded when a ``use_genie`` parse asks for it.

netmiko 4.8's ``netmiko/utilities.py`` runs ``from genie.conf.base import Device``,
``from genie.libs.parser.utils import get_parser`` and ``from pyats.datastructures import
AttrDict`` at import time, in a ``try`` that sets ``GENIE_INSTALLED``; with the test extra
installed that is 0.8 s of one CPU in every process that opens an IOS-XE or FortiOS session
(measured: ``import netmiko`` 1.2 s with Genie, 0.37 s without), paid by the first session's
thread while the others wait on the import lock. Only ``send_command(use_genie=True)`` uses
those names, and egress never asks for it (it parses with TTP). So, while
``netmiko.utilities`` itself is being executed, and only in the thread executing it, an
import of ``genie`` or ``pyats`` that is not loaded yet fails as if they were not installed;
afterwards, when they are installed, netmiko's three names are set to stand-ins that import
the real object on first use and ``GENIE_INSTALLED`` is set back to True, so a
``use_genie=True`` caller gets the same parse as before. netmiko's source is untouched; a
process that has imported Genie already keeps netmiko's own import (the cost is paid).
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # importlib.abc alone costs 18 ms at start (importlib.resources)
    from collections.abc import Sequence
    from importlib.abc import Loader
    from importlib.machinery import ModuleSpec
    from types import ModuleType

TARGET = "netmiko.utilities"
# the packages netmiko's utilities import for its Genie parsing, and from where each name
_DEFERRED: dict[str, tuple[str, str]] = {
    "Device": ("genie.conf.base", "Device"),
    "get_parser": ("genie.libs.parser.utils", "get_parser"),
    "AttrDict": ("pyats.datastructures", "AttrDict"),
}
_HELD = frozenset({"genie", "pyats"})
_state = threading.local()


class Deferred:
    """Stands for ``module.name``; the first call imports it (a class is called to build)."""

    def __init__(self, module: str, name: str) -> None:
        self.module = module
        self.name = name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return getattr(importlib.import_module(self.module), self.name)(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<deferred {self.module}.{self.name}>"


class _Loader:
    """netmiko's own loader, run with Genie held back in this thread, then the stand-ins."""

    def __init__(self, inner: Loader) -> None:
        self.inner = inner

    def __getattr__(self, name: str) -> Any:  # get_source, is_package ... as netmiko's own
        return getattr(self.inner, name)

    def create_module(self, spec: ModuleSpec) -> ModuleType | None:
        return self.inner.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        _state.holding = True
        try:
            self.inner.exec_module(module)
        finally:
            _state.holding = False
        if not getattr(module, "GENIE_INSTALLED", True) and _installed():
            for attribute, (where, name) in _DEFERRED.items():
                setattr(module, attribute, Deferred(where, name))
            setattr(module, "GENIE_INSTALLED", True)  # noqa: B010 - another module's flag


def _installed() -> bool:
    # find_spec of a top-level name reads the path entries, it imports nothing
    return all(importlib.util.find_spec(name) is not None for name in _HELD)


class _Finder:
    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: ModuleType | None = None,
    ) -> ModuleSpec | None:
        if getattr(_state, "holding", False) and fullname.partition(".")[0] in _HELD:
            raise ModuleNotFoundError(f"{fullname} deferred by egress", name=fullname)
        if fullname != TARGET or getattr(_state, "finding", False):
            return None
        _state.finding = True  # the real spec, found by the finders after this one
        try:
            spec = importlib.util.find_spec(fullname)
        finally:
            _state.finding = False
        if spec is None or spec.loader is None:
            return None
        spec.loader = _Loader(spec.loader)  # type: ignore[assignment]  # a Loader by duck typing
        return spec


_FINDER = _Finder()


def install() -> None:
    """Defer Genie for the netmiko this process imports next (nothing if already loaded)."""
    if TARGET not in sys.modules and _FINDER not in sys.meta_path:
        sys.meta_path.insert(0, _FINDER)
