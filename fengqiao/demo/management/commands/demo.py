import unicodedata
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from fengqiao.demo.loader import demo_logins, load_demo
from fengqiao.staff.models import User


class Command(BaseCommand):
    help = "Load the demo stations of the seed page with their stories (idempotent) and print the logins."

    def handle(self, *args: Any, **options: Any) -> None:
        summary = load_demo()
        self.stdout.write(
            _("Demo loaded: %(created)d new matters, %(present)d already there.")
            % {"created": summary.created, "present": summary.present}
        )
        self.stdout.write("")
        for line in login_table(demo_logins()):
            self.stdout.write(line)
        self.stdout.write("")
        self.stdout.write(_("Password for every demo login: %(password)s") % {"password": settings.DEMO_PASSWORD})


def login_table(users: list[User]) -> list[str]:
    header = [_("Username"), _("Name"), _("Station"), _("Role")]
    rows = [[u.username, u.full_name, u.station.name if u.station else "", u.get_role_display()] for u in users]
    widths = [max(display_width(row[i]) for row in [header, *rows]) for i in range(len(header))]
    return [format_row(row, widths) for row in [header, *rows]]


def format_row(cells: list[str], widths: list[int]) -> str:
    return "  ".join(
        cell + " " * (width - display_width(cell)) for cell, width in zip(cells, widths, strict=True)
    ).rstrip()


def display_width(text: str) -> int:
    """Columns a terminal gives the text: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)
