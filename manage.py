#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    # Never fall back to the local settings (a fixed secret key, DEBUG on): unnamed, the
    # settings are production's, which refuse to start without SECRET_KEY and ALLOWED_HOSTS.
    # `make demo` and the other make targets name config.settings.local; pytest names
    # config.settings.test (pyproject.toml).
    # `makemigrations` reads only the models: it runs without secrets on the test settings, so
    # `python manage.py makemigrations --check` works on a fresh checkout as it stands.
    schema_only = sys.argv[1:2] == ["makemigrations"]
    os.environ.setdefault(
        "DJANGO_SETTINGS_MODULE",
        "config.settings.test" if schema_only else "config.settings.production",
    )
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
