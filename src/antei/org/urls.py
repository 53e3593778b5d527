"""HTML routes for the organisation registry. The vendor page is in inventory.urls."""

from django.urls import URLPattern, path

from antei.org import views, views_people, views_users

urlpatterns: list[URLPattern] = [
    path("departments/", views.department_list, name="department-list"),
    path("departments/new", views.department_create, name="department-create"),
    path("departments/<str:code>/", views.department_detail, name="department-detail"),
    path("departments/<str:code>/edit", views.department_edit, name="department-edit"),
    path("departments/<str:code>/delete", views.department_delete, name="department-delete"),
    path("people/", views_people.person_list, name="person-list"),
    path("people/new", views_people.person_create, name="person-create"),
    path("people/<str:code>/", views_people.person_detail, name="person-detail"),
    path("people/<str:code>/edit", views_people.person_edit, name="person-edit"),
    path("people/<str:code>/delete", views_people.person_delete, name="person-delete"),
    path("people/<str:code>/contacts/add", views_people.contact_add, name="contact-add"),
    path("people/<str:code>/contacts/<int:contact_id>/delete", views_people.contact_delete,
         name="contact-delete"),
    path("vendors/", views.vendor_list, name="vendor-list"),
    path("vendors/new", views.vendor_create, name="vendor-create"),
    path("vendors/<str:code>/edit", views.vendor_edit, name="vendor-edit"),
    path("vendors/<str:code>/delete", views.vendor_delete, name="vendor-delete"),
    path("vendors/<str:code>/contracts/add", views.contract_add, name="contract-add"),
    path("vendors/<str:code>/contracts/<int:contract_id>/delete", views.contract_delete,
         name="contract-delete"),
    path("users/", views_users.user_list, name="user-list"),
    path("users/new", views_users.user_create, name="user-create"),
    path("users/<str:username>/", views_users.user_detail, name="user-detail"),
    path("users/<str:username>/update", views_users.user_update, name="user-update"),
    path("users/<str:username>/password", views_users.user_password, name="user-password"),
    path("users/<str:username>/tokens", views_users.token_create, name="token-create"),
    path("users/<str:username>/tokens/<int:token_id>/revoke", views_users.token_revoke,
         name="token-revoke"),
]
