"""The admin area for properties, places and staff (管理后台).

Managers (is_staff) see only their own properties, by the same role × action table as the rest of the
product; adds and changes go through core.services so they are validated and recorded in history.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin

from . import services
from .choices import Role
from .errors import DomainError
from .history import history_for
from .models import Building, CalendarDay, Location, Membership, Property, Unit, User
from .permissions import can, property_ids


class ScopedAdmin(admin.ModelAdmin):
    action = "property.manage"

    def _allowed(self, request):
        return can(request.user, self.action)

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request)

    def has_add_permission(self, request):
        return self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request)

    def has_delete_permission(self, request, obj=None):
        return False  # nothing an office must keep is hard-deleted

    def get_queryset(self, request):
        return super().get_queryset(request).restrict(request.user, self.action)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Property:
            ids = property_ids(request.user, self.action)
            kwargs["queryset"] = (
                Property.objects.all() if ids is None else Property.objects.filter(pk__in=ids)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        try:
            self.save_via_service(request, obj, form, change)
        except DomainError as exc:
            messages.error(request, str(exc.message))
            raise

    def save_via_service(self, request, obj, form, change):
        raise TypeError(f"{type(self).__name__} must route saves through a service")

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, object_id)
        extra_context = {**(extra_context or {}), "propdesk_history": history_for(obj) if obj else []}
        return super().history_view(request, object_id, extra_context)


@admin.register(Property)
class PropertyAdmin(ScopedAdmin):
    list_display = ["name", "code", "kind", "phone"]
    readonly_fields = ["code"]

    def has_add_permission(self, request):
        return request.user.is_superuser

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["code"]

    def save_via_service(self, request, obj, form, change):
        data = {f: form.cleaned_data[f] for f in form.changed_data if f != "code"}
        if change:
            services.property_update(actor=request.user, prop=Property.objects.get(pk=obj.pk), **data)
        else:
            created = services.property_create(
                actor=request.user,
                name=obj.name,
                code=obj.code,
                kind=obj.kind,
                **{k: v for k, v in data.items() if k not in {"name", "kind"}},
            )
            obj.pk = created.pk


@admin.register(Building)
class BuildingAdmin(ScopedAdmin):
    list_display = ["name", "code", "property", "floors", "entrances"]
    list_filter = ["property"]

    def get_readonly_fields(self, request, obj=None):
        return ["property", "code"] if obj else []

    def save_via_service(self, request, obj, form, change):
        if change:
            raise DomainError(
                "楼座建立后不能修改;如有错误请联系系统管理员。(Buildings are fixed once created.)"
            )
        b = services.building_create(
            actor=request.user,
            prop=obj.property,
            code=obj.code,
            name=obj.name,
            floors=obj.floors,
            entrances=obj.entrances,
        )
        obj.pk = b.pk


@admin.register(Unit)
class UnitAdmin(ScopedAdmin):
    list_display = ["label", "property", "floor", "area", "status"]
    list_filter = ["property", "status", "building"]
    search_fields = ["label", "number"]
    list_select_related = ["property", "building"]

    def get_readonly_fields(self, request, obj=None):
        return ["property", "building", "number", "label"] if obj else ["label"]

    def save_via_service(self, request, obj, form, change):
        if change:
            if "status" in form.changed_data:
                services.unit_set_status(
                    actor=request.user,
                    unit=Unit.objects.get(pk=obj.pk),
                    status=obj.status,
                    reason="管理后台修改",
                )
            return
        u = services.unit_create(
            actor=request.user,
            building=obj.building,
            number=obj.number,
            floor=obj.floor,
            area=obj.area,
            entrance=obj.entrance,
            status=obj.status,
        )
        obj.pk = u.pk


@admin.register(Location)
class LocationAdmin(ScopedAdmin):
    list_display = ["name", "kind", "property"]
    list_filter = ["property", "kind"]

    def save_via_service(self, request, obj, form, change):
        services.location_save(actor=request.user, location=obj)


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    fields = ["property", "role", "department", "active", "capacity", "ability"]
    readonly_fields = ["property", "role", "department", "active"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class StaffCreationForm(forms.ModelForm):
    password = forms.CharField(label="初始密码", widget=forms.PasswordInput, min_length=8)
    property = forms.ModelChoiceField(label="项目", queryset=Property.objects.all())
    role = forms.ChoiceField(label="岗位", choices=Role.choices)

    class Meta:
        model = User
        fields = ["username", "display_name", "phone"]


@admin.register(User)
class StaffAdmin(UserAdmin):
    list_display = ["username", "display_name", "phone", "is_active", "last_login"]
    search_fields = ["username", "display_name", "phone"]
    inlines = [MembershipInline]
    add_form = StaffCreationForm
    add_fieldsets = (
        (None, {"fields": ["username", "display_name", "phone", "password", "property", "role"]}),
    )
    fieldsets = ((None, {"fields": ["username", "display_name", "phone", "is_active"]}),)

    def has_module_permission(self, request):
        return can(request.user, "staff.manage")

    has_view_permission = has_change_permission = has_add_permission = lambda self, request, obj=None: can(
        request.user, "staff.manage"
    )

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        ids = property_ids(request.user, "staff.manage")
        return qs if ids is None else qs.filter(memberships__property_id__in=ids).distinct()

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is None and "property" in form.base_fields:
            ids = property_ids(request.user, "staff.manage")
            if ids is not None:
                form.base_fields["property"].queryset = Property.objects.filter(pk__in=ids)
        return form

    def save_model(self, request, obj, form, change):
        if change:
            services.staff_update(actor=request.user, user=obj, fields=form.changed_data)
            return
        d = form.cleaned_data
        user = services.staff_create(
            actor=request.user,
            username=d["username"],
            password=d["password"],
            display_name=d["display_name"],
            phone=d.get("phone", ""),
            prop=d["property"],
            role=d["role"],
        )
        obj.pk = user.pk

    def save_related(self, request, form, formsets, change):
        if change:
            super().save_related(request, form, formsets, change)


@admin.register(Membership)
class MembershipAdmin(ScopedAdmin):
    action = "staff.manage"
    list_display = ["user", "property", "role", "department", "active", "capacity", "ability"]
    list_filter = ["property", "role", "active"]
    list_select_related = ["user", "property", "department"]
    fields = ["user", "property", "role", "capacity", "ability", "active"]

    def save_via_service(self, request, obj, form, change):
        if change and "active" in form.changed_data and not obj.active:
            services.membership_revoke(
                actor=request.user, membership=Membership.objects.get(pk=obj.pk), reason="管理后台停用"
            )
            return
        m = services.membership_grant(
            actor=request.user,
            user=obj.user,
            prop=obj.property,
            role=obj.role,
            capacity=obj.capacity,
            ability=obj.ability,
        )
        obj.pk = m.pk


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "is_workday", "name", "property"]
    list_filter = ["is_workday", "property"]

    def has_module_permission(self, request):
        return request.user.is_superuser
