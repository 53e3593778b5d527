"""HTML routes for the inventory, and the vendor page (it shows systems; see views_vendors)."""

from django.urls import URLPattern, path

from antei.inventory import views, views_catalog, views_sections, views_vendors

_S = "systems/<str:code>/"

urlpatterns: list[URLPattern] = [
    path("systems/", views.system_list, name="system-list"),
    path("systems/new", views.system_create, name="system-create"),
    path(_S, views.system_detail, name="system-detail"),
    path(_S + "edit", views.system_edit, name="system-edit"),
    path(_S + "delete", views.system_delete, name="system-delete"),
    path(_S + "components/add", views_sections.component_add, name="component-add"),
    # Component names are free text (a '/' included): the path converter keeps them whole.
    path(_S + "components/<path:name>/delete", views_sections.component_delete,
         name="component-delete"),
    path(_S + "batch-windows/add", views_sections.batch_window_add, name="batch-window-add"),
    path(_S + "batch-windows/<int:window_id>/delete", views_sections.batch_window_delete,
         name="batch-window-delete"),
    path(_S + "vendors/add", views_sections.vendor_role_add, name="vendor-role-add"),
    path(_S + "vendors/<str:vendor>/<str:role>/delete", views_sections.vendor_role_delete,
         name="vendor-role-delete"),
    path(_S + "responsibilities/set", views_sections.responsibility_set,
         name="responsibility-set"),
    path(_S + "key-persons/add", views_sections.key_person_add, name="key-person-add"),
    path(_S + "key-persons/<str:person>/delete", views_sections.key_person_delete,
         name="key-person-delete"),
    path("business-functions/", views_catalog.business_function_list,
         name="business-function-list"),
    path("business-functions/new", views_catalog.business_function_create,
         name="business-function-create"),
    path("business-functions/<str:code>/", views_catalog.business_function_detail,
         name="business-function-detail"),
    path("business-functions/<str:code>/edit", views_catalog.business_function_edit,
         name="business-function-edit"),
    path("business-functions/<str:code>/delete", views_catalog.business_function_delete,
         name="business-function-delete"),
    path("external-parties/", views_catalog.external_party_list, name="external-party-list"),
    path("external-parties/new", views_catalog.external_party_create,
         name="external-party-create"),
    path("external-parties/<str:code>/edit", views_catalog.external_party_edit,
         name="external-party-edit"),
    path("external-parties/<str:code>/delete", views_catalog.external_party_delete,
         name="external-party-delete"),
    path("connections/", views_catalog.connection_list, name="connection-list"),
    path("connections/new", views_catalog.connection_create, name="connection-create"),
    path("connections/<int:connection_id>/edit", views_catalog.connection_edit,
         name="connection-edit"),
    path("connections/<int:connection_id>/delete", views_catalog.connection_delete,
         name="connection-delete"),
    path("vendors/<str:code>/", views_vendors.vendor_detail, name="vendor-detail"),
]
