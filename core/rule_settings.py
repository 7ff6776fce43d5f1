"""规则参数: the values the seed leaves open, as per-property settings.

Where the seed states a number (3 days, 1 week, 5 minutes, 20 %) the area keeps a module constant. Where it
leaves the value open ("promptly", "as soon as possible", "很长时间", "价值较高", or an INTERPRETATION /
AMBIGUOUS reading of RULES.md), the area keeps its constant as the recommended default and declares it
here, from its `<area>/permissions.py` (imported by its AppConfig, like `core.permissions.declare`):

    from core.rule_settings import HOURS, declare
    from . import services

    declare("repairs.confirm_within", label=_("完工确认时限"), unit=HOURS,
            default=services.CONFIRM_WITHIN_BUSINESS, rule="R-REP-11", min=1, max=72)

and reads it where the rule is applied: `setting(prop, "repairs.confirm_within")` → a timedelta (minutes,
hours, days), Decimal (decimal), int (integer) or time (time); the default while the property has not
changed it. Values are kept in `Property.rule_settings` (one JSON object: key → number in the setting's
unit, decimal as a string, time as "HH:MM"); they are changed only by `core.services.rule_settings_update`
(规则参数 on the 项目设置 page, and PATCH /api/v1/properties/<id>/rule-settings/).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .errors import DomainError

log = logging.getLogger(__name__)

MINUTES, HOURS, DAYS, DECIMAL, INTEGER, TIME = "minutes", "hours", "days", "decimal", "integer", "time"
DURATION_UNITS = {MINUTES: timedelta(minutes=1), HOURS: timedelta(hours=1), DAYS: timedelta(days=1)}
UNITS = (MINUTES, HOURS, DAYS, DECIMAL, INTEGER, TIME)
UNIT_LABELS = {
    MINUTES: gettext_lazy("分钟"),
    HOURS: gettext_lazy("小时"),
    DAYS: gettext_lazy("天"),
    DECIMAL: "",
    INTEGER: "",
    TIME: "",
}
UNIT_ENGLISH = {MINUTES: "minutes", HOURS: "hours", DAYS: "days", DECIMAL: "", INTEGER: "", TIME: ""}
KEY_RE = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")
TIME_RE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")
MAX_DECIMAL_PLACES = 2


@dataclass(frozen=True)
class RuleSetting:
    """One open value: `key` "<area>.<name>", Chinese `label`, `unit`, `default` (the area's constant),
    the `rule` it implements, inclusive bounds `min`/`max` in the unit (numbers; times for TIME)."""

    key: str
    label: Any
    unit: str
    default: Any
    rule: str
    min: Any = None
    max: Any = None
    help: Any = ""
    suffix: Any = None  # shown after the number; the unit's name by default (e.g. "元" for a decimal)

    @property
    def area(self) -> str:
        return self.key.split(".", 1)[0]

    @property
    def unit_label(self) -> str:
        return str(self.suffix if self.suffix is not None else UNIT_LABELS[self.unit])

    # --- conversions: typed value ⇄ stored JSON value ---------------------------------------------------

    def to_stored(self, value):
        """Typed value (or a stored one) → what the JSON holds: a number in the unit, a string for a
        decimal, "HH:MM" for a time."""
        if self.unit in DURATION_UNITS:
            if isinstance(value, timedelta):
                n, rest = divmod(value, DURATION_UNITS[self.unit])
                if rest:
                    raise ValueError(f"{self.key}: {value} is not a whole number of {self.unit}")
                return int(n)
            return int(value)
        if self.unit == DECIMAL:
            return _decimal_text(Decimal(str(value)))
        if self.unit == INTEGER:
            return int(value)
        return value.strftime("%H:%M") if isinstance(value, time) else str(value)

    def to_value(self, stored):
        """Stored JSON value → the typed value the rule uses."""
        if self.unit in DURATION_UNITS:
            return DURATION_UNITS[self.unit] * int(stored)
        if self.unit == DECIMAL:
            return Decimal(str(stored))
        if self.unit == INTEGER:
            return int(stored)
        if isinstance(stored, time):
            return stored
        m = TIME_RE.match(str(stored))
        return time(int(m.group(1)), int(m.group(2)))

    @property
    def default_stored(self):
        return self.to_stored(self.default)

    def display(self, stored) -> str:
        return f"{stored} {self.unit_label}".strip() if self.unit_label else str(stored)

    # --- validation of what a person typed -----------------------------------------------------------------

    def clean(self, raw):
        """What a form or the API sent → the stored value; DomainError(field=key) when it is not valid."""
        label, unit, unit_en = str(self.label), self.unit_label, UNIT_ENGLISH[self.unit]
        if self.unit in DURATION_UNITS or self.unit == INTEGER:
            value = _as_whole_number(raw)
            if value is None:
                raise DomainError(
                    _("“%(label)s”须为整数%(unit)s。(%(key)s must be a whole number%(unit_en)s.)")
                    % {
                        "label": label,
                        "unit": f"({unit})" if unit else "",
                        "key": self.key,
                        "unit_en": f" of {unit_en}" if unit_en else "",
                    },
                    field=self.key,
                )
        elif self.unit == DECIMAL:
            value = _as_decimal(raw)
            if value is None:
                raise DomainError(
                    _(
                        "“%(label)s”须为数字,最多两位小数。(%(key)s must be a number with at most two decimal places.)"
                    )
                    % {"label": label, "key": self.key},
                    field=self.key,
                )
        else:
            m = TIME_RE.match(raw.strftime("%H:%M") if isinstance(raw, time) else str(raw or ""))
            if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
                raise DomainError(
                    _("“%(label)s”时间格式错误,应为 HH:MM。(%(key)s: use HH:MM.)")
                    % {"label": label, "key": self.key},
                    field=self.key,
                )
            value = time(int(m.group(1)), int(m.group(2)))
        low, high = self.min, self.max
        if (low is not None and value < low) or (high is not None and value > high):
            shown = {
                "label": label,
                "key": self.key,
                "min": _bound_text(low),
                "max": _bound_text(high),
                "unit": unit,
                "unit_en": f" {unit_en}" if unit_en else "",
            }
            if low is not None and high is not None:
                msg = _(
                    "“%(label)s”须在 %(min)s 到 %(max)s %(unit)s之间。(%(key)s must be from %(min)s to %(max)s%(unit_en)s.)"
                )
            elif low is not None:
                msg = _(
                    "“%(label)s”不能小于 %(min)s %(unit)s。(%(key)s must be at least %(min)s%(unit_en)s.)"
                )
            else:
                msg = _("“%(label)s”不能大于 %(max)s %(unit)s。(%(key)s must be at most %(max)s%(unit_en)s.)")
            raise DomainError(msg % shown, field=self.key)
        return self.to_stored(value)


def _as_whole_number(raw) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float | Decimal):
        return int(raw) if raw == int(raw) else None
    text = str(raw if raw is not None else "").strip()
    if re.fullmatch(r"[+-]?\d{1,9}", text):
        return int(text)
    return None


def _as_decimal(raw) -> Decimal | None:
    if isinstance(raw, bool) or raw is None:
        return None
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        return None
    if not value.is_finite() or -value.as_tuple().exponent > MAX_DECIMAL_PLACES:
        return None
    return value


def _decimal_text(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def _bound_text(value) -> str:
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, Decimal):
        return _decimal_text(value)
    return str(value)


class Registry:
    """The declared settings, in declaration order (areas in INSTALLED_APPS order)."""

    def __init__(self):
        self._settings: dict[str, RuleSetting] = {}

    def declare(
        self,
        key: str,
        *,
        label,
        unit: str,
        default,
        rule: str,
        min=None,  # noqa: A002  (the bound's natural name)
        max=None,  # noqa: A002
        help="",  # noqa: A002
        suffix=None,
    ) -> RuleSetting:
        """Declare one setting. Declaring a key twice with another definition is a configuration error,
        never a silent override (as core.permissions.declare); the same definition again is a no-op."""
        if not KEY_RE.match(key):
            raise ImproperlyConfigured(f"rule setting key {key!r}: use '<area>.<name>' in lower case")
        if unit not in UNITS:
            raise ImproperlyConfigured(f"rule setting {key!r}: unknown unit {unit!r}")
        if not re.match(r"^R-[A-Z]+-\d+", rule or ""):
            raise ImproperlyConfigured(f"rule setting {key!r}: name the rule it implements (R-AREA-NN)")
        if unit == DECIMAL:
            min = Decimal(str(min)) if min is not None else None  # noqa: A001
            max = Decimal(str(max)) if max is not None else None  # noqa: A001
        s = RuleSetting(key, label, unit, default, rule, min, max, help, suffix)
        try:
            stored = s.to_stored(default)
            if s.to_value(stored) != default:
                raise ValueError(f"{key}: the default {default!r} is not a {unit} value")
            s.clean(stored)  # the default lies within the bounds
        except (ValueError, TypeError, AttributeError, DomainError) as exc:
            raise ImproperlyConfigured(f"rule setting {key!r}: bad default {default!r} ({exc})") from None
        old = self._settings.get(key)
        if old is not None and old != s:
            raise ImproperlyConfigured(f"rule setting {key!r} declared twice with different definitions")
        self._settings[key] = s
        return s

    def get(self, key: str) -> RuleSetting:
        try:
            return self._settings[key]
        except KeyError:
            raise KeyError(
                f"unknown rule setting {key!r}: declare it with core.rule_settings.declare"
            ) from None

    def __contains__(self, key) -> bool:
        return key in self._settings

    def __iter__(self):
        return iter(list(self._settings.values()))

    def __len__(self):
        return len(self._settings)


REGISTRY = Registry()
declare = REGISTRY.declare


def area_label(area: str) -> str:
    """The area's name as its AppConfig gives it (报修, 投诉 …)."""
    from django.apps import apps

    try:
        return str(apps.get_app_config(area).verbose_name)
    except LookupError:
        return area


def _stored_map(prop) -> dict:
    if prop is None:
        return {}
    if isinstance(prop, int):
        from .models import Property

        prop = Property.objects.only("id", "rule_settings").get(pk=prop)
    return getattr(prop, "rule_settings", None) or {}


def _typed(s: RuleSetting, stored_map: dict):
    stored = stored_map.get(s.key)
    if stored is None:
        return s.default
    try:
        return s.to_value(s.clean(stored))
    except (DomainError, ValueError, TypeError, AttributeError):
        # Saved under older bounds or by hand in the database: the rule keeps working on its default.
        log.warning("rule setting %s: ignoring invalid value %r", s.key, stored)
        return s.default


def setting(prop, key: str, *, registry: Registry = REGISTRY):
    """The property's value of `key`, typed (timedelta / Decimal / int / time); its default when the
    property has not set it. `prop` is a Property (or its id: one query; None: the default)."""
    return _typed(registry.get(key), _stored_map(prop))


def rows(prop, *, registry: Registry = REGISTRY) -> list[dict]:
    """Every declared setting with the property's value, for the settings page and the API."""
    stored_map = _stored_map(prop)
    out = []
    for s in registry:
        value = s.to_stored(_typed(s, stored_map))
        out.append(
            {
                "key": s.key,
                "area": s.area,
                "area_label": area_label(s.area),
                "label": str(s.label),
                "unit": s.unit,
                "unit_label": s.unit_label,
                "rule": s.rule,
                "default": s.default_stored,
                "value": value,
                "is_default": s.key not in stored_map or value == s.default_stored,
                "min": _bound_json(s.min),
                "max": _bound_json(s.max),
                "help": str(s.help or ""),
            }
        )
    return out


def grouped(prop, *, registry: Registry = REGISTRY) -> list[dict]:
    """rows() grouped by area, areas in declaration order: [{"area", "label", "rows": [...]}]."""
    groups: dict[str, dict] = {}
    for row in rows(prop, registry=registry):
        g = groups.setdefault(row["area"], {"area": row["area"], "label": row["area_label"], "rows": []})
        g["rows"].append(row)
    return list(groups.values())


def _bound_json(value):
    if isinstance(value, Decimal):
        return _decimal_text(value)
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return value


def merge(current: dict, values: dict, *, registry: Registry = REGISTRY) -> tuple[dict, dict]:
    """Validate `values` (key → raw value; None or "" → back to the default) against the declared settings
    and merge them into `current`. Returns (new stored map, {key: [before, after]} of what changed, as
    shown values). Raises DomainError on the first unknown key or bad value; nothing is merged then."""
    unknown = sorted(k for k in values if k not in registry)
    if unknown:
        raise DomainError(
            _("未知的规则参数:%(keys)s。(Unknown rule settings: %(keys)s.)") % {"keys": ", ".join(unknown)},
            field=unknown[0],
        )
    new = {k: v for k, v in (current or {}).items() if k in registry}
    changes = {}
    for key, raw in values.items():
        s = registry.get(key)
        before = new.get(key, s.default_stored)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            new.pop(key, None)
            after = s.default_stored
        else:
            after = s.clean(raw)
            if after == s.default_stored:
                new.pop(key, None)  # the default is not stored: a later change of default applies
            else:
                new[key] = after
        if before != after:
            changes[key] = [s.display(before), s.display(after)]
    return new, changes
