"""Consultation emails become an outbox (status, attempts, last error, retry time), and a
child has at most one open consultation per school.

Emails already recorded were sent when recorded: they keep status "sent" and one attempt.
Before the constraint, any duplicate open consultations (a double submit of Consult could make
them) are closed as not needed, keeping the first one sent; their history is untouched.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models
from django.db.models import F, Q


def _recorded_emails_were_sent(apps, schema_editor):
    ConsultationEmail = apps.get_model("dps", "ConsultationEmail")
    ConsultationEmail.objects.update(queued_at=F("sent_at"))


def _close_duplicate_open_consultations(apps, schema_editor):
    Consultation = apps.get_model("dps", "Consultation")
    seen = set()
    duplicates = []
    for pk, child_id, provider_id in (
        Consultation.objects.filter(response="awaiting")
        .order_by("child_id", "provider_id", "sent_on", "id")
        .values_list("pk", "child_id", "provider_id")
        .iterator()
    ):
        if (child_id, provider_id) in seen:
            duplicates.append(pk)
        seen.add((child_id, provider_id))
    for start in range(0, len(duplicates), 500):
        Consultation.objects.filter(pk__in=duplicates[start : start + 500]).update(
            response="not_needed", version=F("version") + 1
        )


class Migration(migrations.Migration):
    dependencies = [
        ("dps", "0006_consultation_awaiting_index"),
        ("placements", "0007_child_search_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="consultationemail",
            options={"ordering": ["consultation", "queued_at", "id"]},
        ),
        # Rows already there were sent: they get "sent" and one attempt; new rows start queued.
        migrations.AddField(
            model_name="consultationemail",
            name="status",
            field=models.CharField(default="sent", max_length=9),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="consultationemail",
            name="status",
            field=models.CharField(
                choices=[
                    ("queued", "Waiting to be sent"),
                    ("sending", "Being sent"),
                    ("sent", "Sent"),
                    ("failed", "Not sent yet"),
                    ("cancelled", "Not sent: no longer needed"),
                ],
                default="queued",
                max_length=9,
            ),
        ),
        migrations.AddField(
            model_name="consultationemail",
            name="attempts",
            field=models.PositiveSmallIntegerField(default=1),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="consultationemail",
            name="attempts",
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="consultationemail",
            name="body",
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name="consultationemail",
            name="claimed_at",
            field=models.DateTimeField(
                blank=True,
                help_text="When a worker took it to send (while being sent)",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="consultationemail",
            name="last_error",
            field=models.CharField(
                blank=True, help_text="Why the last attempt failed, in plain words", max_length=300
            ),
        ),
        migrations.AddField(
            model_name="consultationemail",
            name="next_attempt_at",
            field=models.DateTimeField(
                blank=True,
                help_text="When the scheduled retry picks it up if still unsent",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="consultationemail",
            name="queued_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.RunPython(_recorded_emails_were_sent, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="consultationemail",
            name="sent_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="consultationemail",
            name="sent_by",
            field=models.ForeignKey(
                blank=True,
                help_text="The officer whose action queued it",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddIndex(
            model_name="consultationemail",
            index=models.Index(
                condition=Q(("status__in", ["queued", "sending", "failed"])),
                fields=["next_attempt_at", "id"],
                name="consultation_email_unsent",
            ),
        ),
        migrations.RunPython(_close_duplicate_open_consultations, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="consultation",
            constraint=models.UniqueConstraint(
                condition=Q(("response", "awaiting")),
                fields=("child", "provider"),
                name="consultation_one_open_per_school",
            ),
        ),
    ]
