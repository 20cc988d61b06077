"""FortiOS (FortiGate) device emulator for the egress lab.

``tree`` (parse/render/diff) and ``engine`` (apply a config script) are pure and reusable;
``cli``/``device`` serve them over SSH to the unmodified netmiko ``fortinet`` driver.
"""

from __future__ import annotations

from egress.lab.fortios.device import FortiOSDevice

__all__ = ["FortiOSDevice"]
