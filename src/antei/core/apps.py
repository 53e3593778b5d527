from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "antei.core"
    label = "core"
    verbose_name = "antei core"
