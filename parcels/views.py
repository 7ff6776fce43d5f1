"""Pages of the front desk's mail. Every write calls one service; a refused rule re-renders with its message."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.history import history_for
from core.models import Unit, User
from core.permissions import can
from core.views.decorators import needs
from core.views.generic import paginate, requested_property
from residents.models import Resident

from . import selectors, services
from .choices import (
    AttemptChannel,
    AttemptOutcome,
    InstructionKind,
    LetterKind,
    LetterStatus,
    MailKind,
    OwnerChoice,
    ParcelStatus,
    ReceiptMark,
    SlipStatus,
    VerifyMethod,
)
from .models import Letter, MailboxFault, MailInstruction, NotificationSlip, ParcelBatch, SlipCount

BULK_ROWS = 50


def _b(request, name) -> bool:
    return request.POST.get(name) in ("1", "on", "true", "yes")


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _unit(prop, text):
    from residents.selectors import parse_room

    text = (text or "").strip()
    if not text:
        return None
    labels = parse_room(text.split(" ")[0]) or [text]
    unit = Unit.objects.filter(property=prop, label__in=labels).first()
    if unit is None:
        raise DomainError(f"找不到房间“{text}”。(Unknown unit.)", field="unit")
    return unit


def _fail(request, exc: DomainError, render_page):
    return render_page(error=str(exc.message), status=exc.status_code)


# --- the desk ---------------------------------------------------------------------------------------


def _desk_context(request, prop, **extra):
    now = timezone.now()
    q = request.GET.get("q", "")
    status = request.GET.get("status", "held")
    qs = selectors.parcel_search(user=request.user, prop=prop, q=q, status=status)
    page, query_string = paginate(request, qs, 25)
    tz = timezone.get_current_timezone()
    status_labels = dict(ParcelStatus.choices)
    # Rows pre-formatted here: the desk is the busiest page, and template lookups per cell cost more than
    # the queries (p95 100 ms with 500,000 items in the database).
    rows = [
        {
            "pk": p.pk,
            "at": p.received_at.astimezone(tz).strftime("%m-%d %H:%M"),
            "unit": p.unit.label,
            "name": p.resident.name,
            "courier": p.courier,
            "tracking_no": p.tracking_no,
            "shelf": p.shelf,
            "status": p.status,
            "status_label": status_labels.get(p.status, p.status),
            "reason": p.not_collected_reason,
        }
        for p in page.object_list
    ]
    calls = [
        {
            "pk": c["parcel"].pk,
            "due": c["due"].astimezone(tz).strftime("%H:%M"),
            "who": f"{c['parcel'].unit.label} {c['parcel'].resident.name}",
            "phone": c["phone"],
            "item": f"{c['parcel'].courier} {c['parcel'].tracking_no[-6:]}",
        }
        for c in selectors.call_list_rows(selectors.call_list(prop, now, user=request.user, limit=20))
    ]
    return {
        "prop": prop,
        "rows": rows,
        "calls": calls,
        "props": selectors.parcel_properties(user=request.user),
        "summary": selectors.desk_summary(user=request.user, prop=prop, now=now),
        "desk_url": f"/parcels/?property={prop.pk}",
        "t_no_answer": _("无人接听"),
        "t_reached": _("已联系(来领)"),
        "followups": list(selectors.slips_followup_due(user=request.user, prop=prop, now=now)[:20]),
        "page_obj": page,
        "query_string": query_string,
        "q": q,
        "status": status,
        "statuses": [("held", "在库(待领)")] + list(ParcelStatus.choices),
        "kinds": MailKind.choices,
        "marks": ReceiptMark.choices,
        "can_receive": can(request.user, "parcels.receive", prop.pk),
        "can_handle": can(request.user, "parcels.handle", prop.pk),
        "form": {},
        **extra,
    }


@needs("parcels.view")
def desk(request):
    prop = requested_property(request, "parcels.view")
    return render(request, "parcels/desk.html", _desk_context(request, prop))


@needs("parcels.receive")
@require_POST
def receive(request):
    prop = requested_property(request, "parcels.receive")
    p = request.POST
    try:
        labels_name = services.parse_recipient(p.get("recipient", ""))
        unit = _unit(prop, labels_name[0][0] if labels_name[0] else "")
        if unit is None:
            raise DomainError("请填写房号。(Enter the unit.)", field="recipient")
        parcel = services.parcel_receive(
            actor=request.user,
            prop=prop,
            unit=unit,
            addressee_name=labels_name[1],
            courier=p.get("courier", ""),
            kind=p.get("kind") or MailKind.EXPRESS,
            tracking_no=p.get("tracking_no", ""),
            receipt_mark=p.get("receipt_mark", ""),
            consent_by=p.get("consent_by", ""),
            oversize=_b(request, "oversize"),
            shelf=p.get("shelf", ""),
        )
    except DomainError as exc:
        ctx = _desk_context(request, prop, error=str(exc.message), form=p)
        return render(request, "parcels/desk.html", ctx, status=exc.status_code)
    messages.success(
        request,
        _("已登记:%(unit)s %(name)s %(tracking_no)s")
        % {"unit": parcel.unit.label, "name": parcel.resident.name, "tracking_no": parcel.tracking_no},
    )
    return redirect(f"/parcels/?property={prop.pk}")


@needs("parcels.view")
def lookup(request):
    """htmx: <option>s for the recipient datalist (lookup as you type)."""
    prop = requested_property(request, "parcels.view")
    rows = selectors.unit_lookup(
        user=request.user, prop=prop, q=request.GET.get("q") or request.GET.get("recipient", "")
    )
    return render(request, "parcels/_partials/lookup_options.html", {"rows": rows})


# --- bulk arrival ---------------------------------------------------------------------------------------


def _bulk_rows(post) -> list[dict]:
    tracking, recipients, shelves = (
        post.getlist("tracking_no"),
        post.getlist("recipient"),
        post.getlist("shelf"),
    )
    consents = set(post.getlist("consent"))
    oversize = set(post.getlist("oversize"))
    n = max(len(tracking), len(recipients))
    rows = []
    for i in range(n):
        rows.append(
            {
                "tracking_no": tracking[i] if i < len(tracking) else "",
                "recipient": recipients[i] if i < len(recipients) else "",
                "shelf": shelves[i] if i < len(shelves) else "",
                "consent": str(i) in consents,
                "oversize": str(i) in oversize,
            }
        )
    return rows


@needs("parcels.receive")
def bulk(request):
    prop = requested_property(request, "parcels.receive")
    ctx = {
        "prop": prop,
        "kinds": MailKind.choices,
        "marks": ReceiptMark.choices,
        "row_errors": {},
        "error": "",
    }
    if request.method == "POST":
        rows = _bulk_rows(request.POST)
        try:
            batch = services.parcels_bulk_receive(
                actor=request.user,
                prop=prop,
                courier=request.POST.get("courier", ""),
                rows=[{k: v for k, v in r.items()} for r in rows],
                receipt_mark=request.POST.get("receipt_mark", ""),
                kind=request.POST.get("kind") or MailKind.EXPRESS,
            )
        except services.BulkRowsError as exc:
            # Row numbers of the service count only the non-blank rows: map them back to the grid.
            filled = [i for i, r in enumerate(rows) if (r["recipient"] or r["tracking_no"]).strip()]
            errors = {filled[k]: msg for k, msg in exc.rows.items() if k < len(filled)}
            ctx.update(error=str(exc.message), row_errors=errors)
            ctx["rows"] = _grid(rows, errors)
            ctx["post"] = request.POST
            return render(request, "parcels/bulk.html", ctx, status=400)
        except DomainError as exc:
            ctx.update(error=str(exc.message), rows=_grid(rows, {}), post=request.POST)
            return render(request, "parcels/bulk.html", ctx, status=exc.status_code)
        messages.success(
            request, _("已登记 %(n)s 件(%(courier)s)。") % {"n": batch.count, "courier": batch.courier}
        )
        return redirect("parcels:batch", batch.pk)
    ctx["rows"] = _grid([], {})
    ctx["post"] = {}
    return render(request, "parcels/bulk.html", ctx)


def _grid(rows, errors):
    rows = list(rows) + [{} for _ in range(max(0, BULK_ROWS - len(rows)))]
    return [{"i": i, "row": r, "error": errors.get(i, "")} for i, r in enumerate(rows)]


def _batch(request, pk, action="parcels.view"):
    return get_object_or_404(
        ParcelBatch.objects.restrict(request.user, action).select_related("received_by"), pk=pk
    )


@needs("parcels.view")
def batch_detail(request, pk):
    batch = _batch(request, pk)
    parcels = list(batch.parcels.select_related("unit", "resident").order_by("pk"))
    return render(request, "parcels/batch.html", {"batch": batch, "parcels": parcels})


@needs("parcels.view")
def batch_labels(request, pk):
    batch = _batch(request, pk)
    parcels = list(batch.parcels.select_related("unit", "resident").order_by("pk"))
    return render(request, "parcels/print_labels.html", {"batch": batch, "parcels": parcels})


@needs("parcels.handle")
@require_POST
def batch_slips(request, pk):
    """Slips in one go for the batch's items whose owners could not be reached."""
    batch = _batch(request, pk, "parcels.handle")
    ids = [int(i) for i in request.POST.getlist("parcel") if str(i).isdigit()]
    parcels = list(
        batch.parcels.filter(pk__in=ids, status__in=[ParcelStatus.RECEIVED, ParcelStatus.NOTIFIED])
    )
    if not parcels:
        messages.error(request, _("请勾选需要填发通知单的快件。(Choose the items.)"))
        return redirect("parcels:batch", batch.pk)
    try:
        slips = services.slips_issue_bulk(actor=request.user, parcels=parcels)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("parcels:batch", batch.pk)
    return redirect(f"/parcels/slips/print/?ids={','.join(str(s.pk) for s in slips)}")


