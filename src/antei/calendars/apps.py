from django.apps import AppConfig


class CalendarsConfig(AppConfig):
    name = "antei.calendars"
    label = "calendars"
    verbose_name = "calendars"
