"""Brownfield: what a lab device starts from when it was configured before egress came.

``egress lab up --brownfield`` starts every device from its factory config (the baselines of
each emulator) plus what an operations team typically adds before an edge is handed to
automation: management and its routes, AAA and more local users with secrets, logging and NTP,
session limits on the vty lines, and -- the point of the mode -- objects at the IDs and names
egress wants, which egress must refuse to overwrite unless told to take them over (issue 11).
The statements follow each vendor's own configuration guides (cited beside each block); the
secrets are lab placeholders shaped like the real hashes, never real credentials.
"""

from __future__ import annotations

# Cisco IOS-XE 17 (C8000V): AAA with local fallback and an enable secret (Cisco "Cisco Guide to
# Harden Cisco IOS Devices", AAA and password sections), management-VRF logging/NTP and a
# default route out of Mgmt-intf (Cisco CSR1000v/C8000V deployment guide), vty exec-timeout;
# an IP SLA reachability probe of the management gateway at operation 1 and an interface
# track at object 2 -- both IDs egress's probes use (IP SLAs Configuration Guide, "Configuring
# IP SLAs ICMP Echo Operations"; "Configuring Enhanced Object Tracking").
IOS = """aaa new-model
aaa authentication login default local
aaa authorization exec default local
aaa session-id common
enable secret 9 $9$BrownfieldEn$QmVuY2hFbmFibGVTZWNyZXRQbGFjZWhvbGRlcjA
username netops privilege 15 secret 9 $9$BrownfieldOp$TmV0b3BzU2VjcmV0UGxhY2Vob2xkZXJIYXNoMA
ip route vrf Mgmt-intf 0.0.0.0 0.0.0.0 172.31.255.1
ip sla 1
 icmp-echo 172.31.255.1 source-interface GigabitEthernet1
 vrf Mgmt-intf
 frequency 30
ip sla schedule 1 life forever start-time now
track 2 interface GigabitEthernet1 line-protocol
logging host 172.31.255.50 vrf Mgmt-intf
ntp server vrf Mgmt-intf 172.31.255.123
snmp-server community BrownfieldRO RO
line vty 0 4
 exec-timeout 15 0
"""

# FortiOS 7.2: a second super_admin, the admin idle timeout and NTP (FortiOS 7.2 Administration
# Guide, "Administrator profiles", "System settings"); a static route to the internal
# 192.168.0.0/16 over the management port at entry 901, and a policy route at entry 10 sending
# SIP signalling (UDP 5060-5061) to a voice gateway -- the entry IDs egress's default routes
# and voice policy use (FortiOS 7.2 CLI reference, `config router static`, `config router
# policy`; the values are the ones issue 11 found kept after a merge).
FORTIOS = """config system global
    set admintimeout 15
end
config system admin
    edit "netops"
        set accprofile "super_admin"
        set vdom "root"
        set password ENC SH2BrownfieldNetopsPlaceholderHashAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=
    next
end
config system ntp
    set ntpsync enable
    set type custom
    config ntpserver
        edit 1
            set server "192.168.1.123"
        next
    end
end
config router static
    edit 901
        set dst 192.168.0.0 255.255.0.0
        set gateway 192.168.1.254
        set device "port1"
    next
end
config router policy
    edit 10
        set input-device "port1"
        set src "192.168.0.0/255.255.0.0"
        set dst "0.0.0.0/0.0.0.0"
        set protocol 17
        set start-port 5060
        set end-port 5061
        set gateway 192.168.1.254
        set output-device "port1"
    next
end
"""

# Junos 21.4 (SRX): another super-user with an encrypted password, SSH without root login,
# NTP and syslog (Junos "Security Configuration Guide: user accounts", "System services");
# a default route to the previous ISP router and a policy-statement named like egress's ECMP
# export policy (Junos "Routing Policies" guide: `then load-balance per-packet`... here the
# operator's own `then accept`): a route and a policy at names egress wants.
JUNOS = """set system login user netops uid 2001
set system login user netops class super-user
set system login user netops authentication encrypted-password "$6$brown$NetopsPlaceholderHash"
set system services ssh root-login deny
set system ntp server 192.0.2.123
set system syslog host 192.0.2.50 any warning
set routing-options static route 0.0.0.0/0 next-hop 192.0.2.254
set policy-options policy-statement EGRESS-ECMP term old from protocol static
set policy-options policy-statement EGRESS-ECMP term old then accept
"""


def ios_config(base: str) -> str:
    """The factory config with the brownfield lines merged (before its closing ``end``)."""
    body = base.rstrip().removesuffix("end").rstrip()
    return body + "\n" + IOS + "end\n"


def fortios_config(base: str) -> str:
    return base.rstrip("\n") + "\n" + FORTIOS
