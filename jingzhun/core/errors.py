"""The one domain error type.

Services raise DomainError when a business rule is broken. It carries a message (translated with
``gettext`` when raised: Chinese unless the user switched the UI language) and, when the problem is
about one input, the field name (and for imports, the row). Views turn it into a form error,
the API into a 400 with a field map, importers into a row error.
"""

from __future__ import annotations

from django.utils.translation import gettext


class DomainError(Exception):
    def __init__(
        self, message: str, *, field: str | None = None, row: int | None = None, code: str = "invalid"
    ):
        super().__init__(str(message))
        self.message = str(message)
        self.field = field
        self.row = row
        self.code = code

    def as_field_map(self) -> dict[str, list[str]]:
        return {self.field or "non_field_errors": [self.message]}

    def __str__(self) -> str:  # pragma: no cover - trivial
        if self.row:
            return gettext("第%(row)s行：%(message)s") % {"row": self.row, "message": self.message}
        return self.message


class AccessDenied(DomainError):
    """The actor may not perform this action on this target."""

    def __init__(self, message: str | None = None, **kwargs):
        if message is None:
            message = gettext("您没有执行此操作的权限。")
        super().__init__(message, code="permission_denied", **kwargs)


def join_list(items) -> str:
    """Items joined with the list separator of the UI language, for messages (、 in Chinese)."""
    # Translators: separator between the items of an inline list (“甲、乙、丙”).
    return gettext("、").join(str(i) for i in items)


def add_to_form(form, error: DomainError) -> None:
    """Attach a DomainError to a Django form, on its field when the form has it."""
    field = error.field if error.field in getattr(form, "fields", {}) else None
    form.add_error(field, error.message)


def full_clean_or_raise(obj, **kwargs) -> None:
    """``obj.full_clean()``, but a model validation failure becomes a DomainError on its first field.

    Services call this instead of ``full_clean`` so that views (which catch DomainError) show a form
    error instead of answering 500 when the model refuses a value the form let through.
    """
    from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

    try:
        obj.full_clean(**kwargs)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            name, messages = next(iter(exc.message_dict.items()))
            raise DomainError(messages[0], field=None if name == NON_FIELD_ERRORS else name) from exc
        raise DomainError(exc.messages[0]) from exc
