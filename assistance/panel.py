"""The 求助 panel on the shared request page, and the open-help count handed over at each shift."""

from django.utils import timezone

from core.models import Department
from core.permissions import can

from . import selectors
from .choices import HelpStatus, ReferralKind


def help_panel(request, user) -> dict:
    from .forms import FeeForm, PrincipleForm, PromiseForm, ReferralForm, ResolveForm, SupervisorReplyForm

    help = request.help
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
        "referral_form": ReferralForm(
            departments=Department.objects.filter(property_id=pid), initial={"kind": ReferralKind.DEPARTMENT}
        ),
        "promise_form": PromiseForm(),
        "principle_form": PrincipleForm(),
        "reply_form": SupervisorReplyForm(),
        "fee_form": FeeForm(initial={"is_paid": help.is_paid, "fee": help.fee, "note": help.fee_note}),
        "resolve_form": ResolveForm(),
        "now": timezone.now(),
    }


def open_help_count(prop) -> int:
    from .models import HelpRequest

    return HelpRequest.objects.filter(
        request__property=prop, request__closed_at__isnull=True, voided_at__isnull=True
    ).count()
