"""Tokens already verified, kept by their exact text until they expire (a small bounded LRU).

Verifying an ES256 token (decode, ECDSA signature) was a sixth of a command's CPU, and a client
sends the same token with every request for its lifetime. A hit needs the very same token text,
so a forged, altered or re-signed token (another signature, audience, expiry) is never a hit and
goes through full verification; and a hit is checked again for what can change after the first
check: expiry (the clock), revocation of its ``jti`` and its key still in the JWKS
(``TokenVerifier.verify``).
"""

import threading
from collections import OrderedDict
from typing import Any


class VerifiedTokens:
    """Claims and key id of tokens that verified, by token text, until each one's ``exp``."""

    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self._items: OrderedDict[str, tuple[dict[str, Any], str]] = OrderedDict()
        self._lock = threading.Lock()  # request threads and the event loop both verify

    def get(self, token: str, now: float) -> tuple[dict[str, Any], str] | None:
        """(claims, kid) of ``token`` if it verified and has not expired at ``now``."""
        with self._lock:
            hit = self._items.get(token)
            if hit is None:
                return None
            # As PyJWT: a token is expired once now >= exp (no leeway is configured).
            if now >= hit[0]["exp"]:
                del self._items[token]
                return None
            self._items.move_to_end(token)
            return hit

    def put(self, token: str, claims: dict[str, Any], kid: str) -> None:
        """Remember a token that has just verified; the least recently used goes when full."""
        with self._lock:
            self._items[token] = (claims, kid)
            self._items.move_to_end(token)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
