"""The `egress` command line with the inventory file-size limit raised: benchmarks only.

    python -m bench.big_inventory render -q -i INVENTORY ...

egress refuses a YAML file over 8 MiB as bad input (egress.model.yamlfile.MAX_BYTES: far
above any real inventory, a file that big is a mistake). The generated inventories of the
scale curves pass it from 20,000 devices on (groups.yaml holds one site design per pair:
~9.8 MB at 20,000 devices), so their runs lift the limit in this process, and in the worker
processes it forks, and change nothing else.
"""

from __future__ import annotations

from egress.model import yamlfile
from egress.start import main

LIMIT = 1024 * 1024 * 1024


def lift() -> None:
    """Every caller of load_yaml without its own max_bytes reads up to LIMIT."""
    defaults = yamlfile.load_yaml.__kwdefaults__
    assert defaults is not None and "max_bytes" in defaults
    defaults["max_bytes"] = LIMIT


if __name__ == "__main__":
    lift()
    main(prog_name="egress")