# --- one parcel ------------------------------------------------------------------------------------------


def _parcel_page(request, parcel, *, error="", status=200):
    slips = list(parcel.slips.order_by("serial"))
    ctx = {
        "parcel": parcel,
        "attempts": selectors.parcel_attempts(parcel),
        "chases": list(parcel.chases.order_by("-day")),
        "slips": slips,
        "open_slip": next((s for s in slips if s.status == SlipStatus.ISSUED), None),
        "history": history_for(parcel),
        "error": error,
        "can_handle": can(request.user, "parcels.handle", parcel.property_id) and parcel.is_held(),
        "channels": AttemptChannel.choices,
        "choices": OwnerChoice.choices,
        "phone_outcomes": [
            (AttemptOutcome.NO_ANSWER, "无人接听"),
            (AttemptOutcome.BUSY, "占线/关机"),
            (AttemptOutcome.REACHED, "已联系上"),
        ],
    }
    return render(request, "parcels/parcel.html", ctx, status=status)


@needs("parcels.view")
def parcel_detail(request, pk):
    return _parcel_page(request, selectors.parcel_for_page(user=request.user, pk=pk))


def _parcel_action(request, pk, fn, ok_message):
    parcel = selectors.parcel_for_page(user=request.user, pk=pk, action="parcels.handle")
    try:
        fn(parcel)
    except DomainError as exc:
        return _parcel_page(request, parcel, error=str(exc.message), status=exc.status_code)
    messages.success(request, ok_message)
    nxt = request.POST.get("next", "")
    return redirect(nxt if nxt.startswith("/parcels/") else parcel.get_absolute_url())


