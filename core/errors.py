"""The one domain error type. Views and the API turn it into a 4xx carrying its message."""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A rule refused the action. `message` is shown to the user (Chinese by default, English via i18n)."""

    status_code = 400

    def __init__(self, message, *, field: str | None = None, code: str = "invalid"):
        super().__init__(str(message))
        self.message = message
        self.field = field
        self.code = code


class NotAllowed(DomainError):
    """The actor's role does not allow this action (403)."""

    status_code = 403

    def __init__(self, message=None, **kw):
        super().__init__(
            message or _("您没有权限执行此操作。(You are not allowed to do this.)"), code="forbidden", **kw
        )


class Conflict(DomainError):
    """Someone else changed the record first (409): e.g. two clerks releasing one parcel."""

    status_code = 409

    def __init__(self, message=None, **kw):
        super().__init__(
            message or _("记录已被他人处理,请刷新后重试。(Already handled by someone else.)"),
            code="conflict",
            **kw,
        )
