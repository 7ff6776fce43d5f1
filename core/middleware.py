from django.http import HttpResponse
from django.shortcuts import render

from .errors import DomainError


class DomainErrorMiddleware:
    """A DomainError escaping a view: a 4xx with its message (htmx gets a fragment, forms a flash)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exc):
        if not isinstance(exc, DomainError):
            return None
        if request.headers.get("HX-Request"):
            resp = HttpResponse(
                f'<div class="alert alert-error" role="alert">{_escape(exc.message)}</div>',
                status=exc.status_code,
            )
            resp["HX-Retarget"] = "#flash"
            resp["HX-Reswap"] = "innerHTML"
            return resp
        return render(
            request,
            "core/error.html",
            {"message": exc.message, "status": exc.status_code, "field": exc.field},
            status=exc.status_code,
        )


def _escape(s) -> str:
    from django.utils.html import escape

    return escape(str(s))
