from django.conf import settings
from django.http import HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.utils import translation

from .errors import DomainError


class OfficeLocaleMiddleware(LocaleMiddleware):
    """Pages are in Simplified Chinese unless the user picked English with the language switch (its cookie):
    an office PC whose browser happens to ask for English still opens the office's language. API clients
    choose with Accept-Language as usual (the cookie too)."""

    def process_request(self, request):
        if request.path.startswith("/api/"):
            return super().process_request(request)
        lang = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        try:
            lang = translation.get_supported_language_variant(lang) if lang else settings.LANGUAGE_CODE
        except LookupError:
            lang = settings.LANGUAGE_CODE
        translation.activate(lang)
        request.LANGUAGE_CODE = translation.get_language()


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
