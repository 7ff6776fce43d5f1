"""Personal data masked by default (R-ARCH-06): 138****5678, 1101**********1234."""


def mask_phone(value: str | None) -> str:
    if not value:
        return ""
    v = str(value)
    if len(v) >= 7:
        return v[:3] + "*" * (len(v) - 7) + v[-4:] if len(v) > 7 else v[:3] + "****"
    return "*" * len(v)


def mask_id(value: str | None) -> str:
    if not value:
        return ""
    v = str(value)
    if len(v) <= 8:
        return "*" * len(v)
    return v[:4] + "*" * (len(v) - 8) + v[-4:]


def mask(value) -> str:
    if value is None:
        return value
    v = str(value)
    return mask_id(v) if len(v) >= 15 else mask_phone(v)
