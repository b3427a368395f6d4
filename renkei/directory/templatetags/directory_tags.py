from django import template

from renkei.directory.hours import describe

register = template.Library()


@register.filter
def describe_schedule(schedule) -> str:
    return describe(schedule)
