"""Masking of sensitive values for display, notices and exports."""


def mask_id_number(value: str | None) -> str:
    """510***********1234 style: keep the first 3 and the last 4 characters of an ID number."""
    if not value:
        return ""
    value = str(value)
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_phone(value: str | None) -> str:
    if not value:
        return ""
    value = str(value)
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "****" + value[-4:]


def mask_account(value: str | None) -> str:
    if not value:
        return ""
    value = str(value)
    return "*" * max(0, len(value) - 4) + value[-4:]
