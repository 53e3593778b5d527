"""Flow control of the intake (A2-PERF-CAP-2 流量制限; DESIGN: every public intake endpoint
is rate-limited and the UI stays responsive under a flood).

Two guards, both in process memory:
- a token bucket per integration (its `rate_per_second` and `burst`): each request takes a
  token; an empty bucket answers 429 with Retry-After. Each worker process keeps its own
  buckets, so with W processes an integration may send up to W times its rate; set the
  rate per process accordingly.
- a global cap on concurrent intake requests per process (settings.ALERTS_INTAKE_CONCURRENCY,
  default 2): a non-blocking semaphore; over the cap the request is refused at once with
  503 and Retry-After instead of queueing, so threads remain for the UI, API and /healthz.
"""

from __future__ import annotations

import threading
import time

from django.conf import settings

from antei.alerts.domain import TokenBucket

_lock = threading.Lock()
_buckets: dict[int, TokenBucket] = {}
_slots: threading.BoundedSemaphore | None = None
_slots_size = 0


def take(integration_id: int, rate: float, burst: int) -> float:
    """0 if the request may go on, else the seconds the sender should wait."""
    with _lock:
        bucket = _buckets.get(integration_id)
        if bucket is None or bucket.rate != rate or bucket.burst != burst:
            bucket = _buckets[integration_id] = TokenBucket(rate=rate, burst=float(burst))
        return bucket.take(time.monotonic())


def _semaphore() -> threading.BoundedSemaphore:
    global _slots, _slots_size
    size = int(getattr(settings, "ALERTS_INTAKE_CONCURRENCY", 2))
    with _lock:
        if _slots is None or _slots_size != size:
            _slots, _slots_size = threading.BoundedSemaphore(size), size
        return _slots


def enter() -> threading.BoundedSemaphore | None:
    """A slot for one intake request, or None if all are busy (do not wait)."""
    slots = _semaphore()
    return slots if slots.acquire(blocking=False) else None


def reset() -> None:
    """Forget all buckets (tests, and after an integration's limits change)."""
    with _lock:
        _buckets.clear()
