from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from core.permissions import can


def needs(action: str):
    """Login required; a user whose roles nowhere allow `action` is refused (403). Which rows they see is
    still decided by restrict() in the view (another property's record → 404)."""

    def deco(view):
        @wraps(view)
        @login_required
        def inner(request, *args, **kwargs):
            if not can(request.user, action):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return inner

    return deco
