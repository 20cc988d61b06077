"""NAPALM driver for Fortinet FortiOS; ``napalm.get_network_driver("fortios")`` finds it here.

napalm resolves a driver it does not ship by importing ``napalm_<name>`` and taking the
NetworkDriver subclass it exposes, so this package's import name is its registration.
"""

from __future__ import annotations

from napalm_fortios.driver import FortiOSDriver

__all__ = ["FortiOSDriver"]
