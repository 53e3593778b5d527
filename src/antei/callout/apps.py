from django.apps import AppConfig


class CalloutConfig(AppConfig):
    name = "antei.callout"
    label = "callout"
    verbose_name = "call-out"
