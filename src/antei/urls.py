from django.contrib.auth import views as auth_views
from django.urls import include, path

from antei.api import api
from antei.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/language", core_views.set_language, name="set-language"),
    path("audit/", core_views.audit_log, name="audit-log"),
    path("api/v1/", api.urls),
    path("", include("antei.org.urls")),
    path("", include("antei.inventory.urls")),
    path("", include("antei.calendars.urls")),
    path("", include("antei.incidents.urls")),
    path("", include("antei.callout.urls")),
    path("", include("antei.settlement.urls")),
    path("", include("antei.capacity.urls")),
    path("", include("antei.alerts.urls")),
]