@needs("parcels.handle")
@require_POST
def parcel_notify(request, pk):
    p = request.POST
    return _parcel_action(
        request,
        pk,
        lambda parcel: services.parcel_notify(
            actor=request.user,
            parcel=parcel,
            channel=p.get("channel", ""),
            outcome=p.get("outcome", ""),
            owner_choice=p.get("owner_choice", ""),
            note=p.get("note", ""),
        ),
        _("已记录通知。"),
    )


@needs("parcels.handle")
@require_POST
def parcel_reason(request, pk):
    return _parcel_action(
        request,
        pk,
        lambda parcel: services.parcel_note_reason(
            actor=request.user, parcel=parcel, reason=request.POST.get("reason", "")
        ),
        _("已记录未领原因。"),
    )


@needs("parcels.handle")
@require_POST
def parcel_slip(request, pk):
    def issue(parcel):
        slip = services.slip_issue(actor=request.user, parcel=parcel, serial=_int(request.POST.get("serial")))
        request._slip = slip

    resp = _parcel_action(request, pk, issue, _("已填发邮件接收通知单。"))
    if getattr(request, "_slip", None) is not None and resp.status_code == 302:
        return redirect("parcels:slip_print", request._slip.pk)
    return resp


@needs("parcels.handle")
@require_POST
def parcel_release(request, pk):
    p = request.POST
    return _parcel_action(
        request,
        pk,
        lambda parcel: services.parcel_release(
            actor=request.user,
            parcel=parcel,
            collector_name=p.get("collector_name", ""),
            collector_relation=p.get("collector_relation", ""),
            mode=p.get("mode") or OwnerChoice.COLLECT,
            with_slip=_b(request, "with_slip"),
            id_checked=_b(request, "id_checked"),
            owner_signed=_b(request, "owner_signed"),
        ),
        _("已签收。"),
    )


