"""Template helpers that render Django form fields as GOV.UK components."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django import forms, template

register = template.Library()


@register.filter
def field_kind(field: forms.BoundField) -> str:
    """Which GOV.UK component shows the field: radios, checkboxes, checkbox, textarea,
    select or input."""
    widget = field.field.widget
    if isinstance(field.field, forms.MultipleChoiceField):
        return "checkboxes"
    if isinstance(field.field, forms.BooleanField):
        return "checkbox"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(field.field, forms.ChoiceField):
        choices: list[Any] = list(cast(Iterable[Any], field.field.choices))
        grouped = any(isinstance(options, list | tuple) for _, options in choices)
        return "select" if grouped or len(choices) > 12 else "radios"
    return "input"


@register.filter
def is_selected(field: forms.BoundField, value: Any) -> bool:
    """True when ``value`` is the field's current answer (or one of them)."""
    current = field.value()
    if isinstance(current, list | tuple):
        return str(value) in {str(item) for item in current}
    return current is not None and str(current) == str(value)


@register.filter
def date_fields(form: forms.Form, prefix: str) -> list[forms.BoundField]:
    """The day, month and year fields of a date group."""
    return [form[f"{prefix}_{part}"] for part in ("day", "month", "year")]


@register.filter
def date_group_errors(form: forms.Form, prefix: str) -> list[str]:
    return [
        str(error) for part in ("day", "month", "year") for error in form[f"{prefix}_{part}"].errors
    ]


@register.simple_tag
def grouped_fields(form: Any) -> list[dict[str, Any]]:
    """The page's fields in order, each date group's three inputs in one item."""
    in_groups = {
        f"{group.prefix}_{part}": group
        for group in getattr(form, "date_groups", ())
        for part in ("day", "month", "year")
    }
    items: list[dict[str, Any]] = []
    seen: set[str] = set()
    for field in form.visible_fields():
        group = in_groups.get(field.name)
        if group is None:
            items.append({"kind": "field", "field": field})
        elif group.prefix not in seen:
            seen.add(group.prefix)
            items.append({"kind": "date", "group": group})
    return items


@register.filter
def govuk_select(field: forms.BoundField) -> str:
    """The field's own <select> (with its option groups) in GOV.UK dress."""
    css = "govuk-select govuk-select--error" if field.errors else "govuk-select"
    attrs: dict[str, str | bool] = {"class": css}
    if field.errors:
        attrs["aria-describedby"] = f"{field.auto_id}-error"
    return field.as_widget(attrs=attrs)  # Django marks the widget's HTML safe
