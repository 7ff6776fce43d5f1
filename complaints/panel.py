"""The complaint panel on the shared request page (/servicedesk/<pk>/): the 登记表 fields, the 五清楚一报告
progress, and the forms of the step the complaint is at (each posting to complaints/views.py)."""

from core.forms import lazy_form
from core.permissions import can
from servicedesk.language import WRITING_GROUPS, phrase_groups

from . import forms as f
from .choices import FINAL_STATES, ComplaintStatus, Judgment
from .models import Complaint, HandlingProposal
from .workflow import missing_steps

S = ComplaintStatus


def _form(req, key, factory):
    """The form the user just posted (with its errors) if it is this one, else a fresh one made when the page
    draws it ({% lazyform %}: the panel's forms stay closed until opened)."""
    posted = getattr(req, "_complaint_form", None)
    if posted and posted[0] == key:
        return posted[1]
    return lazy_form(factory)


def complaint_panel(req, user):
    c = (
        Complaint.objects.select_related(
            "responsible_department",
            "subject_department",
            "follower",
            "judged_by",
            "written_reply_approved_by",
            "apology_issued_by",
            "instructed_proposal",
        )
        .filter(pk=req.pk)
        .first()
    )
    if c is None:  # a request imported without its complaint sheet: the shared page still shows
        return None
    c.request = req
    prop, pid, status = req.property, req.property_id, req.status
    proposals = list(
        HandlingProposal.objects.filter(complaint=c).select_related(
            "proposed_by", "instructed_by", "department"
        )
    )
    is_open = status not in FINAL_STATES
    handle = can(user, "complaints.handle", pid)
    reply = can(user, "complaints.reply", pid)
    lead = can(user, "complaints.instruct", pid)
    ctx = {
        "template": "complaints/_panel.html",
        "c": c,
        "progress": c.progress(),
        "missing": missing_steps(c),
        "proposals": proposals,
        "is_open": is_open,
        "is_written": req.channel == "written",
        "phrase_groups": phrase_groups(WRITING_GROUPS),
        "can_judge": status == S.RECEIVED and can(user, "complaints.judge", pid),
        "can_propose": status in (S.INVESTIGATING, S.AWAITING_INSTRUCTION) and handle,
        "can_instruct": status == S.AWAITING_INSTRUCTION and lead,
        "can_complete": status == S.HANDLING and handle,
        "can_reply": is_open and reply,
        "can_reply_result": status == S.HANDLED and reply,
        "can_answer_invalid": status == S.NOT_UPHELD and reply,
        "can_close_invalid": status == S.ANSWERED and reply,
        "can_check": is_open and handle,
        "can_escalate": is_open and handle,
        "can_urge": is_open and handle and c.responsible_department_id is not None,
        "can_draft_written": is_open and reply and req.channel == "written",
        "can_approve_written": is_open and lead and bool(c.written_reply) and not c.written_reply_approved_at,
        "can_apology": is_open and reply and c.judgment == Judgment.VALID and not c.apology_issued_at,
        "can_engineering": is_open and handle and c.is_engineering,
        "apology_required": c.internal_fault,
    }
    if ctx["can_judge"]:
        ctx["judge_form"] = _form(req, "judge", lambda: f.JudgeForm(prop=prop, auto_id="cj_%s"))
    if ctx["can_propose"]:
        ctx["proposal_form"] = _form(req, "proposal", lambda: f.ProposalForm(prop=prop, auto_id="cp_%s"))
    if ctx["can_instruct"]:  # each proposal carries its own plain 批示 field; the form only shows its errors
        posted = getattr(req, "_complaint_form", None)
        ctx["instruct_form"] = posted[1] if posted and posted[0] == "instruct" else None
    if ctx["can_complete"]:
        ctx["resolution_form"] = _form(req, "complete", lambda: f.ResolutionForm(auto_id="cc_%s"))
    if ctx["can_reply"]:
        ctx["reply_form"] = _form(req, "reply", lambda: f.ReplyForm(auto_id="cr_%s"))
    if ctx["can_reply_result"] or ctx["can_answer_invalid"]:
        ctx["result_form"] = _form(req, "result", lambda: f.ReplyForm(auto_id="cx_%s"))
    if ctx["can_close_invalid"]:
        ctx["understanding_form"] = _form(req, "understanding", lambda: f.UnderstandingForm(auto_id="cu_%s"))
    if ctx["can_draft_written"]:
        ctx["written_form"] = _form(
            req, "written", lambda: f.ReplyForm(initial={"reply": c.written_reply}, auto_id="cw_%s")
        )
    if ctx["can_apology"]:
        ctx["apology_form"] = _form(req, "apology", lambda: f.ApologyForm(auto_id="ca_%s"))
    if ctx["can_escalate"]:
        ctx["escalate_form"] = _form(req, "escalate", lambda: f.EscalateForm(auto_id="ce_%s"))
    if ctx["can_engineering"]:
        ctx["engineering_form"] = _form(
            req,
            "engineering",
            lambda: f.EngineeringForm(
                initial={
                    "is_paid": c.is_paid,
                    "charge_standard": c.charge_standard,
                    "pay_consent": c.pay_consent,
                },
                auto_id="cg_%s",
            ),
        )
    return ctx
