"""HTML routes for the calendars: month, year, channel calendars, special dates, exports."""

from django.urls import URLPattern, path

from antei.calendars import views

urlpatterns: list[URLPattern] = [
    path("calendar/", views.calendar_month, name="calendar-month"),
    path("calendar/year", views.calendar_year, name="calendar-year"),
    path("calendar/days.csv", views.calendar_days_csv, name="calendar-days-csv"),
    path("calendar/overrides", views.override_set, name="calendar-override"),
    path("calendar/overrides/remove", views.override_remove, name="calendar-override-remove"),
    path("calendar/calendars/", views.calendar_list, name="calendar-list"),
    path("calendar/calendars/new", views.calendar_create, name="calendar-create"),
    path("calendar/special-dates", views.special_dates, name="calendar-special-dates"),
]
