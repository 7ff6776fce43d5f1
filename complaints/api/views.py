"""/api/v1/complaints/ — the complaint steps, each the twin of a page action, calling the same services."""

from datetime import datetime

import django_filters
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.base import ScopedViewSetMixin
from core.errors import DomainError
from core.models import Department, Property, Unit, User
from residents.models import Resident

from .. import selectors, services
from ..models import Complaint, HandlingProposal
from . import serializers as s


class ComplaintFilter(django_filters.FilterSet):
    status = django_filters.CharFilter(field_name="request__status")
    channel = django_filters.CharFilter(field_name="request__channel")
    property = django_filters.NumberFilter(field_name="request__property")
    unit = django_filters.NumberFilter(field_name="request__unit")
    received_after = django_filters.IsoDateTimeFilter(field_name="request__received_at", lookup_expr="gte")
    received_before = django_filters.IsoDateTimeFilter(field_name="request__received_at", lookup_expr="lt")

    class Meta:
        model = Complaint
        fields = [
            "judgment",
            "severity",
            "basic_type",
            "analysis_category",
            "emotion",
            "same_day_reply_missed",
        ]


def _dept(pk, prop_id, field):
    if not pk:
        return None
    d = Department.objects.filter(pk=pk, property_id=prop_id).first()
    if d is None:
        raise DomainError("部门不属于本项目。(The department is not in this property.)", field=field)
    return d


def _user(pk, field):
    if not pk:
        return None
    u = User.objects.filter(pk=pk).first()
    if u is None:
        raise DomainError("用户不存在。(No such user.)", field=field)
    return u


class ComplaintViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Complaints (投诉): intake, judgment, proposals and 批示, handling, replies, apology, escalation."""

    permission_action = "complaints.view"
    queryset = (
        Complaint.objects.select_related("request")
        .prefetch_related("proposals")
        .order_by("-request__received_at", "-request_id")
    )
    serializer_class = s.ComplaintSerializer
    filterset_class = ComplaintFilter
    lookup_url_kwarg = "id"
    lookup_value_regex = r"\d+"

    def respond(self, c, status=200, *, text=None):
        """The complaint read again; with `text`, the service-language check of the reply too (R-LANG)."""
        c = Complaint.objects.select_related("request").prefetch_related("proposals").get(pk=c.pk)
        data = s.ComplaintSerializer(c).data
        if text is not None:
            return Response({"complaint": data, "language": s.findings(text)}, status=status)
        return Response(data, status=status)

    @extend_schema(request=s.ComplaintCreateSerializer, responses={201: s.ComplaintSerializer})
    def create(self, request, *args, **kwargs):
        v = self.validated(s.ComplaintCreateSerializer)
        prop = get_object_or_404(
            Property.objects.restrict(request.user, "complaints.create"), pk=v["property"]
        )
        unit = get_object_or_404(Unit, pk=v["unit"], property=prop) if v.get("unit") else None
        reporter = get_object_or_404(Resident, pk=v["reporter"], property=prop) if v.get("reporter") else None
        c = services.complaint_create(
            actor=request.user,
            prop=prop,
            channel=v["channel"],
            title=v["title"],
            description=v["description"],
            reporter_name=v["reporter_name"],
            contact_phone=v["contact_phone"],
            reporter=reporter,
            unit=unit,
            location_detail=v["location_detail"],
            caller_company=v["caller_company"],
            occurred_at=v["occurred_at"],
            occurred_place=v["occurred_place"],
            subject_person=v["subject_person"],
            subject_department=_dept(v.get("subject_department"), prop.pk, "subject_department"),
            narrative=v["narrative"],
            demand=v["demand"],
            emotion=v["emotion"],
            our_fault=v["our_fault"],
            basic_type=v["basic_type"],
            analysis_category=v["analysis_category"],
            severity=v["severity"],
            is_serious=v["is_serious"],
            ask_supervisor=v["ask_supervisor"],
            lease_related=v["lease_related"],
            is_engineering=v["is_engineering"],
            apologised=v["apologised"],
            steps=v["steps"],
            received_at=v["received_at"],
        )
        return self.respond(c, status=201)

    @extend_schema(request=s.UpdateSerializer, responses=s.ComplaintSerializer)
    @action(detail=True, methods=["post"], url_path="update")
    def update_fields(self, request, **kwargs):
        c = self.get_object()
        v = dict(self.validated(s.UpdateSerializer))
        reason = v.pop("reason", "")
        services.complaint_update(actor=request.user, complaint=c, reason=reason, **v)
        return self.respond(c)

    @extend_schema(request=s.JudgeSerializer, responses=s.ComplaintSerializer)
    @action(detail=True, methods=["post"])
    def judge(self, request, **kwargs):
        c = self.get_object()
        v = self.validated(s.JudgeSerializer)
        pid = c.request.property_id
        services.complaint_judge(
            actor=request.user,
            complaint=c,
            judgment=v["judgment"],
            reason=v["reason"],
            responsible_department=_dept(v.get("responsible_department"), pid, "responsible_department"),
            responsible_external=v["responsible_external"],
            investigation_hours=v.get("investigation_hours"),
            definition=v["definition"],
            severity=v["severity"] or None,
            our_fault=v["our_fault"],
            refusal_basis=v["refusal_basis"],
            assignee=_user(v.get("assignee"), "assignee"),
            follower=_user(v.get("follower"), "follower"),
        )
        return self.respond(c)

    @extend_schema(request=s.ProposalCreateSerializer, responses={201: s.ProposalSerializer})
    @action(detail=True, methods=["post"])
    def proposals(self, request, **kwargs):
        c = self.get_object()
        v = self.validated(s.ProposalCreateSerializer)
        p = services.proposal_add(
            actor=request.user,
            complaint=c,
            text=v["text"],
            department=_dept(v.get("department"), c.request.property_id, "department"),
        )
        return Response(s.ProposalSerializer(p).data, status=201)

    @extend_schema(request=s.InstructSerializer, responses=s.ComplaintSerializer)
    @action(detail=True, methods=["post"])
    def instruct(self, request, **kwargs):
        c = self.get_object()
        v = self.validated(s.InstructSerializer)
        p = HandlingProposal.objects.filter(pk=v["proposal"], complaint=c).first()
        if p is None:
            raise DomainError("方案不属于此投诉。(The proposal is not this complaint's.)", field="proposal")
        services.complaint_instruct(actor=request.user, complaint=c, proposal=p, instruction=v["instruction"])
        return self.respond(c)

    @extend_schema(request=s.StepSerializer, responses=s.ComplaintSerializer)
    @action(detail=True, methods=["post"])
    def step(self, request, **kwargs):
        """Plain steps: submit_proposals, return_proposals, start_handling, callback_done, archive, reopen, rejudge."""
        c = self.get_object()
        return self.service_action(services.complaint_step, s.StepSerializer, complaint=c, respond_with=c)

    @extend_schema(request=s.ReasonSerializer, responses=s.ComplaintSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, **kwargs):
        """业户不满意 (e.g. on the day-3 callback): the supervisor reopens with a reason."""
        c = self.get_object()
        v = self.validated(s.ReasonSerializer)
        services.complaint_step(actor=request.user, complaint=c, name="reopen", reason=v["reason"])
        return self.respond(c)

    @extend_schema(request=s.CompleteSerializer, responses=s.ComplaintWithLanguageSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, **kwargs):
        c = self.get_object()
        v = self.validated(s.CompleteSerializer)
        services.complaint_complete(
            actor=request.user, complaint=c, resolution=v["resolution"], owner_signed=v["owner_signed"]
        )
        return self.respond(c, text=v["resolution"])

    @extend_schema(request=s.ReplySerializer, responses=s.ComplaintWithLanguageSerializer)
    @action(detail=True, methods=["post"])
    def reply(self, request, **kwargs):
        """答复业户 — the same-day reply, progress, and a 下次回复时间 when not yet solved."""
        c = self.get_object()
        v = self.validated(s.ReplySerializer)
        services.complaint_reply(
            actor=request.user, complaint=c, text=v["text"], next_reply_at=v["next_reply_at"], at=v["at"]
        )
        return self.respond(c, text=v["text"])

    @extend_schema(request=s.ReplySerializer, responses=s.ComplaintWithLanguageSerializer)
    @action(detail=True, methods=["post"], url_path="reply-result")
    def reply_result(self, request, **kwargs):
        c = self.get_object()
        v = self.validated(s.ReplySerializer)
        services.complaint_reply_result(actor=request.user, complaint=c, text=v["text"])
        return self.respond(c, text=v["text"] or c.written_reply)

    @extend_schema(request=s.ReplySerializer, responses=s.ComplaintWithLanguageSerializer)
    @action(detail=True, methods=["post"], url_path="answer-invalid")
    def answer_invalid(self, request, **kwargs):
        c = self.get_object()
        v = self.validated(s.ReplySerializer)
        services.complaint_answer_invalid(actor=request.user, complaint=c, text=v["text"])
        return self.respond(c, text=v["text"] or c.written_reply)

    @extend_schema(request=s.UnderstandingSerializer, responses=s.ComplaintSerializer)
    @action(detail=True, methods=["post"], url_path="close-invalid")
    def close_invalid(self, request, **kwargs):
        c = self.get_object()
        return self.service_action(
            services.complaint_close_invalid, s.UnderstandingSerializer, complaint=c, respond_with=c
        )

    @extend_schema(request=s.ReplySerializer, responses=s.ComplaintWithLanguageSerializer)
    @action(detail=True, methods=["post"], url_path="written-reply")
    def written_reply(self, request, **kwargs):
        c = self.get_object()
        v = self.validated(s.ReplySerializer)
        services.written_reply_draft(actor=request.user, complaint=c, text=v["text"])
        return self.respond(c, text=v["text"])

    @extend_schema(request=None, responses=s.ComplaintSerializer)
    @action(detail=True, methods=["post"], url_path="written-reply/approve")
    def approve_written_reply(self, request, **kwargs):
        c = self.get_object()
        return self.service_action(services.written_reply_approve, complaint=c, respond_with=c)

    @extend_schema(request=s.ApologySerializer, responses=s.ComplaintSerializer)
    @action(detail=True, methods=["post"])
    def apology(self, request, **kwargs):
        """Generate the 道歉信 from the template (R-CMP-26)."""
        c = self.get_object()
        return self.service_action(
            services.apology_generate, s.ApologySerializer, complaint=c, respond_with=c
        )

    @extend_schema(request=None, responses=s.ComplaintSerializer)
    @action(detail=True, methods=["post"], url_path="apology/issue")
    def apology_issue(self, request, **kwargs):
        c = self.get_object()
        return self.service_action(services.apology_issue, complaint=c, respond_with=c)

    @extend_schema(request=s.EscalateSerializer, responses=s.ComplaintSerializer)
    @action(detail=True, methods=["post"])
    def escalate(self, request, **kwargs):
        c = self.get_object()
        return self.service_action(
            services.complaint_escalate, s.EscalateSerializer, complaint=c, respond_with=c
        )

    @extend_schema(request=s.UrgeSerializer, responses=s.ComplaintSerializer)
    @action(detail=True, methods=["post"])
    def urge(self, request, **kwargs):
        c = self.get_object()
        return self.service_action(services.complaint_urge, s.UrgeSerializer, complaint=c, respond_with=c)

    @extend_schema(request=s.CheckSerializer, responses=s.ComplaintSerializer)
    @action(detail=True, methods=["post"])
    def check(self, request, **kwargs):
        c = self.get_object()
        return self.service_action(services.complaint_check, s.CheckSerializer, complaint=c, respond_with=c)


def _report_user(request):
    from rest_framework.exceptions import PermissionDenied

    from core.permissions import can

    if not can(request.user, "complaints.report"):
        raise PermissionDenied()


def _date(value, default):
    if not value:
        return default
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise DomainError("日期格式应为 YYYY-MM-DD。(Use YYYY-MM-DD.)", field="date") from None


def _clean(rows):
    out = []
    for r in rows:
        r = dict(r)
        if isinstance(r.get("received_at"), datetime):
            r["received_at"] = r["received_at"].isoformat()
        out.append(r)
    return out


class ComplaintReportViewSet(viewsets.ViewSet):
    """R-RPT-06: the daily review (R-CMP-34), weekly analysis (R-CMP-35), monthly summary (R-CMP-37)."""

    @extend_schema(
        parameters=[OpenApiParameter("date", OpenApiTypes.DATE)], responses={200: OpenApiTypes.OBJECT}
    )
    @action(detail=False)
    def daily(self, request):
        _report_user(request)
        d = selectors.daily_review(
            user=request.user, day=_date(request.query_params.get("date"), timezone.localdate())
        )
        return Response(
            {
                "day": d["day"].isoformat(),
                "counts": d["counts"],
                "by_type": d["by_type"],
                "today": _clean(d["today"]),
                "outstanding": _clean(d["outstanding"]),
                "prominent": _clean(d["prominent"]),
            }
        )

    @extend_schema(
        parameters=[OpenApiParameter("week", OpenApiTypes.DATE)], responses={200: OpenApiTypes.OBJECT}
    )
    @action(detail=False)
    def weekly(self, request):
        _report_user(request)
        d = selectors.weekly_analysis(
            user=request.user, start=_date(request.query_params.get("week"), timezone.localdate())
        )
        return Response(
            {
                "start": d["start"].isoformat(),
                "end": d["end"].isoformat(),
                "total": d["total"],
                "trend": d["trend"],
                "groups": [{**g, "rows": _clean(g["rows"])} for g in d["groups"]],
            }
        )

    @extend_schema(
        parameters=[OpenApiParameter("month", OpenApiTypes.STR, description="YYYY-MM")],
        responses={200: OpenApiTypes.OBJECT},
    )
    @action(detail=False)
    def monthly(self, request):
        _report_user(request)
        raw = request.query_params.get("month")
        try:
            month = datetime.strptime(raw, "%Y-%m").date() if raw else timezone.localdate().replace(day=1)
        except ValueError:
            raise DomainError("月份格式应为 YYYY-MM。(Use YYYY-MM.)", field="month") from None
        d = selectors.monthly_summary(user=request.user, month=month)
        return Response({**d, "month": d["month"].strftime("%Y-%m"), "rows": _clean(d["rows"])})
