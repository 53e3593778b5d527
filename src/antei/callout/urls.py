"""HTML routes of call-out (C02, A2-RESP-1)."""

from django.urls import URLPattern, path

from antei.callout import views

urlpatterns: list[URLPattern] = [
    path("incidents/<int:incident_id>/pages/", views.incident_pages, name="callout-pages"),
    path("incidents/<int:incident_id>/pages/start", views.start, name="callout-start"),
    path("callout/call-tree/<int:policy_id>/", views.call_tree, name="callout-call-tree"),
    path("ack/<str:signed>/", views.acknowledge, name="callout-ack"),
]
