"""The must-show scenario through the API, and the standard API cases."""

import pytest

from complaints.models import Complaint
from core.models import Deadline, Department
from servicedesk import engine
from servicedesk.models import TimelineEvent

BASE = "/api/v1/complaints/"


@pytest.fixture
def listener():
    seen = []

    def on_done(request, actor):
        seen.append((request.pk, request.status, actor.username))

    engine.on_completed(on_done)
    yield seen
    engine.COMPLETION_LISTENERS.remove(on_done)


def _intake(world, zhang):
    return {
        "property": world.p1.pk,
        "channel": "phone",
        "title": "楼道灯坏了一周无人修",
        "description": "3栋12楼楼道灯坏了一周,报修两次无人处理。",
        "reporter_name": "张三",
        "reporter": zhang.pk,
        "unit": world.u1.pk,
        "basic_type": "quality",
        "analysis_category": "equipment",
        "emotion": "angry",
        "demand": "今天修好",
        "apologised": True,
        "steps": ["hear", "ask", "record"],
    }


# R-CMP-32, R-CMP-24, R-CMP-15, R-CB-11: phone complaint → 成立 → assigned → proposal approved → answered
# the same day → handled (completion announced) → day-3 callback 不满意 → escalated → reopened.
def test_must_show_scenario(world, zhang, api_as, listener):
    desk, sup, admin = api_as(world.frontdesk), api_as(world.supervisor), api_as(world.admin1)
    eng = Department.objects.get(property=world.p1, kind="eng")
    r = desk.post(BASE, _intake(world, zhang), format="json")
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert r.json()["status"] == "received" and r.json()["contact_phone"] == "138****5678"
    r = sup.post(
        f"{BASE}{pk}/judge/",
        {
            "judgment": "valid",
            "reason": "报修两次未处理,理由充分",
            "responsible_department": eng.pk,
            "assignee": world.engineer.pk,
            "investigation_hours": 7,
            "definition": "4",
            "our_fault": True,
        },
        format="json",
    )
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "investigating" and r.json()["assignee"] == world.engineer.pk
    r = admin.post(
        f"{BASE}{pk}/proposals/", {"text": "方案一:今天更换灯具", "department": eng.pk}, format="json"
    )
    assert r.status_code == 201
    p1 = r.json()["id"]
    admin.post(f"{BASE}{pk}/proposals/", {"text": "方案二:整层线路检修"}, format="json")
    assert admin.post(f"{BASE}{pk}/step/", {"name": "submit_proposals"}, format="json").status_code == 200
    r = sup.post(
        f"{BASE}{pk}/instruct/", {"proposal": p1, "instruction": "同意方案一,今日完成"}, format="json"
    )
    assert r.status_code == 200 and r.json()["status"] == "instructed"
    r = desk.post(
        f"{BASE}{pk}/reply/", {"text": "您好,已安排工程部今天处理,但是需要您家里留人"}, format="json"
    )
    assert r.status_code == 200
    assert [f["phrase"] for f in r.json()["language"]] == ["但是"]  # a hint, not a block
    assert r.json()["complaint"]["same_day_replied_at"]
    assert (
        admin.post(f"{BASE}{pk}/step/", {"name": "start_handling"}, format="json").json()["status"]
        == "handling"
    )
    r = admin.post(f"{BASE}{pk}/complete/", {"resolution": "已更换LED灯具并试亮"}, format="json")
    assert r.status_code == 200 and r.json()["complaint"]["status"] == "handled"
    assert listener == [(pk, "handled", "admin1")]
    # Day 3: the callback finds the resident 不满意 (simulated through the engine's feedback endpoint).
    r = admin.post(
        f"/api/v1/requests/{pk}/feedback/",
        {"satisfaction": "unsatisfied", "comment": "灯又坏了"},
        format="json",
    )
    assert r.status_code == 200
    r = sup.post(f"{BASE}{pk}/escalate/", {"report": "回访不满意,灯具再次损坏,请经理督办"}, format="json")
    assert r.status_code == 200
    assert admin.post(f"{BASE}{pk}/reopen/", {"reason": "回访不满意"}, format="json").status_code == 403
    assert sup.post(f"{BASE}{pk}/reopen/", {"reason": ""}, format="json").status_code == 400
    r = sup.post(f"{BASE}{pk}/reopen/", {"reason": "回访不满意:灯又坏了"}, format="json")
    assert r.status_code == 200
    body = r.json()
    assert (body["status"], body["reopen_count"], body["instructed_proposal"]) == ("investigating", 1, None)
    timeline = sup.get(f"/api/v1/requests/{pk}/timeline/").json()
    moves = [(e["from_status"], e["to_status"]) for e in timeline if e["kind"] == "status"]
    assert moves == [
        ("received", "investigating"),
        ("investigating", "awaiting_instruction"),
        ("awaiting_instruction", "instructed"),
        ("instructed", "handling"),
        ("handling", "handled"),
        ("handled", "investigating"),
    ]
    kinds = [e["kind"] for e in timeline]
    for k in ("created", "assigned", "reply", "feedback", "escalation", "clock"):
        assert k in kinds, k
    assert [e["text"] for e in timeline if e["kind"] == "status"][-1] == "回访不满意:灯又坏了"
    clocks = {d.kind: d.state for d in Deadline.objects.filter(object_id=pk)}
    assert (
        clocks["reply_same_day"] == "met"
        and clocks["investigate"] == "met"
        and clocks["instruction"] == "met"
    )
    assert clocks["resolve_month"] == "running"  # running again after the reopen
    assert TimelineEvent.objects.filter(request_id=pk, kind="escalation").exists()


