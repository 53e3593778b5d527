"""Rule messages of the alerts app (registered at start-up; translated in its catalog)."""

from django.utils.translation import gettext_lazy as _

RULES: dict[str, object] = {
    "payload_json": _("The body is not valid JSON."),
    "payload_object": _("Must be a JSON object."),
    "payload_array": _("Must be a JSON array."),
    "payload_string": _("Must be text."),
    "payload_datetime": _("'%(value)s' is not an RFC 3339 time."),
    "signature": _("The signature does not match the body."),
    "matcher_op": _("Use one of =, !=, =~, !~ (got '%(value)s')."),
    "regex": _("'%(value)s' is not a valid regular expression."),
    "too_many": _("At most %(max)s items per request."),
    "kind_mismatch": _("This key belongs to a '%(value)s' integration."),
    "no_system": _("Name a system to open the incident for."),
}

KINDS: dict[str, object] = {
    "integration": _("integration"), "alert group": _("alert group"),
    "silence": _("silence"), "heartbeat": _("heartbeat"),
}
