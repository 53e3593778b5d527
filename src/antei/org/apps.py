from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "antei.org"
    label = "org"
    verbose_name = "organisation"
