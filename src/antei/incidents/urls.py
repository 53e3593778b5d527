"""HTML routes of the incident desk (M-3.3, A1-II-1, A1-II-5, A1-II-7, A1-I-12, C01, C04, C05)."""

from django.urls import URLPattern, path

from antei.incidents import views, views_detail, views_sections, views_targets

_I = "incidents/<int:incident_id>/"

urlpatterns: list[URLPattern] = [
    path("incidents/", views.incident_list, name="incident-list"),
    path("incidents/new", views.incident_create, name="incident-create"),
    path("incidents/targets", views_targets.targets_page, name="incident-targets"),
    path("incidents/targets/set", views_targets.target_set, name="incident-target-set"),
    path(_I, views_detail.incident_detail, name="incident-detail"),
    path(_I + "reports/issue", views_sections.report_issue, name="incident-report-issue"),
    path(_I + "reports/<int:report_id>/", views.incident_report, name="incident-report"),
    path(_I + "transition", views_sections.transition, name="incident-transition"),
    path(_I + "milestone", views_sections.milestone, name="incident-milestone"),
    path(_I + "facts", views_sections.facts_update, name="incident-facts"),
    path(_I + "timeline", views_sections.timeline_add, name="incident-timeline-add"),
    path(_I + "roles", views_sections.role_assign, name="incident-role-assign"),
    path(_I + "hq", views_sections.hq_set, name="incident-hq"),
    path(_I + "analysis", views_sections.analysis_save, name="incident-analysis"),
    path(_I + "actions", views_sections.action_add, name="incident-action-add"),
    path(_I + "actions/<int:action_id>/done", views_sections.action_done,
         name="incident-action-done"),
    path(_I + "checks", views_sections.check_add, name="incident-check-add"),
    path(_I + "checks/<int:check_id>/result", views_sections.check_result,
         name="incident-check-result"),
]
