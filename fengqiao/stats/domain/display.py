"""How figures are printed, the way stations publish them: counts and changes of counts with one decimal
(−23.3%), rates per 10,000 residents and their changes with two (−85.71%); a trailing zero is dropped (−20%)."""

from fengqiao.stats.models import Kpi, KpiKind

MINUS = "−"  # U+2212, as printed


def number(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "—"
    text = f"{abs(round(value, digits)):.{digits}f}".rstrip("0").rstrip(".")
    return f"{MINUS}{text}" if round(value, digits) < 0 else text


def change(value: float | None, digits: int = 1) -> str:
    """A relative change in per cent with its sign: +50%, −23.3%, 0%; — when there is nothing to compare."""
    if value is None:
        return "—"
    text = number(value, digits)
    return f"+{text}%" if round(value, digits) > 0 else f"{text}%"


def value(kpi: Kpi, figure: float | None) -> str:
    """A KPI's value: a whole count, a rate in per cent, hours with one decimal."""
    if figure is None:
        return "—"
    if kpi.kind == KpiKind.COUNT:
        return str(round(figure))
    if kpi.kind == KpiKind.RATE:
        return f"{number(figure, 1)}%"
    return number(figure, 1)


def per_10k(figure: float | None) -> str:
    return number(figure, 2)
