"""KPI definitions as data: loads data/kpis.json into `Kpi` rows (idempotent; the file's order is kept)."""

import json
from pathlib import Path
from typing import Any

from django.db import transaction

from fengqiao.stats.models import Kpi, kpi_errors

KPI_FILE = Path(__file__).resolve().parent / "data" / "kpis.json"


class KpiFileError(ValueError):
    """A definition in the file cannot be counted; the message names the KPI and the problem."""


def read_definitions(path: Path = KPI_FILE) -> list[dict[str, Any]]:
    definitions: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["kpis"]
    for item in definitions:
        errors = kpi_errors(item["kind"], item.get("filter", {}), item.get("numerator"), item.get("denominator"))
        if errors:
            raise KpiFileError(f"{path.name}: KPI {item.get('code')!r}: {'; '.join(errors)}")
    return definitions


@transaction.atomic
def load_kpis(path: Path = KPI_FILE, model: type[Kpi] = Kpi) -> int:
    """Create or update every KPI of the file; KPIs no longer in it are deactivated, not deleted.

    `model` is the historical model when called from a data migration.
    """
    definitions = read_definitions(path)
    for sort, item in enumerate(definitions):
        model.objects.update_or_create(
            code=item["code"],
            defaults={
                "label_zh": item["label_zh"],
                "label_en": item["label_en"],
                "kind": item["kind"],
                "filter": item.get("filter", {}),
                "numerator": item.get("numerator", {}),
                "denominator": item.get("denominator", {}),
                "per_10k": bool(item.get("per_10k", False)),
                "definition": item.get("definition", ""),
                "sort": sort,
                "active": True,
            },
        )
    model.objects.exclude(code__in=[item["code"] for item in definitions]).update(active=False)
    return len(definitions)
