"""Template tags of the analysis app for other apps' pages: the matter page's repeat-call panel."""

from django import template

from fengqiao.analysis.repeats import RepeatView, repeat_views
from fengqiao.matters.models import Matter

register = template.Library()


@register.simple_tag
def repeat_groups(matter: Matter) -> list[RepeatView]:
    """The repeat groups of the matter, the largest first (two queries), for analysis/includes/repeat_badge.html."""
    return repeat_views(matter)
