"""Rule messages of the settlement desk (registered from SettlementConfig.ready).

Zengin problems carry the kernel's own ja/en text (antei.kernels.zengin_problems); these
are the rules of the other formats and of the desk's steps. Catalog: C03.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

RULES: dict[str, object] = {
    "settlement_format": _("Unknown format '%(value)s'; use zengin, csv, xlsx or json."),
    "settlement_file": _("Send the file (multipart field 'file') or JSON items."),
    "settlement_encoding": _("The file is neither UTF-8 nor cp932 text."),
    "settlement_columns": _("Missing columns: %(value)s."),
    "settlement_digits": _("'%(value)s' must be %(width)s digits or fewer."),
    "settlement_kana": _(
        "'%(value)s' has characters outside the Zengin set (half-width kana, A-Z, 0-9, "
        "space and ( ) - . /)."),
    "settlement_amount": _("'%(value)s' is not an amount in yen (1 to 9,999,999,999)."),
    "settlement_kind": _("Kind '%(value)s' is not one of 21, 11, 12, 91."),
    "settlement_kind_mismatch": _("The file is of kind %(value)s, expected %(expected)s."),
    "settlement_channel": _("Channel '%(value)s' is not one of: %(choices)s."),
    "settlement_empty": _("There are no items to import."),
    "settlement_sheet": _("The file cannot be read: %(value)s."),
    "settlement_suspended": _("Intake on '%(value)s' is already suspended."),
    "settlement_not_suspended": _("Intake on '%(value)s' is not suspended."),
    "settlement_nothing_to_export": _("No unprocessed items to export."),
    "settlement_readback": _("A volume did not read back as written: %(value)s."),
    "settlement_padding": _("Account padding must be 'zero' or 'space'."),
    "settlement_limit": _("Must be 1..%(max)s."),
    "settlement_rule": _("Rule '%(value)s' is not one of customer, same_day, amount, cutoff."),
}

KINDS: dict[str, object] = {
    "batch": _("batch"),
    "counterparty": _("counterparty"),
}
