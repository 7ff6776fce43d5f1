"""The handling checklist of each help category, as data (R-HELP-06..08, R-HELP-10, R-HELP-14, R-HELP-15).

A Step is ticked once (assistance.services.help_step_tick) and records who ticked it and when. A step may
need earlier steps (`requires`), apply only when an earlier choice was made (`when`), ask for inputs
(`fields`) and trigger an effect run by the service (`effect`: notify security, refer to the repair or
complaint flow, ask the supervisor, answer, open an incident). Required steps that apply must be done
before the request can be closed as helped.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from .choices import CRIME_TYPES, DISASTER_TYPES, FirstAidChoice, HelpCategory, IncidentType


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str = "text"  # text | textarea | choice
    required: bool = True
    choices: tuple = ()


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    rule: str
    requires: tuple[str, ...] = ()
    when: tuple[str, str] | None = None  # (step key, its "choice" value) for the step to apply
    fields: tuple[Field, ...] = ()
    effect: str = ""
    required: bool = True
    extra: dict = field(default_factory=dict)


def _choices(members):
    return tuple((str(m.value), str(m.label)) for m in members)


A = "address_phone"
FIRST_AID = [
    # R-HELP-06: the floor/address and the phone come first, before anything else is done.
    Step(
        A,
        _("询问并记录病人楼层住址和联系电话"),
        "R-HELP-06",
        fields=(Field("floor_address", _("楼层住址")), Field("phone", _("联系电话"))),
    ),
    Step(
        "choice",
        _("询问住户意愿:送医院 / 呼叫120 / 派人照顾"),
        "R-HELP-06",
        requires=(A,),
        fields=(Field("choice", _("住户选择"), "choice", choices=_choices(FirstAidChoice)),),
    ),
    Step(
        "security_notified",
        _("通知保安部(值班领班)"),
        "R-HELP-07",
        requires=(A, "choice"),
        effect="notify_security",
    ),
    Step(
        "called_120",
        _("拨打120(必要时确认)"),
        "R-HELP-08",
        requires=(A, "choice"),
        when=("choice", FirstAidChoice.CALL_120),
    ),
    Step(
        "entrance_posted",
        _("告知住户有人在大门口等候,派人到大门口接应"),
        "R-HELP-08",
        requires=(A, "security_notified"),
        when=("choice", FirstAidChoice.CALL_120),
    ),
    Step(
        "ambulance_guided",
        _("引导救护车到住户处并协助"),
        "R-HELP-08",
        requires=(A, "called_120", "entrance_posted"),
        when=("choice", FirstAidChoice.CALL_120),
    ),
    Step(
        "escorted",
        _("保安部按距离派员陪同送医(住户同去,提醒携带必需品)"),
        "R-HELP-07",
        requires=(A, "security_notified"),
        when=("choice", FirstAidChoice.HOSPITAL),
    ),
    Step(
        "care_sent",
        _("已派人协助照顾病人"),
        "R-HELP-06",
        requires=(A, "security_notified"),
        when=("choice", FirstAidChoice.CARE),
    ),
    Step(
        "more_help_asked",
        _("病人安置后询问是否需要进一步帮助"),
        "R-HELP-07",
        requires=(A, "escorted"),
        when=("choice", FirstAidChoice.HOSPITAL),
    ),
    Step(
        "outcome",
        _("处理结果报服务台并记录"),
        "R-HELP-08",
        requires=(A, "choice"),
        fields=(Field("outcome", _("处理结果"), "textarea"),),
    ),
]

REPAIR = [
    Step("referred", _("转《报修作业程序》(生成维修单/登记转介)"), "R-HELP-14", effect="refer_repair"),
    Step("resident_told", _("告知住户处理安排"), "R-HELP-04", requires=("referred",)),
]

COMPLAINT = [
    Step(
        "referred",
        _("转《投诉处理程序》(生成投诉单/登记转介)"),
        "R-HELP-14",
        effect="refer_complaint",
        # R-CMP-06: whatever it concerns, the customer is first apologised to, then the complaint registered
        fields=(Field("apologised", _("已向住户致歉"), "choice", choices=(("yes", _("已致歉")),)),),
    ),
    Step("resident_told", _("告知住户处理安排"), "R-HELP-04", requires=("referred",)),
]

CONSULTATION = [
    Step(
        "asked_supervisor",
        _("不能当场答复:致歉并请示主管"),
        "R-HELP-10",
        effect="ask_supervisor",
        required=False,
        fields=(Field("question", _("请示内容"), "textarea"),),
    ),
    Step(
        "answered",
        _("答复住户"),
        "R-HELP-10",
        effect="answer",
        fields=(Field("answer", _("答复内容"), "textarea"),),
    ),
]


def _incident_steps(types, rule):
    return [
        Step(
            "incident_opened",
            _("开启突发事件(通知秩序维护部、客服主管、管理处经理)"),
            rule,
            effect="open_incident",
            fields=(
                Field("incident_type", _("事件类型"), "choice", choices=_choices(types)),
                Field("place", _("地点")),
            ),
        ),
        Step(
            "outcome",
            _("处置结果已记录"),
            rule,
            requires=("incident_opened",),
            fields=(Field("outcome", _("处置结果"), "textarea"),),
        ),
    ]


OTHER = [
    Step(
        "best_effort",
        _("力所能及地协助"),
        "R-HELP-15",
        fields=(Field("what", _("协助内容"), "textarea"),),
    )
]

CHECKLISTS: dict[str, list[Step]] = {
    HelpCategory.FIRST_AID: FIRST_AID,
    HelpCategory.REPAIR: REPAIR,
    HelpCategory.COMPLAINT: COMPLAINT,
    HelpCategory.CONSULTATION: CONSULTATION,
    HelpCategory.CRIME: _incident_steps(CRIME_TYPES, "R-HELP-14"),
    HelpCategory.DISASTER: _incident_steps(DISASTER_TYPES, "R-HELP-14"),
    HelpCategory.OTHER: OTHER,
}

INCIDENT_CATEGORIES = {HelpCategory.CRIME: CRIME_TYPES, HelpCategory.DISASTER: DISASTER_TYPES}
DEFAULT_INCIDENT_TYPE = {HelpCategory.CRIME: IncidentType.THEFT, HelpCategory.DISASTER: IncidentType.FLOOD}


def checklist(category: str) -> list[Step]:
    return CHECKLISTS[str(category)]


def step(category: str, key: str) -> Step | None:
    return next((s for s in checklist(category) if s.key == key), None)


def applies(s: Step, done: dict) -> bool:
    """`done`: key → HelpStep. A step with a `when` applies once that choice was made with that value."""
    if s.when is None:
        return True
    ref, value = s.when
    hs = done.get(ref)
    return bool(hs and hs.value.get("choice") == str(value))


def display(f: Field, v: str) -> str:
    """A recorded value as shown on pages: choices by label, phone numbers masked (R-ARCH-06)."""
    if f.kind == "choice":
        return str(dict(f.choices).get(v, v))
    if f.name == "phone":
        from core.masking import mask_phone

        return mask_phone(v)
    return v


def view(category: str, done: dict) -> list[dict]:
    """The checklist as the panel shows it: every applicable step with its state."""
    out = []
    for s in checklist(category):
        if not applies(s, done) and s.when is not None and s.when[0] in done:
            continue  # another choice was made: this branch does not apply
        hs = done.get(s.key)
        missing = [r for r in s.requires if r not in done]
        out.append(
            {
                "step": s,
                "done": hs,
                "shown": [
                    (f.label, display(f, hs.value.get(f.name, "")))
                    for f in s.fields
                    if hs and hs.value.get(f.name)
                ],
                "pending_choice": not applies(s, done),
                "blocked_by": [str(step(category, r).label) for r in missing],
                "ready": hs is None and not missing and applies(s, done),
            }
        )
    return out


def missing_required(category: str, done: dict) -> list[Step]:
    return [s for s in checklist(category) if s.required and applies(s, done) and s.key not in done]
