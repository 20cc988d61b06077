"""The lab: protocol-faithful device emulators on 127.0.0.1 for the unmodified drivers."""
