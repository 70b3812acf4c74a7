"""Compile every .po catalogue under fengqiao/ into its .mo, with polib (no GNU gettext needed).

The .mo files are committed, so a fresh clone serves Chinese without this step; run it (`make messages`)
after editing a .po file.
"""

from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent / "fengqiao"


def main() -> None:
    for po_path in sorted(ROOT.rglob("*.po")):
        catalogue = polib.pofile(str(po_path))
        catalogue.save_as_mofile(str(po_path.with_suffix(".mo")))
        print(f"{po_path.relative_to(ROOT.parent)}: {catalogue.percent_translated()}% translated")


if __name__ == "__main__":
    main()
