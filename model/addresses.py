"""Whether a listening address stays on this machine.

The model server and the playground listen on loopback by default and warn when told to
listen anywhere else, and a loopback server refuses Host names that are not loopback's
(DNS rebinding); all ask this one question.  It lives with the model server, the lowest
layer that needs it, so the server's rooms import it from here.
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
