from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from fengqiao.analysis.risk import LEXICON_FILE, LexiconError, load_lexicon


class Command(BaseCommand):
    help = "Load the risk lexicon from a CSV file (the shipped lexicon when no file is given); safe to run again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", type=Path, default=LEXICON_FILE)
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Also deactivate rules that are not in the file (rules added in the admin are kept otherwise).",
        )

    def handle(self, *args: Any, file: Path, replace: bool, **options: Any) -> None:
        if not file.is_file():
            raise CommandError(_("No such file: %(file)s") % {"file": file})
        try:
            result = load_lexicon(file, replace=replace)
        except LexiconError as exc:
            raise CommandError(_("Nothing was loaded. %(problems)s") % {"problems": exc}) from exc
        counts = {
            "file": file.name,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "deactivated": result.deactivated,
        }
        message = _(
            "%(file)s: %(created)s created, %(updated)s updated, %(unchanged)s unchanged, %(deactivated)s deactivated"
        )
        self.stdout.write(message % counts)
