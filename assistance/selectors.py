"""Reads of the 求助 area that carry a rule."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from core.choices import Role
from core.models import Property
from core.permissions import property_ids, roles_of

from . import checklists
from .models import HelpReferral, HelpRegisterBatch, HelpRequest, HelpStep, Incident

CONFIDENTIAL_READERS = {Role.CS_SUPERVISOR, Role.MANAGER}


def help_properties(*, user, action: str = "assistance.create") -> list[Property]:
    ids = property_ids(user, action)
    qs = Property.objects.order_by("id")
    return list(qs if ids is None else qs.filter(pk__in=ids))


def pick_property(*, user, requested=None, action: str = "assistance.create") -> Property | None:
    props = help_properties(user=user, action=action)
    for p in props:
        if requested not in (None, "") and str(p.pk) == str(requested):
            return p
    return props[0] if props else None


def may_read_confidential(user, property_id: int) -> bool:
    """R-HELP-11: an enquiry touching company secrets is shown in full to the supervisor and manager only."""
    return bool(roles_of(user, property_id) & CONFIDENTIAL_READERS)


def help_list(*, user, action: str = "assistance.view"):
    return (
        HelpRequest.objects.restrict(user, action)
        .select_related("request", "request__unit", "request__location", "request__created_by", "batch")
        .order_by("-request__received_at", "-request_id")
    )


def register_rows(*, user, year: int | None = None, category: str = "", prop_id=None, include_void=False):
    """The 《住户求助登记表》 (R-HELP-02): one row per help request of the year, steps and referrals joined."""
    qs = help_list(user=user, action="assistance.register").prefetch_related(
        Prefetch("steps", queryset=HelpStep.objects.select_related("done_by")),
        Prefetch("referrals", queryset=HelpReferral.objects.all()),
    )
    if year:
        qs = qs.filter(request__received_at__year=year)
    if category:
        qs = qs.filter(category=category)
    if prop_id not in (None, ""):
        qs = qs.filter(request__property_id=prop_id)
    if not include_void:
        qs = qs.filter(voided_at__isnull=True)
    return qs


def help_for(*, user, pk: int, action: str = "assistance.view") -> HelpRequest:
    return get_object_or_404(help_list(user=user, action=action), pk=pk)


def checklist_for(help: HelpRequest) -> list[dict]:
    done = {s.key: s for s in help.steps.select_related("done_by")}
    return checklists.view(help.category, done)


def batches(*, user):
    return (
        HelpRegisterBatch.objects.restrict(user, "assistance.register")
        .select_related("property", "archived_by", "disposed_by")
        .order_by("-year", "property_id")
    )


def incidents(*, user):
    return (
        Incident.objects.restrict(user, "assistance.view")
        .select_related("help__request", "opened_by", "handled_by", "closed_by")
        .order_by("-occurred_at", "-id")
    )


def incident_for(*, user, pk: int) -> Incident:
    return get_object_or_404(incidents(user=user), pk=pk)
