"""The 求助 panel on the shared request page, and the open-help count handed over at each shift."""

from django.utils import timezone

from core.forms import lazy_form
from core.models import Department
from core.permissions import can

from . import selectors
from .choices import HelpStatus, ReferralKind
from .models import HelpRequest


def help_panel(request, user) -> dict:
    from .forms import FeeForm, PrincipleForm, PromiseForm, ReferralForm, ResolveForm, SupervisorReplyForm

    try:
        help = request.help
    except HelpRequest.DoesNotExist:  # a request imported without its 求助 sheet: the shared page still shows
        return None
    pid = request.property_id
    closed = request.closed_at is not None
    can_handle = can(user, "assistance.handle", pid) and not closed and help.voided_at is None
    return {
        "template": "assistance/_panel.html",
        "help": help,
        "req": request,
        "steps": selectors.checklist_for(help),
        "referrals": list(help.referrals.select_related("linked_request", "created_by")),
        "incidents": list(help.incidents.all()),
        "can_handle": can_handle,
        "can_supervise": can(user, "request.supervise", pid) and request.status == HelpStatus.ESCALATED,
        "can_resolve": can_handle and request.status == HelpStatus.HANDLING,
        "can_unsatisfiable": can_handle,
        "can_fee": can(user, "assistance.handle", pid) and help.voided_at is None,
        "show_content": not help.confidential or selectors.may_read_confidential(user, pid),
        # The step forms are drawn when opened ({% lazyform %} on the panel).
        "referral_form": lazy_form(
            lambda: ReferralForm(
                departments=Department.objects.filter(property_id=pid),
                initial={"kind": ReferralKind.DEPARTMENT},
            )
        ),
        "promise_form": lazy_form(PromiseForm),
        "principle_form": lazy_form(PrincipleForm),
        "reply_form": lazy_form(SupervisorReplyForm),
        "fee_form": lazy_form(
            lambda: FeeForm(initial={"is_paid": help.is_paid, "fee": help.fee, "note": help.fee_note})
        ),
        "resolve_form": lazy_form(ResolveForm),
        "now": timezone.now(),
    }


def open_help_count(prop) -> int:
    from .models import HelpRequest

    return HelpRequest.objects.filter(
        request__property=prop, request__closed_at__isnull=True, voided_at__isnull=True
    ).count()
