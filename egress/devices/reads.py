"""The running config of a session, read the platform's own way where it has one."""

from __future__ import annotations

from typing import Any

from egress.platforms import PLATFORMS


def running_config(platform: str, device: Any, form: str = "text") -> str:
    """``device.get_config(retrieve="running", format=form)["running"]``, or the same text
    read by the platform's ``show.running`` (egress/platforms/ios/show.py: until the prompt
    the session knows, without netmiko's ``find_prompt`` first)."""
    if form == "text" and PLATFORMS.has_module(platform, "show"):
        own = getattr(PLATFORMS.module(platform, "show"), "running", None)
        if own is not None:
            text: str = own(device)
            return text
    read: str = device.get_config(retrieve="running", format=form)["running"]
    return read
