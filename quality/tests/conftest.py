from datetime import timedelta

import pytest

from core.choices import DepartmentKind
from core.models import Department
from quality import services
from quality.choices import NonConformitySource


@pytest.fixture
def cs_dept(world):
    return Department.objects.get(property=world.p1, kind=DepartmentKind.CUSTOMER_SERVICE)


@pytest.fixture
def raise_item(world, cs_dept, daytime):
    """raise_item(**overrides) → a 不符合项 at property 1 from the supervisor's daily check (R-ROLE-09)."""

    def make(**kw):
        args = {
            "actor": world.supervisor,
            "prop": world.p1,
            "source": NonConformitySource.DAILY_CHECK,
            "place": "前台",
            "description": "前台未使用标准问候语",
            "standard": "《前台接待服务规范》礼貌用语",
            "department": cs_dept,
            "responsible": world.frontdesk,
            "requirement": "当班人员复习服务用语并当面演练",
            "due_at": daytime.now() + timedelta(days=2),
        }
        args.update(kw)
        return services.nonconformity_raise(**args)

    return make
