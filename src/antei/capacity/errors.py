"""Rule messages of the limits registry (registered from CapacityConfig.ready)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

RULES: dict[str, object] = {
    "level_order": _("Must not be above %(other)s (%(value)s)."),
    "digits": _(
        "A numeric-digits limit is the largest value the field holds, all nines "
        "(e.g. 999999); got %(value)s."),
    "margin_range": _("The margin must be between 0 and 1000 percent (got %(value)s)."),
    "link_cycle": _("This link would close a cycle: %(path)s."),
    "timestamp": _("'%(value)s' is not an ISO-8601 timestamp (e.g. 2026-04-01T09:00:00+09:00)."),
    "future": _("%(value)s lies more than %(minutes)s minutes in the future."),
    "csv_header": _("The CSV file needs the columns limit, at, value (got %(value)s)."),
    "csv_batch_header": _("The CSV file needs the columns system, job, started_at, ended_at "
                          "and optionally records (got %(value)s)."),
    "rows_max": _("At most %(max)s rows per import."),
    "no_rows": _("There are no rows to import."),
    "what_if_factor": _("The factor must be between 0 and 100 (got %(value)s)."),
}

KINDS: dict[str, object] = {
    "limit": _("limit"),
    "limit link": _("limit link"),
}
