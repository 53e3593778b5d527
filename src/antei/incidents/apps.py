from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "antei.incidents"
    label = "incidents"
    verbose_name = "incidents"
