"""netmiko imported without Genie/pyATS, which load when a ``use_genie`` parse asks for them
(egress/devices/genie_deferred.py). Each case runs in a fresh interpreter: the import is
what is tested."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BRIEF = (
    "Interface              IP-Address      OK? Method Status                Protocol\n"
    "GigabitEthernet1       10.0.0.1        YES manual up                    up      \n"
)


def _python(code: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_napalm_and_netmiko_import_without_genie_and_a_genie_parse_still_works() -> None:
    found = _python(
        "import json, sys\n"
        "import egress\n"
        "from napalm import get_network_driver\n"
        "get_network_driver('ios')\n"
        "import napalm_fortios\n"
        "from netmiko import utilities\n"
        "loaded = sorted(m for m in ('genie', 'pyats') if m in sys.modules)\n"
        f"parsed = utilities.get_structured_data_genie({BRIEF!r}, 'cisco_ios',"
        " 'show ip interface brief', raise_parsing_error=True)\n"
        "print(json.dumps({'loaded': loaded, 'flag': utilities.GENIE_INSTALLED,"
        " 'parsed': parsed, 'after': 'genie' in sys.modules}))\n"
    )
    assert found["loaded"] == []  # nothing of Genie until it is used
    assert found["flag"] is True  # netmiko still knows it is installed
    parsed = found["parsed"]
    assert isinstance(parsed, dict)
    assert parsed["interface"]["GigabitEthernet1"]["ip_address"] == "10.0.0.1"
    assert found["after"] is True


def test_genie_imported_first_leaves_netmikos_own_import() -> None:
    found = _python(
        "import json\n"
        "import genie.conf.base\n"
        "import egress\n"
        "from netmiko import utilities\n"
        "print(json.dumps({'same': utilities.Device is genie.conf.base.Device}))\n"
    )
    assert found["same"] is True


def test_other_threads_import_genie_while_netmiko_loads() -> None:
    # the hold is the importing thread's alone: another thread's import of pyats succeeds
    found = _python(
        "import json, threading\n"
        "import egress\n"
        "seen = {}\n"
        "def other():\n"
        "    import pyats.datastructures\n"
        "    seen['ok'] = True\n"
        "t = threading.Thread(target=other)\n"
        "t.start()\n"
        "import netmiko\n"
        "t.join()\n"
        "print(json.dumps(seen))\n"
    )
    assert found == {"ok": True}
