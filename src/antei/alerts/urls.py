"""HTML routes of the alerts app (C07)."""

from django.urls import URLPattern, path

from antei.alerts import views

urlpatterns: list[URLPattern] = [
    path("alerts/", views.alert_list, name="alerts-list"),
    path("alerts/groups/", views.group_list, name="alerts-groups"),
    path("alerts/groups/<int:group_id>/promote", views.group_promote, name="alerts-promote"),
    path("alerts/silences/", views.silence_list, name="alerts-silences"),
    path("alerts/silences/new", views.silence_create, name="alerts-silence-create"),
    path("alerts/silences/<int:silence_id>/expire", views.silence_expire,
         name="alerts-silence-expire"),
    path("alerts/integrations/", views.integration_list, name="alerts-integrations"),
    path("alerts/integrations/new", views.integration_create, name="alerts-integration-create"),
    path("alerts/integrations/<int:integration_id>/rotate", views.integration_rotate,
         name="alerts-integration-rotate"),
    path("alerts/heartbeats/", views.heartbeat_list, name="alerts-heartbeats"),
    path("alerts/coverage/", views.coverage, name="alerts-coverage"),
]
