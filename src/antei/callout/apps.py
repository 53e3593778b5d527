from django.apps import AppConfig


class CalloutConfig(AppConfig):
    name = "antei.callout"
    label = "callout"
    verbose_name = "call-out"

    def ready(self) -> None:
        # Opening an incident / issuing its 第1報 pages people (M-3.3, A1-II-5).
        from antei.callout import errors, services_auto
        from antei.core.errors import register_rules
        from antei.incidents import hooks

        register_rules(errors.RULES, errors.KINDS)
        hooks.register(services_auto.on_incident_event)
