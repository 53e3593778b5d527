from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "antei.alerts"
    label = "alerts"
    verbose_name = "alerts"

    def ready(self) -> None:
        from antei.alerts import errors
        from antei.core.errors import register_rules

        register_rules(errors.RULES, errors.KINDS)
