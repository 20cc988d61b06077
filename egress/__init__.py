"""egress: one vendor-neutral design of the egress edge, rendered, linted, pushed and proven."""

from __future__ import annotations

__version__ = "0.1.0"

# before anything imports netmiko (napalm ios, the FortiOS driver, a Dask worker): its
# import of Genie/pyATS is deferred to a use of it (egress/devices/genie_deferred.py)
from egress.devices.genie_deferred import install as _defer_genie  # noqa: E402

_defer_genie()
