"""FortiOS (FortiGate) device emulator for the egress lab.

The config tree (parse/render) is :mod:`napalm_fortios.tree`, shared with the NAPALM driver;
``engine`` (apply a config script) is pure and reusable;
``cli``/``device`` serve them over SSH to the unmodified netmiko ``fortinet`` driver.
"""

from __future__ import annotations

from egress.lab.fortios.device import FortiOSDevice

__all__ = ["FortiOSDevice"]
