from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from fengqiao.codes.loader import default_files, load_file


class Command(BaseCommand):
    help = "Load code tables from CSV files (the shipped defaults when no file is given)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="*", type=Path)

    def handle(self, *args: Any, files: list[Path], **options: Any) -> None:
        for path in files or default_files():
            count = load_file(path)
            self.stdout.write(f"{path.name}: {count} codes")
