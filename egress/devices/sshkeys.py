"""Junos over NETCONF with an RSA host key listed in known_hosts (any order, any mix).

ncclient negotiates only the host-key types known_hosts lists for the device, in the file's
order (``ncclient/transport/ssh.py``: ``_transport._preferred_keys = list(known keys)``).
known_hosts names an RSA key ``ssh-rsa``, the key's type; paramiko 5 dropped the SHA-1
signature algorithm of that name from its table and signs RSA only as ``rsa-sha2-512`` /
``rsa-sha2-256``. An RSA line first (or alone) makes ncclient offer ``ssh-rsa``, the device
picks it, and paramiko fails with ``KeyError: 'ssh-rsa'`` (``ConnectError(msg: 'ssh-rsa')``).

The fix keeps every check: ncclient's own ``paramiko.Transport`` is swapped (in ncclient's
module only) for a subclass that reads a list of key *types* as the signature algorithms
that verify them: ``ssh-rsa`` becomes ``rsa-sha2-512, rsa-sha2-256``, the same RSA host key
with SHA-2 signatures, checked against the same known_hosts line (paramiko names an RSA
key ``ssh-rsa`` whatever it signs with). netmiko (IOS-XE, FortiOS) goes through paramiko's
SSHClient, which already does this, and is not touched.
"""

from __future__ import annotations

import types
from collections.abc import Iterable
from typing import Any

import paramiko

# a host-key type as known_hosts writes it -> the signature algorithms that prove it
_SIGNATURES = {
    "ssh-rsa": ("rsa-sha2-512", "rsa-sha2-256"),
    "ssh-rsa-cert-v01@openssh.com": (
        "rsa-sha2-512-cert-v01@openssh.com",
        "rsa-sha2-256-cert-v01@openssh.com",
    ),
}
_MARK = "_egress_rsa_sha2"


def signature_algorithms(key_types: Iterable[str]) -> tuple[str, ...]:
    """The algorithms to offer for ``key_types``, in their order, ones paramiko can verify.

    >>> signature_algorithms(["ssh-rsa", "ssh-ed25519"])
    ('rsa-sha2-512', 'rsa-sha2-256', 'ssh-ed25519')
    """
    known = paramiko.Transport._key_info
    offered: list[str] = []
    for key_type in key_types:
        for name in _SIGNATURES.get(key_type, (key_type,)):
            if name in known and name not in offered:
                offered.append(name)
    return tuple(offered)


class _Transport(paramiko.Transport):
    """paramiko's Transport, whose preferred host-key list is read as signature algorithms."""

    @property  # type: ignore[override]
    def _preferred_keys(self) -> tuple[str, ...]:
        chosen = self.__dict__.get("_egress_preferred_keys")
        return chosen if chosen is not None else paramiko.Transport._preferred_keys

    @_preferred_keys.setter
    def _preferred_keys(self, value: Iterable[str]) -> None:
        # a list with no type paramiko knows keeps the defaults (the check still applies)
        self.__dict__["_egress_preferred_keys"] = signature_algorithms(value) or None


def ncclient_accepts_rsa_known_hosts() -> None:
    """Give ncclient the Transport above (idempotent; only ncclient's module sees it)."""
    from ncclient.transport import ssh

    if getattr(ssh.paramiko, _MARK, False):
        return
    proxy: Any = types.ModuleType("paramiko")
    proxy.__getattr__ = lambda name: getattr(paramiko, name)
    proxy.Transport = _Transport
    setattr(proxy, _MARK, True)
    ssh.paramiko = proxy
