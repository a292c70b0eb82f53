"""`manage.py create_demo_users`: one sign-in per role, for demos and browser checks."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core import roles

PASSWORD = "demo-password-1"  # noqa: S105 (a published demo password, never used in production)
USERS = [
    # username, role, first name, last name
    ("officer", roles.OFFICER, "Olivia", "Hartley"),
    ("commissioner", roles.COMMISSIONER, "Chris", "Pemberton"),
    ("manager", roles.MANAGER, "Morgan", "Fenwick"),
    ("admin", roles.ADMIN, "Alex", "Whitlock"),
]


class Command(BaseCommand):
    help = (
        "Create (or reset the password of) the demo users officer, commissioner, manager and "
        f"admin, each in the group of its role, all with the password {PASSWORD}."
    )

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            # Published passwords, an admin among them: never on a real service.
            raise CommandError(
                "create_demo_users makes accounts with a published password, so it runs only "
                "with DEBUG on (DJANGO_SETTINGS_MODULE=config.settings.local, as `make demo` "
                "sets). Create real accounts with `manage.py createsuperuser` and the admin."
            )
        roles.roles_ensure()
        user_model = get_user_model()
        rows = []
        for username, role, first, last in USERS:
            user, created = user_model.objects.get_or_create(username=username)
            user.first_name, user.last_name = first, last
            user.email = f"{username}@example.org"
            user.is_active = True
            user.is_staff = user.is_superuser = role == roles.ADMIN
            user.set_password(PASSWORD)
            user.save()
            user.groups.add(Group.objects.get(name=role))
            rows.append((username, role, "created" if created else "password reset"))
        width = max(len(name) for name, _, _ in rows)
        lines = [f"  {'username':<{width}}  {'role':<12}  {'password':<16}  status"]
        lines += [
            f"  {name:<{width}}  {role:<12}  {PASSWORD:<16}  {status}"
            for name, role, status in rows
        ]
        self.stdout.write("Demo users:\n" + "\n".join(lines))
