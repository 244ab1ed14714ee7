from django import template

from arrears.agencies.labels import ARM_LABELS, CRITERION_LABELS, FIELD_LABELS

register = template.Library()


@register.filter
def field_label(name: str) -> str:
    return FIELD_LABELS.get(name, name)


@register.filter
def criterion_label(name: str) -> str:
    return CRITERION_LABELS.get(name, name)


@register.filter
def arm_label(name: str) -> str:
    return ARM_LABELS.get(name, name)
