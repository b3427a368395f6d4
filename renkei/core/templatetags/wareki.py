"""Template filters for Japanese dates: {{ d|wareki }}, {{ d|wareki_weekday }}, {{ d|nendo }}."""

from django import template
from django.utils import timezone

from renkei.core import dates

register = template.Library()


@register.filter
def wareki(value):
    try:
        return dates.wareki(value)
    except (ValueError, TypeError, AttributeError):
        return value


@register.filter
def wareki_weekday(value):
    try:
        return dates.wareki(value, with_weekday=True)
    except (ValueError, TypeError, AttributeError):
        return value


@register.filter
def wareki_datetime(value):
    """令和7年4月1日 14:05 (local time)."""
    if not value:
        return ""
    try:
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return f"{dates.wareki(local)} {local:%H:%M}"
    except (ValueError, TypeError, AttributeError, OverflowError):
        return value


@register.filter
def nendo(value):
    try:
        return dates.fiscal_year(value).label
    except (ValueError, TypeError, AttributeError):
        return value
