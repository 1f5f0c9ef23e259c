"""Whether a listening address stays on this machine.

The model server and the playground listen on loopback by default and warn when told to
listen anywhere else; both ask this one question.
"""

from __future__ import annotations

import ipaddress


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
