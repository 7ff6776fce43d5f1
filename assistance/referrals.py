"""How a help request enters the repair and complaint flows (R-HELP-14), through their own services so the
linked request has its full record (《工程维修单》, 《客户投诉登记表》). Registered in AppConfig.ready() when
those apps are installed; assistance.services falls back to a recorded referral otherwise."""

from django.apps import apps


def create_repair(*, actor, help):
    from repairs.choices import RepairScope
    from repairs.services import repair_create

    r = help.request
    return repair_create(
        actor=actor,
        prop=r.property,
        scope=RepairScope.UNIT if r.unit_id else RepairScope.PUBLIC,
        description=f"{r.description}\n(由求助 {r.number} 转入)",
        reporter_name=r.reporter_name,
        contact_phone=r.contact_phone,
        reporter=r.reporter,
        unit=r.unit,
        location=r.location if r.location and not r.unit_id else None,
        location_detail=r.location_detail or ("" if r.unit_id or r.location_id else r.place()),
        title=r.title,
        channel=r.channel,
        is_paid=help.is_paid,
    )


def create_complaint(*, actor, help):
    from complaints.choices import AnalysisCategory, BasicType
    from complaints.services import complaint_create

    r = help.request
    c = complaint_create(
        actor=actor,
        prop=r.property,
        channel=r.channel,
        title=r.title,
        description=f"{r.description}\n(由求助 {r.number} 转入)",
        reporter_name=r.reporter_name,
        contact_phone=r.contact_phone,
        reporter=r.reporter,
        unit=r.unit,
        location=r.location,
        location_detail=r.location_detail,
        basic_type=BasicType.OTHER,
        analysis_category=AnalysisCategory.SERVICE,
        apologised=True,  # the "referred" step of a 投诉求助 asks for the apology first (R-CMP-06)
    )
    return c.request


def register_defaults(registry):
    if apps.is_installed("repairs") and "repair" not in registry:
        registry.register("repair", "报修", create_repair)
    if apps.is_installed("complaints") and "complaint" not in registry:
        registry.register("complaint", "投诉", create_complaint)
