"""Server-side SVG sparklines of a limit: readings, the limit and warning lines, and the
forecast with its band (no third-party JavaScript; the same SVG works in a PDF).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe


def _finite(xs: Sequence[float]) -> list[float]:
    return [x for x in xs if x is not None and math.isfinite(x)]


def sparkline(spark: dict[str, Any], *, width: int = 220, height: int = 44,
              label: str = "") -> SafeString:
    """History (solid), forecast (dashed) inside its band (shaded), limit (red line) and
    warning level (amber line). Returns an inline <svg> element."""
    hist: list[float] = [float(v) for v in spark["history"]]
    point, lower, upper = (list(map(float, spark[k])) for k in ("point", "lower", "upper"))
    limit, warning = float(spark["limit"]), float(spark["warning"])
    n = len(hist) + len(point)
    values = _finite([*hist, *point, *upper, limit])
    if not values or n < 2:
        return mark_safe("")
    top = max(values) * 1.05
    bottom = min(0.0, min(values))
    span = (top - bottom) or 1.0

    def xy(i: int, v: float) -> str:
        x = i * (width - 2) / (n - 1) + 1
        y = height - 1 - (min(v, top) - bottom) * (height - 2) / span
        return f"{x:.1f},{y:.1f}"

    def path(xs: Sequence[float], offset: int) -> str:
        parts, pen = [], "M"
        for i, v in enumerate(xs):
            if not math.isfinite(v):
                pen = "M"
                continue
            parts.append(f"{pen}{xy(i + offset, v)}")
            pen = "L"
        return " ".join(parts)

    k = len(hist)
    band = [xy(i + k, v) for i, v in enumerate(upper) if math.isfinite(v)]
    band += [xy(i + k, v) for i, v in reversed(list(enumerate(lower))) if math.isfinite(v)]
    ly = xy(0, limit).split(",")[1]
    wy = xy(0, warning).split(",")[1]
    body = [
        f'<polygon class="band" points="{" ".join(band)}" fill="#9ecae1" opacity="0.5"/>'
        if len(band) > 2 else "",
        f'<line x1="0" x2="{width}" y1="{wy}" y2="{wy}" stroke="#e6a700" '
        'stroke-dasharray="2,2"/>',
        f'<line x1="0" x2="{width}" y1="{ly}" y2="{ly}" stroke="#c62828"/>',
        f'<path d="{path(hist, 0)}" fill="none" stroke="#263238" stroke-width="1.2"/>',
        f'<path d="{path(point, k)}" fill="none" stroke="#1565c0" stroke-width="1.2" '
        'stroke-dasharray="3,2"/>',
    ]
    return format_html(
        '<svg class="spark" xmlns="http://www.w3.org/2000/svg" width="{}" height="{}" '
        'viewBox="0 0 {} {}" role="img" aria-label="{}">{}</svg>',
        width, height, width, height, label, mark_safe("".join(body)))  # noqa: S308 (numbers only)
