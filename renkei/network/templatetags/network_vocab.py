"""The Japanese name of a 地域づくり code (`{{ g.kind|vocab:"group_kinds" }}`) or of a list of codes, joined."""

from django import template

from renkei.network import reference

register = template.Library()


@register.filter
def vocab(code, name):
    return reference.names(name).get(code, code)


@register.filter
def vocab_list(codes, name):
    names = reference.names(name)
    return "・".join(names.get(c, c) for c in codes or ())
