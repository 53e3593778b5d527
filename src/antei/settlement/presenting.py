"""Words for the desk's numbers: why an item sits where it does, in the user's language.

Catalog: A2-SWA-6, A1-II-10 (each item's position explained), C03.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from antei.settlement import domain


def reason_text(reason: domain.Reason) -> str:
    if reason.rule == "customer":
        if reason.applies:
            return _("named customer first: %(value)s") % {"value": reason.value}
        return _("not a named customer (%(value)s)") % {"value": reason.value}
    if reason.rule == "same_day":
        return _("same-day settlement") if reason.applies else _("not same-day")
    if reason.rule == "amount":
        return _("amount %(value)s yen (larger first)") % {"value": reason.value}
    return _("channel cut-off %(value)s") % {"value": reason.value}


def reasons_text(reasons: list[domain.Reason]) -> list[str]:
    return [reason_text(r) for r in reasons]
