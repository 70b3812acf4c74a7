"""How the analysis pages write changes and draw bars."""

from dataclasses import dataclass

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@dataclass(frozen=True)
class Change:
    text: str
    direction: str  # up, down, same, new or none: the CSS class


@register.simple_tag
def change_of(pct: float | None, earlier: int, count: int) -> Change:
    """+12.5 % / −23.3 % / 0 %; “new” when there was nothing before and something now; “—” when neither."""
    if pct is None:
        return Change(_("new"), "new") if count and not earlier else Change("—", "none")
    if pct == 0:
        return Change("0 %", "same")
    sign = "+" if pct > 0 else "−"  # a real minus sign, as the statistics print it
    return Change(f"{sign}{abs(pct):.1f} %", "up" if pct > 0 else "down")


@register.simple_tag
def bar_width(value: float | None, top: float) -> str:
    """The width of a bar in per cent of the widest, as CSS wants it (a dot as decimal separator)."""
    if not value or not top:
        return "0"
    return f"{min(value / top, 1.0) * 100:.1f}"
