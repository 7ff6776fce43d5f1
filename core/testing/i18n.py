"""Tests of the English interface."""

from django.conf import settings


def english(client):
    """The test client asks for English from now on (the language cookie the language switcher sets)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
