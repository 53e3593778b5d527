"""The one place antei reads the wall clock, so tests and services can pass `now` in."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django.conf import settings


def now() -> datetime:
    return datetime.now(tz=UTC)


def display_zone() -> ZoneInfo:
    return ZoneInfo(settings.DISPLAY_TIME_ZONE)
