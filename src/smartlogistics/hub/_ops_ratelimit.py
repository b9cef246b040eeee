"""Token buckets per key: the hub's request rate limit per agent (or client address).

Each key (an authenticated agent URI, or ``ip:<address>`` for requests without a usable
token) owns a bucket of at most ``burst`` tokens that refills at ``rate_per_s`` tokens per
second; a request takes one token or is refused with the time until one is available. The
buckets live in the memory of one server process (with ``--workers N`` a client may get
up to N times the rate); they are bounded in number so that many distinct keys cannot
exhaust memory: when the table is full, the least recently used bucket is dropped (a
dropped bucket comes back full, which errs on the side of serving).
"""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass

from smartlogistics.errors import InvalidInputError

__all__ = ["TokenBucketLimiter"]


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float


class TokenBucketLimiter:
    """Rate limit by key with token buckets.

    Parameters
    ----------
    rate_per_s
        Tokens added per second to each bucket (the sustained request rate); ``> 0``.
    burst
        Bucket capacity (the largest burst served at once); ``>= 1``.
    max_keys
        Most buckets kept; the least recently used is dropped beyond that.

    Notes
    -----
    Not thread-safe by design: the hub calls it from its event loop only.
    """

    __slots__ = ("_buckets", "burst", "max_keys", "rate_per_s")

    def __init__(self, rate_per_s: float, burst: int, *, max_keys: int = 100_000) -> None:
        if not rate_per_s > 0 or math.isinf(rate_per_s):
            raise InvalidInputError("hub_rate_limit_per_s", f"must be > 0, got {rate_per_s}")
        if burst < 1:
            raise InvalidInputError("hub_rate_burst", f"must be at least 1, got {burst}")
        if max_keys < 1:
            raise InvalidInputError("max_keys", f"must be at least 1, got {max_keys}")
        self.rate_per_s = float(rate_per_s)
        self.burst = int(burst)
        self.max_keys = max_keys
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()

    def __len__(self) -> int:
        return len(self._buckets)

    def take(self, key: str, now: float) -> float:
        """Take one token from ``key``'s bucket at monotonic time ``now`` (seconds).

        Returns
        -------
        float
            ``0.0`` when the request may proceed; otherwise the seconds until the bucket
            holds a whole token again (the request is refused and nothing is taken).
        """
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= self.max_keys:
                self._buckets.popitem(last=False)
            self._buckets[key] = _Bucket(self.burst - 1.0, now)
            return 0.0
        self._buckets.move_to_end(key)
        elapsed = now - bucket.updated
        if elapsed > 0:
            bucket.tokens = min(float(self.burst), bucket.tokens + elapsed * self.rate_per_s)
            bucket.updated = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return 0.0
        return (1.0 - bucket.tokens) / self.rate_per_s

    @staticmethod
    def retry_after(wait_s: float) -> int:
        """Return the ``Retry-After`` header value (whole seconds, at least 1) for a wait."""
        return max(1, math.ceil(wait_s))
