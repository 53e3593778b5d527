from django.apps import AppConfig


class SettlementConfig(AppConfig):
    name = "antei.settlement"
    label = "settlement"
    verbose_name = "settlement"

    def ready(self) -> None:
        from antei.core.errors import register_rules
        from antei.settlement import errors

        register_rules(errors.RULES, errors.KINDS)