@needs("parcels.handle")
@require_POST
def parcel_return(request, pk):
    return _parcel_action(
        request,
        pk,
        lambda parcel: services.parcel_return(
            actor=request.user, parcel=parcel, reason=request.POST.get("reason", "")
        ),
        _("已退回。"),
    )


# --- slips ----------------------------------------------------------------------------------------------


def _slips_page(request, prop, *, error="", status=200):
    qs = selectors.slip_register(user=request.user, prop=prop)
    if request.GET.get("open"):
        qs = qs.filter(status=SlipStatus.ISSUED)
    page = Paginator(qs.order_by("-serial"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "parcels/slips.html",
        {
            "prop": prop,
            "page_obj": page,
            "error": error,
            "can_handle": can(request.user, "parcels.handle", prop.pk),
            "can_review": can(request.user, "parcels.review", prop.pk),
        },
        status=status,
    )


@needs("parcels.view")
def slips(request):
    return _slips_page(request, requested_property(request, "parcels.view"))


@needs("parcels.handle")
@require_POST
def slip_void_next(request):
    prop = requested_property(request, "parcels.handle")
    try:
        slip = services.slip_void_next(
            actor=request.user,
            prop=prop,
            reason=request.POST.get("reason", ""),
            serial=_int(request.POST.get("serial")),
        )
    except DomainError as exc:
        return _slips_page(request, prop, error=str(exc.message), status=exc.status_code)
    messages.success(request, _("%(number)s 已作废登记。") % {"number": slip.number})
    return redirect(f"/parcels/slips/?property={prop.pk}")


@needs("parcels.review")
@require_POST
def slips_bind(request):
    prop = requested_property(request, "parcels.review")
    try:
        bound = services.slips_bind(actor=request.user, prop=prop)
    except DomainError as exc:
        return _slips_page(request, prop, error=str(exc.message), status=exc.status_code)
    messages.success(request, _("已倒序装订 %(n)s 张通知单。") % {"n": len(bound)})
    return redirect(f"/parcels/slips/print/?ids={','.join(str(s.pk) for s in bound)}")


def _slip_page(request, slip, *, error="", status=200):
    return render(
        request,
        "parcels/slip.html",
        {
            "slip": slip,
            "history": history_for(slip),
            "error": error,
            "can_handle": can(request.user, "parcels.handle", slip.property_id),
            "can_review": can(request.user, "parcels.review", slip.property_id),
            "followup_due": slip.status == SlipStatus.ISSUED
            and not slip.followup_at
            and slip.door_delivered_at
            and timezone.now() >= slip.door_delivered_at + services.SLIP_FOLLOWUP_AFTER,
        },
        status=status,
    )


@needs("parcels.view")
def slip_detail(request, pk):
    return _slip_page(request, selectors.slip_for_page(user=request.user, pk=pk))


def _slip_action(request, pk, fn, ok, action="parcels.handle"):
    slip = selectors.slip_for_page(user=request.user, pk=pk, action=action)
    try:
        fn(slip)
    except DomainError as exc:
        return _slip_page(request, slip, error=str(exc.message), status=exc.status_code)
    messages.success(request, ok)
    return redirect(slip.get_absolute_url())


@needs("parcels.handle")
@require_POST
def slip_followup(request, pk):
    return _slip_action(
        request,
        pk,
        lambda s: services.slip_followup_record(
            actor=request.user, slip=s, reached=_b(request, "reached"), note=request.POST.get("note", "")
        ),
        _("已记录72小时回访。"),
    )


@needs("parcels.handle")
@require_POST
def slip_void(request, pk):
    return _slip_action(
        request,
        pk,
        lambda s: services.slip_void(actor=request.user, slip=s, reason=request.POST.get("reason", "")),
        _("已作废。"),
    )


@needs("parcels.handle")
@require_POST
def slip_door(request, pk):
    return _slip_action(
        request, pk, lambda s: services.slip_door_delivered(actor=request.user, slip=s), _("已记录首联送达。")
    )


@needs("parcels.review")
@require_POST
def slip_review(request, pk):
    return _slip_action(
        request,
        pk,
        lambda s: services.slip_review(actor=request.user, slip=s),
        _("已审核。"),
        action="parcels.review",
    )


@needs("parcels.view")
def slip_print(request, pk):
    slip = selectors.slip_for_page(user=request.user, pk=pk)
    return render(request, "parcels/print_slips.html", {"slips": [slip], "prop": slip.property})


@needs("parcels.view")
def slips_print(request):
    ids = [int(i) for i in request.GET.get("ids", "").split(",") if i.strip().isdigit()]
    slips = list(
        NotificationSlip.objects.restrict(request.user, "parcels.view")
        .filter(pk__in=ids)
        .select_related("unit", "resident", "parcel", "letter", "issued_by", "property")
        .order_by("serial")
    )
    if not slips:
        raise Http404
    if request.GET.get("reverse"):
        slips.reverse()
    return render(request, "parcels/print_slips.html", {"slips": slips, "prop": slips[0].property})


# --- handover count (R-SLIP-09) --------------------------------------------------------------------------


def _counts_ctx(request, prop, **extra):
    return {
        "prop": prop,
        "open_slips": list(selectors.open_slips(user=request.user, prop=prop)),
        # Items with an open slip are counted by their slip.
        "held": list(
            selectors.held_parcels(user=request.user, prop=prop).exclude(slips__status=SlipStatus.ISSUED)
        ),
        "counts": list(
            SlipCount.objects.restrict(request.user, "parcels.view")
            .filter(property=prop)
            .select_related("counted_by", "outgoing")[:20]
        ),
        "staff": list(
            User.objects.filter(memberships__property=prop, memberships__active=True)
            .distinct()
            .order_by("username")
        ),
        **extra,
    }


@needs("parcels.view")
def counts(request):
    prop = requested_property(request, "parcels.view")
    if request.method == "POST":
        if not can(request.user, "parcels.handle", prop.pk):
            raise PermissionDenied
        outgoing = None
        if _int(request.POST.get("outgoing")):
            outgoing = User.objects.filter(
                pk=_int(request.POST.get("outgoing")), memberships__property=prop
            ).first()
        try:
            c = services.handover_mail_count(
                actor=request.user,
                prop=prop,
                present_slip_ids=[i for i in request.POST.getlist("slip") if i.isdigit()],
                present_parcel_ids=[i for i in request.POST.getlist("parcel") if i.isdigit()],
                outgoing=outgoing,
                note=request.POST.get("note", ""),
            )
        except DomainError as exc:
            return render(
                request, "parcels/counts.html", _counts_ctx(request, prop, error=str(exc.message)), status=400
            )
        if c.missing:
            messages.error(request, _("清点缺失 %(n)s 件,已立即通知客服主管。") % {"n": len(c.missing)})
        else:
            messages.success(request, _("清点无误:%(n)s 件。") % {"n": c.found})
        return redirect(f"/parcels/counts/?property={prop.pk}")
    return render(request, "parcels/counts.html", _counts_ctx(request, prop))


# --- letters ---------------------------------------------------------------------------------------------


def _letters_ctx(request, prop, **extra):
    qs = selectors.letters_for(user=request.user, prop=prop, status=request.GET.get("status", ""))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return {
        "prop": prop,
        "page_obj": page,
        "kinds": LetterKind.choices,
        "statuses": LetterStatus.choices,
        "status": request.GET.get("status", ""),
        "to_call": list(selectors.held_letters_to_call(user=request.user, prop=prop)[:30]),
        "returns": list(selectors.returns_to_hand_back(user=request.user, prop=prop)),
        "can_receive": can(request.user, "parcels.receive", prop.pk),
        "can_handle": can(request.user, "parcels.handle", prop.pk),
        "form": {},
        **extra,
    }


@needs("parcels.view")
def letters(request):
    prop = requested_property(request, "parcels.view")
    if request.method == "POST":
        if not can(request.user, "parcels.receive", prop.pk):
            raise PermissionDenied
        p = request.POST
        try:
            letter = services.letter_register(
                actor=request.user,
                prop=prop,
                addressee_name=p.get("addressee_name", ""),
                unit_text=p.get("unit_text", ""),
                kind=p.get("kind") or LetterKind.LETTER,
                sender=p.get("sender", ""),
            )
        except DomainError as exc:
            ctx = _letters_ctx(request, prop, error=str(exc.message), form=p)
            return render(request, "parcels/letters.html", ctx, status=exc.status_code)
        messages.success(
            request,
            _("已登记:%(name)s(%(match)s)")
            % {"name": letter.addressee_name, "match": letter.get_match_display()},
        )
        return redirect(f"/parcels/letters/?property={prop.pk}")
    return render(request, "parcels/letters.html", _letters_ctx(request, prop))


def _letter_page(request, letter, *, error="", status=200):
    candidates = []
    if letter.unit_id:
        from residents.models import Occupancy

        candidates = [
            o.resident
            for o in Occupancy.objects.filter(unit_id=letter.unit_id, end__isnull=True).select_related(
                "resident"
            )
        ]
    return render(
        request,
        "parcels/letter.html",
        {
            "letter": letter,
            "history": history_for(letter),
            "attempts": list(letter.attempts_log.select_related("by")),
            "candidates": candidates,
            "methods": VerifyMethod.choices,
            "error": error,
            "can_handle": can(request.user, "parcels.handle", letter.property_id),
        },
        status=status,
    )


@needs("parcels.view")
def letter_detail(request, pk):
    return _letter_page(request, selectors.letter_for_page(user=request.user, pk=pk))


@needs("parcels.handle")
@require_POST
def letter_action(request, pk, op):
    letter = selectors.letter_for_page(user=request.user, pk=pk, action="parcels.handle")
    p = request.POST
    u = request.user
    try:
        if op == "deliver":
            services.letter_deliver(actor=u, letter=letter)
        elif op == "hold":
            services.letter_hold(actor=u, letter=letter, reason=p.get("reason", ""))
        elif op == "verify":
            resident = None
            if _int(p.get("resident")):
                resident = Resident.objects.filter(
                    pk=_int(p.get("resident")), property_id=letter.property_id
                ).first()
            services.letter_verify(
                actor=u,
                letter=letter,
                method=p.get("method", ""),
                resident=resident,
                not_ours=_b(request, "not_ours"),
            )
        elif op == "call":
            services.letter_call(actor=u, letter=letter, outcome=p.get("outcome", ""), note=p.get("note", ""))
        elif op == "collect":
            services.letter_collect(actor=u, letter=letter, collector_name=p.get("collector_name", ""))
        elif op == "return":
            services.letter_return(actor=u, letter=letter, reason=p.get("reason", ""))
        elif op == "slip":
            slip = services.slip_issue(actor=u, letter=letter)
            return redirect("parcels:slip_print", slip.pk)
        else:
            raise Http404
    except DomainError as exc:
        return _letter_page(
            request, Letter.objects.get(pk=letter.pk), error=str(exc.message), status=exc.status_code
        )
    messages.success(request, _("已处理。"))
    return redirect(letter.get_absolute_url())


@needs("parcels.view")
def returns_print(request):
    """R-LET-06: 退信条 marked "退", with the mail stamp, for the letters going back to the postman."""
    prop = requested_property(request, "parcels.view")
    letters_ = list(
        selectors.letters_for(user=request.user, prop=prop).filter(
            status=LetterStatus.RETURNED, handed_back_at__isnull=True
        )
    )
    return render(request, "parcels/print_returns.html", {"prop": prop, "letters": letters_})


@needs("parcels.handle")
@require_POST
def returns_hand_back(request):
    prop = requested_property(request, "parcels.handle")
    ids = [int(i) for i in request.POST.getlist("letter") if i.isdigit()]
    try:
        n = services.letters_hand_back(
            actor=request.user,
            prop=prop,
            letters=list(
                Letter.objects.restrict(request.user, "parcels.handle").filter(property=prop, pk__in=ids)
            ),
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect(f"/parcels/letters/?property={prop.pk}")
    messages.success(request, _("%(n)s 封退信已交回邮递员。") % {"n": n})
    return redirect(f"/parcels/letters/?property={prop.pk}")


# --- instructions and mailbox faults ----------------------------------------------------------------------


@needs("parcels.view")
def instructions(request):
    prop = requested_property(request, "parcels.view")
    ctx = {"prop": prop, "kinds": InstructionKind.choices, "form": {}, "error": ""}
    status = 200
    if request.method == "POST":
        if not can(request.user, "parcels.handle", prop.pk):
            raise PermissionDenied
        p = request.POST
        try:
            if p.get("end"):
                ins = get_object_or_404(
                    MailInstruction.objects.restrict(request.user, "parcels.handle"), pk=_int(p.get("end"))
                )
                services.mail_instruction_end(actor=request.user, instruction=ins, reason=p.get("reason", ""))
            else:
                resident = Resident.objects.filter(pk=_int(p.get("resident")), property=prop).first()
                if resident is None:
                    raise DomainError("请选择住户。(Choose the resident.)", field="resident")
                services.mail_instruction_set(
                    actor=request.user,
                    resident=resident,
                    kind=p.get("kind", ""),
                    contact_name=p.get("contact_name", ""),
                    contact_phone=p.get("contact_phone", ""),
                    note=p.get("note", ""),
                )
            messages.success(request, _("已保存。"))
            return redirect(f"/parcels/instructions/?property={prop.pk}")
        except DomainError as exc:
            ctx.update(error=str(exc.message), form=p)
            status = exc.status_code
    ctx["rows"] = list(selectors.instructions_for(user=request.user, prop=prop)[:200])
    return render(request, "parcels/instructions.html", ctx, status=status)


@needs("parcels.view")
def faults(request):
    prop = requested_property(request, "parcels.view")
    ctx = {"prop": prop, "form": {}, "error": ""}
    status = 200
    if request.method == "POST":
        if not can(request.user, "parcels.handle", prop.pk):
            raise PermissionDenied
        p = request.POST
        try:
            if p.get("fault"):
                fault = get_object_or_404(
                    MailboxFault.objects.restrict(request.user, "parcels.handle"), pk=_int(p.get("fault"))
                )
                services.mailbox_fault_update(
                    actor=request.user,
                    fault=fault,
                    owner_agreed=True
                    if p.get("op") == "agree"
                    else (False if p.get("op") == "decline" else None),
                    closed=p.get("op") == "close",
                )
            else:
                unit = _unit(prop, p.get("unit", ""))
                if unit is None:
                    raise DomainError("请填写房号。(Enter the unit.)", field="unit")
                services.mailbox_fault_report(
                    actor=request.user,
                    unit=unit,
                    description=p.get("description", ""),
                    owner_informed=_b(request, "owner_informed"),
                    owner_agreed=_b(request, "owner_agreed"),
                )
            messages.success(request, _("已保存。"))
            return redirect(f"/parcels/faults/?property={prop.pk}")
        except DomainError as exc:
            ctx.update(error=str(exc.message), form=p)
            status = exc.status_code
    ctx["rows"] = list(selectors.faults_for(user=request.user, prop=prop)[:200])
    return render(request, "parcels/faults.html", ctx, status=status)
