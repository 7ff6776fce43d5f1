"""/api/v1/ for residents: the same services as the pages; another property's record is a 404."""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.base import ScopedViewSetMixin
from core.models import Department, Property, Unit, User
from core.permissions import can

from .. import selectors, services
from ..filtersets import ResidentFilterSet
from ..models import (
    ArchiveAccessGrant,
    ArchiveAccessLog,
    ContactPerson,
    Correspondence,
    CustomerAssignment,
    CustomerNeed,
    EmergencyContact,
    Occupancy,
    Resident,
)
from . import serializers as s


def _scoped(model, user, action, pk):
    return get_object_or_404(model.objects.restrict(user, action), pk=pk)


def _prop_for(user, action, pk=None) -> Property:
    qs = Property.objects.restrict(user, action).order_by("id")
    if pk is not None:
        found = qs.filter(pk=pk).first()
        if found is None:
            get_object_or_404(Property.objects.restrict(user, "view"), pk=pk)  # another property: 404
            raise PermissionDenied()  # own property, role not allowed: 403
        return found
    props = list(qs[:2])
    if len(props) != 1:
        raise serializers.ValidationError({"property": ["请指定项目。(Specify the property.)"]})
    return props[0]


class ResidentViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Residents, phone and ID masked. `?q=` runs the front-desk search (name, initials, last 4 digits,
    room, company). Records are never deleted: POST …/archive/ files one."""

    permission_action = "resident.view"
    queryset = (
        Resident.objects.select_related("property")
        .prefetch_related(selectors.current_occupancies_prefetch())
        .order_by("name_initials", "id")
    )
    serializer_class = s.ResidentSerializer
    filterset_class = ResidentFilterSet

    @extend_schema(
        parameters=[OpenApiParameter("q", str, description="搜索:姓名/拼音首字母/手机尾号/房号/公司")]
    )
    def list(self, request, *args, **kwargs):
        q = request.query_params.get("q", "").strip()
        if q:
            rows = selectors.resident_search(user=request.user, q=q, limit=50)
            page = self.paginate_queryset(rows)
            return self.get_paginated_response(self.get_serializer(page, many=True).data)
        return super().list(request, *args, **kwargs)

    @extend_schema(request=s.ResidentWriteSerializer, responses=s.ResidentSerializer)
    def create(self, request, *args, **kwargs):
        data = s.ResidentWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        prop = _prop_for(request.user, "resident.edit", d.pop("property", None))
        if "name" not in d:
            raise serializers.ValidationError({"name": ["请填写姓名或公司名称。(Name is required.)"]})
        r = services.resident_create(actor=request.user, prop=prop, **d)
        return Response(s.ResidentSerializer(r).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ResidentWriteSerializer, responses=s.ResidentSerializer)
    def update(self, request, *args, **kwargs):
        resident = self.get_object()
        data = s.ResidentWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        d.pop("property", None)
        r = services.resident_update(actor=request.user, resident=resident, **d)
        return Response(s.ResidentSerializer(r).data)

    @extend_schema(request=s.ReasonSerializer, responses=s.ResidentSerializer)
    @action(detail=True, methods=["post"])
    def archive(self, request, pk=None):
        ser = s.ReasonSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        r = services.resident_archive(actor=request.user, resident=self.get_object(), **ser.validated_data)
        return Response(s.ResidentSerializer(r).data)

    @extend_schema(
        request=inline_serializer("KeyCustomer", {"value": serializers.BooleanField()}),
        responses=s.ResidentSerializer,
    )
    @action(detail=True, methods=["post"], url_path="key-customer")
    def key_customer(self, request, pk=None):
        r = services.resident_set_key_customer(
            actor=request.user, resident=self.get_object(), value=bool(request.data.get("value"))
        )
        return Response(s.ResidentSerializer(r).data)

    @extend_schema(request=s.FullReadSerializer, responses=OpenApiTypes.OBJECT)
    @action(detail=True, methods=["post"])
    def full(self, request, pk=None):
        """R-ARCH-05: the unmasked archive with a live approved grant (purpose read|export); logged."""
        ser = s.FullReadSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        resident = _scoped(Resident, request.user, "archive.view", pk)
        data = services.archive_read_full(actor=request.user, resident=resident, **ser.validated_data)
        return Response(data)


class OccupancyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    permission_action = "resident.view"
    queryset = Occupancy.objects.select_related("unit", "resident").order_by("-start", "-id")
    serializer_class = s.OccupancySerializer
    filterset_fields = {"resident": ["exact"], "unit": ["exact"], "role": ["exact"], "end": ["isnull"]}

    @extend_schema(request=s.OccupancyStartSerializer, responses=s.OccupancySerializer)
    def create(self, request):
        ser = s.OccupancyStartSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = dict(ser.validated_data)
        resident = _scoped(Resident, request.user, "resident.view", d.pop("resident"))
        unit = _scoped(Unit, request.user, "resident.view", d.pop("unit"))
        occ = services.occupancy_start(actor=request.user, resident=resident, unit=unit, **d)
        return Response(s.OccupancySerializer(occ).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.OccupancyEndSerializer, responses=s.OccupancySerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        ser = s.OccupancyEndSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        occ = services.occupancy_end(actor=request.user, occupancy=self.get_object(), **ser.validated_data)
        return Response(s.OccupancySerializer(occ).data)


class ContactPersonViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """A company's day-to-day contacts over time; POST changes the contact (the current one ends)."""

    permission_action = "archive.view"
    queryset = ContactPerson.objects.order_by("-start", "-id")
    serializer_class = s.ContactPersonSerializer
    filterset_fields = {"company": ["exact"], "end": ["isnull"]}

    @extend_schema(request=s.ContactPersonChangeSerializer, responses=s.ContactPersonSerializer)
    def create(self, request):
        ser = s.ContactPersonChangeSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = dict(ser.validated_data)
        company = _scoped(Resident, request.user, "resident.view", d.pop("company"))
        cp = services.contact_person_change(actor=request.user, company=company, **d)
        return Response(s.ContactPersonSerializer(cp).data, status=status.HTTP_201_CREATED)


class EmergencyContactViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    permission_action = "archive.view"
    queryset = EmergencyContact.objects.order_by("id")
    serializer_class = s.EmergencyContactSerializer
    filterset_fields = ["resident", "active"]

    @extend_schema(request=s.EmergencyContactAddSerializer, responses=s.EmergencyContactSerializer)
    def create(self, request):
        ser = s.EmergencyContactAddSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = dict(ser.validated_data)
        resident = _scoped(Resident, request.user, "resident.view", d.pop("resident"))
        ec = services.emergency_contact_add(actor=request.user, resident=resident, **d)
        return Response(s.EmergencyContactSerializer(ec).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ReasonSerializer, responses=s.EmergencyContactSerializer)
    @action(detail=True, methods=["post"])
    def remove(self, request, pk=None):
        ser = s.ReasonSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        ec = services.emergency_contact_remove(
            actor=request.user, contact=self.get_object(), **ser.validated_data
        )
        return Response(s.EmergencyContactSerializer(ec).data)


class CorrespondenceViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    permission_action = "archive.view"
    queryset = Correspondence.objects.select_related("recorded_by").order_by("-date", "-id")
    serializer_class = s.CorrespondenceSerializer
    filterset_fields = ["resident", "direction"]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(request=s.CorrespondenceAddSerializer, responses=s.CorrespondenceSerializer)
    def create(self, request):
        ser = s.CorrespondenceAddSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = dict(ser.validated_data)
        resident = _scoped(Resident, request.user, "resident.view", d.pop("resident"))
        files = d.pop("files", []) or request.FILES.getlist("file")
        c = services.correspondence_add(actor=request.user, resident=resident, files=files, **d)
        return Response(s.CorrespondenceSerializer(c).data, status=status.HTTP_201_CREATED)


class ArchiveAccessGrantViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """R-ARCH-05: requests to read/export an archive in full. Approvers see their properties' requests;
    others their own."""

    permission_action = "archive.request"
    queryset = ArchiveAccessGrant.objects.select_related("resident").order_by("-created_at")
    serializer_class = s.GrantSerializer
    filterset_fields = ["resident", "status", "purpose"]

    def get_queryset(self):
        user = self.request.user
        if can(user, "archive.approve"):
            own = ArchiveAccessGrant.objects.restrict(user, "archive.request").filter(requested_by=user)
            return (self.queryset.restrict(user, "archive.approve") | own).distinct()
        return self.queryset.restrict(user, "archive.request").filter(requested_by=user)

    @extend_schema(request=s.GrantRequestSerializer, responses=s.GrantSerializer)
    def create(self, request):
        ser = s.GrantRequestSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = dict(ser.validated_data)
        resident = _scoped(Resident, request.user, "archive.view", d.pop("resident"))
        g = services.archive_access_request(actor=request.user, resident=resident, **d)
        return Response(s.GrantSerializer(g).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.GrantDecideSerializer, responses=s.GrantSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        grant = _scoped(ArchiveAccessGrant, request.user, "archive.approve", pk)
        ser = s.GrantDecideSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        g = services.archive_access_decide(actor=request.user, grant=grant, **ser.validated_data)
        return Response(s.GrantSerializer(g).data)


class ArchiveAccessLogViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Every full read (查询人, 查询事由, 查询时间): supervisor and manager only."""

    permission_action = "archive.audit"
    queryset = ArchiveAccessLog.objects.select_related("resident", "reader").order_by("-at", "-id")
    serializer_class = s.AccessLogSerializer
    filterset_fields = ["resident", "reader", "purpose"]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not can(request.user, "archive.audit"):
            raise PermissionDenied()


class CustomerAssignmentViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """R-CUST-03/04. Supervisors see their properties' assignments; administrators their own."""

    permission_action = "assignment.hold"
    queryset = CustomerAssignment.objects.select_related("resident", "administrator").order_by(
        "-assigned_at", "-id"
    )
    serializer_class = s.AssignmentSerializer
    filterset_fields = {
        "administrator": ["exact"],
        "resident": ["exact"],
        "ended_at": ["isnull"],
        "first_contacted_at": ["isnull"],
    }

    def get_queryset(self):
        user = self.request.user
        if can(user, "assignment.manage"):
            return self.queryset.restrict(user, "assignment.manage")
        return self.queryset.restrict(user, "assignment.hold").filter(administrator=user)

    @extend_schema(
        request=s.ProposeSerializer,
        responses=inline_serializer(
            "AssignmentProposal",
            {
                "holders": serializers.ListField(child=serializers.DictField()),
                "assignments": serializers.ListField(child=serializers.DictField()),
            },
        ),
    )
    @action(detail=False, methods=["post"])
    def propose(self, request):
        ser = s.ProposeSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        prop = _prop_for(request.user, "assignment.manage", ser.validated_data["property"])
        if ser.validated_data.get("residents"):
            residents = list(
                Resident.objects.restrict(request.user, "assignment.manage")
                .filter(property=prop, pk__in=ser.validated_data["residents"])
                .order_by("id")
            )
        else:
            residents = selectors.unassigned_residents(
                user=request.user, prop=prop, limit=ser.validated_data["limit"]
            )
        p = selectors.propose_assignment(prop, residents)
        return Response(
            {
                "holders": [
                    {
                        "administrator": h.user.pk,
                        "name": str(h.user),
                        "current": h.current,
                        "capacity": h.capacity,
                        "ability": h.ability,
                        "proposed": h.proposed,
                        "over_capacity": h.over_capacity,
                    }
                    for h in p.holders
                ],
                "assignments": [{"resident": r.pk, "administrator": u.pk} for r, u in p.pairs],
            }
        )

    @extend_schema(request=s.AssignSerializer, responses=s.AssignmentSerializer(many=True))
    @action(detail=False, methods=["post"])
    def assign(self, request):
        ser = s.AssignSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        prop = _prop_for(request.user, "assignment.manage", ser.validated_data["property"])
        pairs = []
        for item in ser.validated_data["assignments"]:
            resident = get_object_or_404(
                Resident.objects.restrict(request.user, "assignment.manage").filter(property=prop),
                pk=item["resident"],
            )
            admin = get_object_or_404(User, pk=item["administrator"])
            pairs.append((resident, admin))
        made = services.customers_assign(actor=request.user, prop=prop, assignments=pairs)
        return Response(s.AssignmentSerializer(made, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.FirstContactSerializer, responses=s.AssignmentSerializer)
    @action(detail=True, methods=["post"], url_path="first-contact")
    def first_contact(self, request, pk=None):
        ser = s.FirstContactSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        a = services.customer_first_contact_record(
            actor=request.user, assignment=self.get_object(), note=ser.validated_data["note"]
        )
        return Response(s.AssignmentSerializer(a).data)

    @action(detail=False, methods=["get"])
    def overdue(self, request):
        qs = selectors.overdue_first_contacts(user=request.user)
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class RosterImportView(APIView):
    """Excel owner roster: dry_run=true (default) validates and reports; dry_run=false writes all rows or,
    if any row is bad, none."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request=s.RosterImportSerializer, responses=OpenApiTypes.OBJECT)
    def post(self, request):
        ser = s.RosterImportSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        prop = _prop_for(request.user, "resident.import", ser.validated_data["property"])
        report = services.roster_import(
            actor=request.user,
            prop=prop,
            file=ser.validated_data["file"],
            dry_run=ser.validated_data["dry_run"],
        )
        return Response(report.as_dict(), status=200 if report.ok else 400)


# --- 客户动态 (R-CUST-01/02) and needs passed on (R-CUST-06) ---------------------------------------------


class CustomerDevelopmentsView(APIView):
    """R-CUST-01/02: the user's customers' developments since their last review (or the last `days` days),
    classified by area, key customers first. A supervisor passes `administrator` for any holder of their
    properties and gets who has not reviewed today."""

    @extend_schema(
        parameters=[
            OpenApiParameter("property", int, description="项目 id(默认第一个)"),
            OpenApiParameter("administrator", int, description="客服管理员 id(主管可查看他人)"),
            OpenApiParameter("days", int, description="最近 N 天(1–7);默认自上次查阅"),
            OpenApiParameter("all", bool, description="包括无动态的客户"),
        ],
        responses=s.DevelopmentsPageSerializer,
    )
    def get(self, request):
        prop, admin, supervising, _holders, _props = selectors.developments_scope(
            user=request.user, params=request.query_params
        )
        if admin is None:
            raise serializers.ValidationError(
                {"administrator": ["请指定客服管理员。(Specify the administrator.)"]}
            )
        since, until, last = selectors.development_window(
            administrator=admin, prop=prop, days=selectors.development_days(request.query_params)
        )
        page = selectors.customer_developments(
            administrator=admin,
            prop=prop,
            since=since,
            until=until,
            last_review=last,
            include_quiet=request.query_params.get("all") in ("1", "true"),
        )
        if supervising:
            page.not_reviewed_today = selectors.not_reviewed_today(prop=prop)
        return Response(s.DevelopmentsPageSerializer(page).data)


class DevelopmentReviewView(APIView):
    """R-CUST-02 已查阅: one record per administrator, property and day; posting again the same day updates it."""

    @extend_schema(request=s.DevelopmentReviewWriteSerializer, responses=s.DevelopmentReviewSerializer)
    def post(self, request):
        ser = s.DevelopmentReviewWriteSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        prop = _prop_for(request.user, "assignment.hold", ser.validated_data["property"])
        review = services.customer_developments_review(
            actor=request.user, prop=prop, note=ser.validated_data["note"]
        )
        return Response(s.DevelopmentReviewSerializer(review).data)


def _department_of(prop_id, pk):
    if pk is None:
        return None
    dept = Department.objects.filter(property_id=prop_id, pk=pk).first()
    if dept is None:
        raise serializers.ValidationError(
            {"department": ["该部门不属于本项目。(The department is not in this property.)"]}
        )
    return dept


class CustomerNeedViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """R-CUST-06: needs and information from contact with 业户, passed to a department (待转交 → 已转交 → 已反馈)."""

    permission_action = "assignment.hold"
    queryset = CustomerNeed.objects.select_related("resident", "department").order_by("-recorded_at", "-id")
    serializer_class = s.CustomerNeedSerializer
    filterset_fields = ["resident", "status", "department"]

    @extend_schema(request=s.CustomerNeedCreateSerializer, responses=s.CustomerNeedSerializer)
    def create(self, request):
        d = self.validated(s.CustomerNeedCreateSerializer)
        resident = _scoped(Resident, request.user, "assignment.hold", d["resident"])
        need = services.customer_need_record(
            actor=request.user,
            resident=resident,
            text=d["text"],
            department=_department_of(resident.property_id, d["department"]),
        )
        return self.respond(need, status.HTTP_201_CREATED)

    @extend_schema(request=s.NeedPassSerializer, responses=s.CustomerNeedSerializer)
    @action(detail=True, methods=["post"], url_path="pass")
    def pass_on(self, request, pk=None):
        need = self.get_object()
        d = self.validated(s.NeedPassSerializer)
        return self.respond(
            services.customer_need_pass(
                actor=request.user, need=need, department=_department_of(need.property_id, d["department"])
            )
        )

    @extend_schema(request=s.NeedAnswerSerializer, responses=s.CustomerNeedSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        return self.service_action(
            services.customer_need_answer, s.NeedAnswerSerializer, need=self.get_object()
        )
