"""The configuration a lab IOS-XE router boots with the first time (C8000V, 17.9).

What napalm ``ios`` needs is in it: ``archive`` with a ``path`` (for ``revert_in``),
``ip scp server enable`` (for loading candidates) and a privilege-15 local user.
"""

from __future__ import annotations

import base64
import hashlib

from egress.lab.base import LabCredentials, management_address

NICS = 6  # GigabitEthernet1 is management, 2..6 are free for the egress design


def _type9(password: str, *, salt: str) -> str:
    # Looks like an IOS scrypt (type 9) hash; the lab never checks it against anything.
    digest = hashlib.scrypt(password.encode(), salt=salt.encode(), n=16384, r=1, p=1, dklen=32)
    return f"$9${salt}${base64.b64encode(digest).decode().rstrip('=')}"


def base_config(name: str, *, credentials: LabCredentials) -> str:
    interfaces = []
    for index in range(2, NICS + 1):
        interfaces.append(
            f"interface GigabitEthernet{index}\n no ip address\n shutdown\n negotiation auto\n!"
        )
    secret = _type9(credentials.password, salt=name[:14] or "lab")
    lines = "\n".join(interfaces)
    return f"""!
version 17.9
service timestamps debug datetime msec
service timestamps log datetime msec
platform qfp utilization monitor load 80
platform punt-keepalive disable-kernel-core
platform console virtual
!
hostname {name}
!
boot-start-marker
boot-end-marker
!
vrf definition Mgmt-intf
 !
 address-family ipv4
 exit-address-family
!
no aaa new-model
!
ip domain name lab.egress.example
!
login on-success log
!
subscriber templating
!
multilink bundle-name authenticated
!
license udi pid C8000V sn 9ABCDEFGH12
memory free low-watermark processor 63709
!
archive
 path flash:archive
 maximum 10
!
username {credentials.username} privilege 15 secret 9 {secret}
!
redundancy
!
interface GigabitEthernet1
 description OOB management
 vrf forwarding Mgmt-intf
 ip address {management_address(name, network="172.31.255")} 255.255.255.0
 negotiation auto
!
{lines}
ip forward-protocol nd
no ip http server
no ip http secure-server
ip scp server enable
ip ssh version 2
!
control-plane
!
line con 0
 stopbits 1
line vty 0 4
 login local
 transport input ssh
!
end
"""
