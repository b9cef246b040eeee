"""Which agent a request comes from, as early as the operations middleware needs it.

Rate limits are per authenticated agent and the access log names the agent, but both run
in the ASGI middleware, before any endpoint has authenticated the request. The
:class:`AgentResolver` verifies the bearer token with the hub's own
:class:`~smartlogistics.hub.security.Authenticator` and remembers the result per token until
the token expires (at most :data:`CACHE_TTL_S`), so a client's steady stream of requests
with one token costs one signature check, not one per request. Failed verifications are
not remembered; the middleware charges them to the client address's bucket instead, which
bounds how much verification work one address can cause. The endpoint still authenticates
every request itself: this module only decides whose bucket a request draws from.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Final

from smartlogistics.hub.security import Authenticator, AuthError

__all__ = ["CACHE_TTL_S", "AgentResolver"]

#: Longest time a verified token is remembered (seconds), even if it lives longer.
CACHE_TTL_S: Final = 300.0


class AgentResolver:
    """Map ``Authorization`` header values to agent URIs, verifying each token once.

    Parameters
    ----------
    authenticator
        The hub's authenticator (its development mode answers without a token).
    max_entries
        Most tokens remembered; the oldest is forgotten beyond that.
    clock
        Wall-clock seconds (for token expiry); injectable for tests.
    """

    __slots__ = ("_cache", "_clock", "authenticator", "max_entries")

    def __init__(
        self,
        authenticator: Authenticator,
        *,
        max_entries: int = 10_000,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.authenticator = authenticator
        self.max_entries = max_entries
        self._clock = clock
        self._cache: OrderedDict[str, tuple[str, float]] = OrderedDict()

    def cached(self, authorization: str | None) -> str | None:
        """Return the agent of an already verified, unexpired token, else ``None``.

        In development mode (authentication disabled) this is always the development agent.
        """
        if self.authenticator.disabled:
            return self.authenticator.authenticate(None).agent_uri
        if not authorization:
            return None
        hit = self._cache.get(authorization)
        if hit is None:
            return None
        if hit[1] <= self._clock():
            del self._cache[authorization]
            return None
        return hit[0]

    def verify(self, authorization: str | None) -> str | None:
        """Verify the header's token now; return its agent (and remember it) or ``None``.

        ``None`` means the request is not authenticated (no token, a bad token, or keys
        unavailable); the endpoint will answer it with 401 (or 503).
        """
        if self.authenticator.disabled:
            return self.authenticator.authenticate(None).agent_uri
        if not authorization:
            return None
        try:
            principal = self.authenticator.authenticate(authorization)
        except AuthError:
            return None
        now = self._clock()
        until = now + CACHE_TTL_S
        if principal.expires_at is not None:
            until = min(until, principal.expires_at.timestamp())
        if until > now:
            if len(self._cache) >= self.max_entries:
                self._cache.popitem(last=False)
            self._cache[authorization] = (principal.agent_uri, until)
        return principal.agent_uri
