"""Cisco IOS-XE emulator for the unmodified napalm ``ios`` driver (SSH shell + SCP).

What a C8000V (IOS-XE 17.9) does that napalm and netmiko rely on, byte for byte where they
look: echo and prompts, ``terminal``, enable mode, ``dir``/``verify /md5``/``more``, the
``scp -t`` sink, ``copy`` (with ``file prompt quiet`` or its questions), ``write mem``,
``show archive …`` (contextual and incremental diffs, the rollback timer), ``configure
terminal [revert timer N]``, ``configure replace … [force] [revert trigger error] [timer N]``,
``configure confirm``/``revert now``, config mode with its sub-modes, and show commands
(version, hosts, interfaces, running/startup config with pipes, and the operational ones the
validation step reads, from the lab's network simulation).

Modules: ``device`` (state, serving), ``cli`` (the shell), ``exec_commands`` / ``exec_oper``
(exec commands), ``commit`` (configure terminal/replace), ``transfer`` (copy/delete),
``config`` + ``rules`` (running-config model and IOS behaviour as data), ``archive`` (diffs,
revert timer), ``filesystem`` + ``scp`` (flash:), ``show`` / ``oper`` / ``oper_routing``
(output renderers), ``facts`` (config -> the lab's neutral facts), ``baseline`` (first boot).

Not emulated: a full IOS parser (any line is accepted unless a fault rejects it), idle revert
timers (treated as absolute), ``configure replace … list``, interface creation limits.
"""

from __future__ import annotations

from egress.lab.ios.device import IosDevice

__all__ = ["IosDevice"]
