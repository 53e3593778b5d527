"""HTML routes of the unprocessed-payment desk (C03)."""

from django.urls import URLPattern, path

from antei.settlement import views

_I = "settlement/<int:incident_id>/"

urlpatterns: list[URLPattern] = [
    path("settlement/", views.index, name="settlement-index"),
    path(_I, views.desk, name="settlement-desk"),
    path(_I + "lookup", views.lookup, name="settlement-lookup"),
    path(_I + "import", views.import_file, name="settlement-import"),
    path(_I + "export", views.export, name="settlement-export"),
    path(_I + "suspend", views.suspend, name="settlement-suspend"),
    path(_I + "resume", views.resume, name="settlement-resume"),
    path(_I + "acknowledge", views.acknowledge_batch, name="settlement-ack"),
]
