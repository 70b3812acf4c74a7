from django import template

from fengqiao.stats.domain import display
from fengqiao.stats.models import Kpi

register = template.Library()


@register.filter
def change(value: float | None, digits: int = 1) -> str:
    return display.change(value, digits)


@register.filter
def per_10k(value: float | None) -> str:
    return display.per_10k(value)


@register.filter
def kpi_value(value: float | None, kpi: Kpi) -> str:
    return display.value(kpi, value)


@register.filter
def trend(value: float | None) -> str:
    """A CSS class: up, down or flat."""
    if value is None or round(value, 2) == 0:
        return "flat"
    return "up" if value > 0 else "down"


@register.filter
def get_item(mapping: dict[str, str], key: str) -> str:
    return mapping.get(key, "")
