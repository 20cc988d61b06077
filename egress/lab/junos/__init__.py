"""Emulated Junos (SRX/MX) for the unmodified napalm ``junos`` driver (PyEZ, NETCONF/SSH)."""

from __future__ import annotations

from egress.lab.junos.device import JunosDevice

__all__ = ["JunosDevice"]
