"""HTML routes of call-out (C02, A2-RESP-1)."""

from django.urls import URLPattern, path

from antei.callout import views, views_setup

urlpatterns: list[URLPattern] = [
    path("incidents/<int:incident_id>/pages/", views.incident_pages, name="callout-pages"),
    path("incidents/<int:incident_id>/pages/start", views.start, name="callout-start"),
    path("callout/call-tree/<int:policy_id>/", views.call_tree, name="callout-call-tree"),
    path("ack/<str:signed>/", views.acknowledge, name="callout-ack"),
    path("callout/rosters/", views_setup.roster_list, name="callout-rosters"),
    path("callout/rosters/new", views_setup.roster_edit, name="callout-roster-new"),
    path("callout/rosters/<str:code>/edit", views_setup.roster_edit, name="callout-roster-edit"),
    path("callout/policies/new", views_setup.policy_edit, name="callout-policy-new"),
    path("callout/policies/<str:code>/edit", views_setup.policy_edit,
         name="callout-policy-edit"),
]