def test_api_standard_cases(world, zhang, api_as, client):
    desk = api_as(world.frontdesk)
    assert client.get(BASE).status_code in (401, 403)
    assert (
        api_as(world.guard).post(BASE, _intake(world, zhang), format="json").status_code == 404
    )  # no such property for them
    bad = {**_intake(world, zhang), "apologised": False}
    r = desk.post(BASE, bad, format="json")
    assert r.status_code == 400 and "apologised" in r.json()
    assert Complaint.objects.count() == 0
    pk = desk.post(BASE, _intake(world, zhang), format="json").json()["id"]
    assert desk.get(f"{BASE}{pk}/").status_code == 200
    assert api_as(world.frontdesk2).get(f"{BASE}{pk}/").status_code == 404
    assert (
        api_as(world.supervisor2)
        .post(f"{BASE}{pk}/judge/", {"judgment": "invalid", "reason": "x"}, format="json")
        .status_code
        == 404
    )
    assert (
        desk.post(f"{BASE}{pk}/judge/", {"judgment": "invalid", "reason": "x"}, format="json").status_code
        == 403
    )
    r = desk.get(BASE, {"analysis_category": "equipment"})
    assert r.status_code == 200 and r.json()["count"] == 1
    assert api_as(world.frontdesk2).get(BASE).json()["count"] == 0


# R-CMP-34, R-CMP-35, R-CMP-37
def test_report_endpoints(world, zhang, api_as):
    api_as(world.frontdesk).post(BASE, _intake(world, zhang), format="json")
    sup = api_as(world.supervisor)
    d = sup.get(f"{BASE}reports/daily/").json()
    assert d["counts"]["received"] == 1
    w = sup.get(f"{BASE}reports/weekly/").json()
    assert [g["label"] for g in w["groups"]] == ["能源", "设备", "服务"] and w["total"] == 1
    m = sup.get(f"{BASE}reports/monthly/").json()
    assert m["total"] == 1 and m["reply_rate"] == 0.0
    assert api_as(world.frontdesk).get(f"{BASE}reports/daily/").status_code == 403
    assert sup.get(f"{BASE}reports/monthly/", {"month": "2026-13"}).status_code == 400


def test_schema_generates(client):
    r = client.get("/api/schema/")
    assert r.status_code == 200
    assert b"/api/v1/complaints/{id}/judge/" in r.content
