"""Rule messages of call-out (registered by CalloutConfig.ready()).

Catalog: C02, A1-II-3, A2-RESP-1.
"""

from django.utils.translation import gettext_lazy as _

RULES = {
    "shift_overlap": _("%(person)s already has a shift at %(other)s; one person cannot "
                       "hold two overlapping shifts."),
    "policy_running": _("A call-out with this policy is running; change it when the "
                        "call-out has ended."),
    "code_fixed": _("The code cannot be changed here; it stays %(value)s."),
}
KINDS = {
    "roster": _("roster"),
    "escalation policy": _("escalation policy"),
}
