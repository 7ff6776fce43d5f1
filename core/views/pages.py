from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from core import notify, selectors
from core.models import Notification


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    redirect_authenticated_user = True


@login_required
def home(request):
    now = timezone.now()
    ctx = {
        "my_deadlines": selectors.my_open_deadlines(user=request.user),
        "overdue": selectors.overdue_deadlines(user=request.user, now=now),
        "notifications": selectors.unread_notifications(user=request.user),
        "now": now,
    }
    return render(request, "core/home.html", ctx)


@login_required
def notification_list(request):
    qs = Notification.objects.filter(recipient=request.user).order_by("-created_at", "-id")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "core/notifications.html", {"page_obj": page})


@login_required
@require_POST
def notification_read(request):
    ids = request.POST.getlist("id") or None
    n = notify.mark_read(user=request.user, notification_ids=ids)
    messages.success(request, f"已标记 {n} 条为已读。")
    nxt = request.POST.get("next") or ""
    # Only back to a page of this site (no open redirect).
    if not url_has_allowed_host_and_scheme(nxt, {request.get_host()}, request.is_secure()):
        nxt = "core:notifications"
    return redirect(nxt)


@login_required
def attachment_download(request, pk: int):
    """Attachments are private: served only to staff of the record's property (others: 404)."""
    from django.http import FileResponse
    from django.shortcuts import get_object_or_404

    from core.models import Attachment

    att = get_object_or_404(Attachment.objects.restrict(request.user), pk=pk, voided_at__isnull=True)
    return FileResponse(att.file.open("rb"), content_type=att.mime, filename=att.name)


@login_required
def permission_matrix(request):
    """The one role × action table, as it stands with every area's rows (R-ROLE-01/02)."""
    from django.core.exceptions import PermissionDenied

    from core.choices import Role
    from core.permissions import ACTIONS, can

    if not can(request.user, "staff.manage"):
        raise PermissionDenied
    roles = list(Role)
    rows = [(action, [role in allowed for role in roles]) for action, allowed in sorted(ACTIONS.items())]
    return render(request, "core/permissions.html", {"roles": roles, "rows": rows})
