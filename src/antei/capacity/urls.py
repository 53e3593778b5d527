"""HTML routes of the limits registry (C07, C08)."""

from django.urls import URLPattern, path

from antei.capacity import views

urlpatterns: list[URLPattern] = [
    path("limits/", views.board, name="limit-board"),
    path("limits/new", views.limit_create, name="limit-create"),
    path("limits/what-if", views.what_if, name="limit-what-if"),
    path("limits/system/<str:code>/", views.system_limits, name="limit-system"),
    path("limits/<int:limit_id>/", views.limit_detail, name="limit-detail"),
    path("limits/<int:limit_id>/edit", views.limit_edit, name="limit-edit"),
    path("limits/<int:limit_id>/delete", views.limit_delete, name="limit-delete"),
]
