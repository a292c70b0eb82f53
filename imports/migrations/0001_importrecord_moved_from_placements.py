"""`ImportRecord` moves from placements to imports without touching the database: the table keeps
its name (`placements_importrecord`); only Django's state changes owner."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("placements", "0003_importrecord"),
        ("core", "0001_job_moved_from_placements"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="ImportRecord",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("kind", models.CharField(max_length=40)),
                        ("file_name", models.CharField(max_length=255)),
                        ("stored_file", models.CharField(blank=True, help_text="The upload, relative to MEDIA_ROOT (web imports)", max_length=300)),
                        ("dry_run", models.BooleanField(default=False)),
                        ("status", models.CharField(choices=[("queued", "Queued"), ("running", "Running"), ("succeeded", "Succeeded"), ("rejected", "Rejected: the file has errors"), ("failed", "Failed")], default="queued", max_length=10)),
                        ("started_at", models.DateTimeField(blank=True, null=True)),
                        ("finished_at", models.DateTimeField(blank=True, null=True)),
                        ("rows_read", models.PositiveIntegerField(default=0)),
                        ("created", models.PositiveIntegerField(default=0)),
                        ("updated", models.PositiveIntegerField(default=0)),
                        ("errors_count", models.PositiveIntegerField(default=0)),
                        ("errors", models.JSONField(blank=True, default=list, help_text="The first errors, for the page")),
                        ("unknown_columns", models.JSONField(blank=True, default=list)),
                        ("warnings", models.JSONField(blank=True, default=list)),
                        ("failure", models.TextField(blank=True, help_text="An unexpected failure, not a row error")),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("job", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="import_records", to="core.job")),
                        ("user", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "ordering": ["-created_at", "-id"],
                        "db_table": "placements_importrecord",
                        "permissions": [("import_data", "Can import and export the council's data")],
                    },
                ),
            ],
        ),
    ]
