"""The `fengqiao` console script: Django's management commands under the project's name."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fengqiao.settings")
    from django.core.management import execute_from_command_line

    args = sys.argv[1:]
    if args and not args[0].startswith("-"):
        # Commands are spelled with hyphens on the command line (`fengqiao import-calls`), modules with underscores.
        args[0] = args[0].replace("-", "_")
    execute_from_command_line(["fengqiao", *args])


if __name__ == "__main__":
    main()
