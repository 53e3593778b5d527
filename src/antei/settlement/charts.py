"""The burn-down as inline SVG, drawn on the server (no JavaScript): open items over time
and a dashed projection to the expected clearing time.

Catalog: A1-II-4 (everyone sees how much is left and when it clears), C03.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.utils.html import escape

WIDTH, HEIGHT, PAD = 640, 220, 40


def burndown_svg(data: dict[str, Any], zone: ZoneInfo, *, title: str, projected: str) -> str:
    points: list[tuple[datetime, int]] = [(t, n) for t, n in data["points"] if t is not None]
    if not points:
        return ""
    now: datetime = data["now"]
    end = data["clears_at"] or max(now, points[-1][0])
    start = points[0][0]
    span = max((end - start).total_seconds(), 60.0)
    top = max(data["total"], 1)

    def x(t: datetime) -> float:
        return float(PAD + (WIDTH - 2 * PAD) * (t - start).total_seconds() / span)

    def y(n: int) -> float:
        return float(HEIGHT - PAD - (HEIGHT - 2 * PAD) * n / top)

    steps = []
    last_n = points[0][1]
    for t, n in points:
        steps.append(f"{x(t):.1f},{y(last_n):.1f}")
        steps.append(f"{x(t):.1f},{y(n):.1f}")
        last_n = n
    here = min(now, end)
    steps.append(f"{x(here):.1f},{y(last_n):.1f}")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-label="{escape(title)}" class="burndown">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" '
        'stroke="#888"/>',
        f'<line x1="{PAD}" y1="{PAD}" x2="{PAD}" y2="{HEIGHT - PAD}" stroke="#888"/>',
        f'<text x="{PAD - 4}" y="{PAD + 4}" text-anchor="end" font-size="11">{top:,}</text>',
        f'<text x="{PAD - 4}" y="{HEIGHT - PAD}" text-anchor="end" font-size="11">0</text>',
        f'<polyline fill="none" stroke="#1f5fbf" stroke-width="2" points="{" ".join(steps)}"/>',
        f'<text x="{PAD}" y="{HEIGHT - PAD + 16}" font-size="11">'
        f"{start.astimezone(zone):%m-%d %H:%M}</text>",
    ]
    if data["clears_at"] and last_n:
        parts.append(f'<line x1="{x(here):.1f}" y1="{y(last_n):.1f}" x2="{x(end):.1f}" '
                     f'y2="{y(0):.1f}" stroke="#c0392b" stroke-dasharray="5,4" '
                     f'stroke-width="2"/>')
        parts.append(f'<text x="{WIDTH - PAD}" y="{HEIGHT - PAD + 16}" text-anchor="end" '
                     f'font-size="11">{escape(projected)} '
                     f"{end.astimezone(zone):%m-%d %H:%M}</text>")
    parts.append("</svg>")
    return "".join(parts)
