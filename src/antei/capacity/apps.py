from django.apps import AppConfig


class CapacityConfig(AppConfig):
    name = "antei.capacity"
    label = "capacity"
    verbose_name = "capacity"

    def ready(self) -> None:
        from antei.capacity import errors
        from antei.core.errors import register_rules

        register_rules(errors.RULES, errors.KINDS)
