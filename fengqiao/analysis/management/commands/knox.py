"""`fengqiao knox`: the Knox near-repeat test on a CSV file or on a station's matters (docs/knox.md)."""

import json
from pathlib import Path
from typing import Any

import numpy as np
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from fengqiao.analysis.knox import (
    Events,
    KnoxInputError,
    KnoxResult,
    as_json,
    band_labels,
    knox_test,
    nrc_events,
    nrc_space_edges,
    parse_bands,
    read_events_file,
    station_events,
    summary,
)


class Command(BaseCommand):
    help = "Knox test for near repeats: which distances and days apart do events cluster at, beyond chance?"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", type=Path, help="CSV with columns x,y,date (metres) or lat,lng,date")
        parser.add_argument("--station", help="use this station's located matters instead of a file")
        parser.add_argument("--categories", nargs="+", default=[], help="category code prefixes (with --station)")
        parser.add_argument("--space-bands", default="0,1,100,200,300", help="boundaries in metres")
        parser.add_argument("--time-bands", default="0,7,14,21", help="boundaries in days")
        parser.add_argument("--distance", choices=["manhattan", "euclidean"], default="manhattan")
        parser.add_argument("--simulations", type=int, default=999)
        parser.add_argument("--seed", type=int, help="seed of the permutations; the run prints the one it used")
        parser.add_argument(
            "--nrc-compatible", action="store_true", help="the Near Repeat Calculator's labels and conventions"
        )
        parser.add_argument("--json", type=Path, help="write every figure to this file")

    def handle(self, *args: Any, **options: Any) -> None:
        nrc: bool = options["nrc_compatible"]
        try:
            space = parse_bands(options["space_bands"], "--space-bands")
            time = parse_bands(options["time_bands"], "--time-bands")
            events = self._events(options["file"], options["station"], options["categories"])
            if nrc:
                space, events = nrc_space_edges(space), nrc_events(events)
            result = knox_test(events, space, time, options["distance"], options["simulations"], options["seed"])
        except KnoxInputError as error:
            raise CommandError(str(error)) from None
        self._print(result, nrc)
        if options["json"]:
            self._write_json(options["json"], as_json(result, nrc))

    def _events(self, file: Path | None, station: str | None, categories: list[str]) -> Events:
        if (file is None) == (station is None):
            raise KnoxInputError(_("Give either a FILE or --station CODE."))
        if file is not None:
            if categories:
                raise KnoxInputError(_("--categories applies to --station only."))
            return read_events_file(file)
        return station_events(str(station), categories)

    def _print(self, result: KnoxResult, nrc: bool) -> None:
        self.stdout.write(
            _("%(events)d events, %(pairs)d pairs (%(close)d within %(cutoff)s m), %(distance)s distance, ")
            % {
                "events": result.events,
                "pairs": result.pairs,
                "close": result.close_pairs,
                "cutoff": f"{result.space_edges[-1]:g}",
                "distance": result.distance,
            }
            + _("%(simulations)d simulations, seed %(seed)d") % {"simulations": result.simulations, "seed": result.seed}
        )
        rows = band_labels(result.space_edges, "m", nrc)
        columns = band_labels(result.time_edges, "days", nrc)
        ratio = np.where(np.isnan(result.knox_ratio), -1.0, result.knox_ratio)
        tables = [
            (_("Observed pairs"), [[str(value) for value in row] for row in result.observed]),
            (_("Mean of the simulated pairs"), [[f"{value:.2f}" for value in row] for row in result.simulated_mean]),
            (_("Knox ratio (observed / mean)"), [[f"{v:.2f}" if v >= 0 else "–" for v in row] for row in ratio]),
            (_("p-value"), [[f"{value:.3f}" for value in row] for row in result.p_value]),
        ]
        for title, cells in tables:
            self.stdout.write("\n" + title)
            self.stdout.write(_table(rows, columns, cells))
        self.stdout.write("\n" + _("Summary"))
        for line in [*summary(result, "en"), *summary(result, "zh-hans")]:
            self.stdout.write("  " + line)

    def _write_json(self, path: Path, figures: dict[str, object]) -> None:
        try:
            path.write_text(json.dumps(figures, ensure_ascii=False, indent=2), encoding="utf-8")
        except OSError as error:
            raise CommandError(
                _("Cannot write %(path)s: %(error)s") % {"path": path, "error": error.strerror}
            ) from None
        self.stdout.write("\n" + _("Figures written to %(path)s") % {"path": path})


def _table(rows: list[str], columns: list[str], cells: list[list[str]]) -> str:
    """A plain text table: space bands down, time bands across."""
    first = max(len(label) for label in rows)
    widths = [max(len(column), *(len(row[k]) for row in cells)) for k, column in enumerate(columns)]
    lines = [" " * first + "  " + "  ".join(column.rjust(width) for column, width in zip(columns, widths, strict=True))]
    for label, row in zip(rows, cells, strict=True):
        lines.append(label.ljust(first) + "  " + "  ".join(v.rjust(w) for v, w in zip(row, widths, strict=True)))
    return "\n".join(lines)
