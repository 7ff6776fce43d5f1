from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from core.api.auth import TokenLoginView

admin.site.site_header = "PropDesk 物业客服中心 · 管理后台"
admin.site.site_title = "PropDesk"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/auth/token/", TokenLoginView.as_view(), name="api-token"),
    path("api/v1/", include("propdesk.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("residents/", include("residents.urls")),
    path("duty/", include("duty.urls")),
    path("visitors/", include("visitors.urls")),
    path("parcels/", include("parcels.urls")),
    path("storage/", include("storage.urls")),
    path("releases/", include("releases.urls")),
    path("errands/", include("errands.urls")),
    path("servicedesk/", include("servicedesk.urls")),
    path("desk/", include("desk.urls")),
    path("complaints/", include("complaints.urls")),
    path("repairs/", include("repairs.urls")),
    path("assistance/", include("assistance.urls")),
    path("callbacks/", include("callbacks.urls")),
    path("quality/", include("quality.urls")),
    path("", include("core.urls")),
]
