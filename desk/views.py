from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render

from core.deadlines import in_quiet_hours
from core.models import Property
from core.permissions import can

from .selectors import desk_screen


@login_required
def index(request):
    if not can(request.user, "desk.view"):
        raise PermissionDenied
    props = list(Property.objects.restrict(request.user, "desk.view").order_by("id"))
    wanted = request.GET.get("property")
    prop = (
        get_object_or_404(Property.objects.restrict(request.user, "desk.view"), pk=wanted)
        if wanted
        else props[0]
    )
    ctx = desk_screen(user=request.user, prop=prop)
    ctx.update(prop=prop, props=props, quiet=in_quiet_hours(prop, ctx["now"]))
    template = "desk/_screen.html" if request.headers.get("HX-Request") else "desk/index.html"
    return render(request, template, ctx)
