"""Who may reach the web app: the loopback rule and the access token.

Framework-free (the CLI checks its options with it before anything is loaded). Bound to a
loopback address, the app needs no token (one given is still enforced); bound to any other
address, it refuses to start without one. A token is 16 to 512 characters of the RFC 6750
``b64token`` alphabet (letters, digits and ``-._~+/=``), so it fits a header and a cookie
unchanged; ``python -c "import secrets; print(secrets.token_urlsafe(32))"`` makes a good one.
"""

from __future__ import annotations

import ipaddress
import re

from ..errors import UsageError

__all__ = ["LOOPBACK_NAMES", "TOKEN_ENV", "TOKEN_PATTERN", "check_token", "is_loopback", "resolve_token"]

TOKEN_ENV = "TRIANGULATE_TOKEN"
TOKEN_PATTERN = r"[A-Za-z0-9._~+/=-]{16,512}"
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
_TOKEN = re.compile(TOKEN_PATTERN)


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a bind address) is a loopback address: ``localhost``, 127.0.0.0/8 or ``::1``."""
    name = host.strip().removeprefix("[").removesuffix("]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:  # a host name other than localhost: it may resolve to anything
        return False


def check_token(token: str) -> str:
    """Return ``token`` when it is a valid access token; raise :class:`~triangulate.errors.UsageError` if not."""
    if not _TOKEN.fullmatch(token):
        raise UsageError(
            "the access token must be 16 to 512 characters of letters, digits and -._~+/= "
            '(make one with: python -c "import secrets; print(secrets.token_urlsafe(32))")'
        )
    return token


def resolve_token(host: str, token: str | None) -> str | None:
    """The token to enforce when serving on ``host``: a non-loopback address without one is a UsageError."""
    if token:
        return check_token(token)
    if not is_loopback(host):
        raise UsageError(
            f"serving on {host} (not a loopback address) needs an access token: pass --token TOKEN "
            f"or set {TOKEN_ENV} (every request must then carry it; see docs/web.md), or serve on 127.0.0.1"
        )
    return None
