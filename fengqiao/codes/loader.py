"""Loads code tables from CSV files (table,code,parent,label_zh,label_en) — idempotent, order kept."""

import csv
from pathlib import Path

from django.db import transaction

from fengqiao.codes.models import Code

DATA_DIR = Path(__file__).resolve().parent / "data"


def default_files() -> list[Path]:
    return sorted(DATA_DIR.glob("*.csv"))


@transaction.atomic
def load_file(path: Path, model: type[Code] = Code) -> int:
    """Creates or updates every row of the file; rows no longer in the file are deactivated, not deleted.

    `model` is the historical model when called from a data migration.
    """
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    seen: dict[str, set[str]] = {}
    for sort, row in enumerate(rows):
        table, code = row["table"].strip(), row["code"].strip()
        parent = model.objects.get(table=table, code=row["parent"].strip()) if row.get("parent") else None
        model.objects.update_or_create(
            table=table,
            code=code,
            defaults={
                "parent": parent,
                "label_zh": row["label_zh"].strip(),
                "label_en": (row.get("label_en") or "").strip(),
                "sort": sort,
                "active": True,
            },
        )
        seen.setdefault(table, set()).add(code)
    for table, codes in seen.items():
        model.objects.filter(table=table).exclude(code__in=codes).update(active=False)
    return len(rows)


def load_defaults(model: type[Code] = Code) -> int:
    return sum(load_file(path, model) for path in default_files())
