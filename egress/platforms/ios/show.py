"""IOS-XE: one show command (and the running config) on napalm ``ios``'s session, read until
the session's own prompt.

napalm ``ios`` ``cli()`` sends each command with netmiko's ``send_command(cmd)`` and no
``expect_string``, so netmiko first runs ``find_prompt()`` (netmiko 4.8 base_connection.py
``_prompt_handler``: clear the buffer, a RETURN, a timed sleep and one read; docs/adr.md),
~50 ms per command on the lab, only to learn the prompt it then waits for:
``re.escape(<prompt>)``. The prompt of napalm's session is known: napalm keeps the session
in privileged EXEC (its ``open()`` checks enable mode, its config steps leave config mode
again), where IOS-XE prints ``<hostname>#``, and netmiko recorded ``<hostname>`` as the
session's ``base_prompt`` when it opened (``set_base_prompt``: the prompt less its last
character). So egress passes ``re.escape(base_prompt + "#")``, the very pattern
``find_prompt()`` would have produced, and the read is pattern-based from the first byte
(netmiko still reads the command's echo first, ``cmd_verify``). The output then gets
napalm's own clean-up (``_send_command_postprocess``), as ``cli()`` gives it; a closed
session is napalm's ``ConnectionClosedException``, as from ``cli()``.
"""

from __future__ import annotations

import re
from typing import Any


def show(driver: Any, command: str) -> str:
    """What ``driver.cli([command])[command]`` returns, without netmiko's ``find_prompt``."""
    from napalm.base.exceptions import ConnectionClosedException  # the session imported it

    netmiko = driver.device
    try:
        output = netmiko.send_command(command, expect_string=re.escape(f"{netmiko.base_prompt}#"))
    except (OSError, EOFError) as exc:  # napalm ios _send_command: socket.error, EOFError
        raise ConnectionClosedException(str(exc)) from exc
    cleaned: str = driver._send_command_postprocess(output)
    return cleaned


# napalm ios get_config: the lines IOS adds to `show running-config` that are no
# configuration (napalm/ios/ios.py IOSDriver.get_config, filter_strings)
_NOT_CONFIG = re.compile(
    r"^Building configuration.*$|^Current configuration :.*$"
    r"|^! Last configuration change at.*$|^! NVRAM config last updated at.*$",
    re.M,
)


def running(driver: Any) -> str:
    """What ``driver.get_config(retrieve="running")["running"]`` returns (napalm's clean-up
    and filter), read as :func:`show` reads: a backup, the verify and the confirm's proof
    each read it once per device."""
    return _NOT_CONFIG.sub("", show(driver, "show running-config")).strip()
