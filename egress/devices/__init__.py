"""Reaching devices: the NAPALM connection plugin, the inventory overlay (--lab), session
settings, SSH host keys, device errors, configuration text comparison."""
