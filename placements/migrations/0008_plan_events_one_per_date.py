# One annual review per plan per meeting date, one phase transfer per plan per due date: the
# keys the sen2-events import already matches on. Rows a double submission saved twice are
# removed first, keeping the latest entered of each date: the one the SEN2 return already uses
# (placements/sen2/records.py takes the latest by date, then by id).

from django.db import migrations, models
from django.db.models import Count, Max


def _keep_latest_of_each_date(apps, schema_editor):
    for model_name, date_field in (("AnnualReview", "meeting_date"), ("PhaseTransfer", "due_date")):
        model = apps.get_model("placements", model_name)
        repeated = (
            model.objects.values("ehcp_id", date_field)
            .annotate(copies=Count("id"), keep=Max("id"))
            .filter(copies__gt=1)
        )
        for group in repeated.iterator():
            model.objects.filter(
                ehcp_id=group["ehcp_id"], **{date_field: group[date_field]}
            ).exclude(pk=group["keep"]).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('placements', '0007_child_search_indexes'),
    ]

    operations = [
        migrations.RunPython(_keep_latest_of_each_date, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='annualreview',
            constraint=models.UniqueConstraint(fields=('ehcp', 'meeting_date'), name='annual_review_one_per_meeting', violation_error_message='This plan already has an annual review on that date'),
        ),
        migrations.AddConstraint(
            model_name='phasetransfer',
            constraint=models.UniqueConstraint(fields=('ehcp', 'due_date'), name='phase_transfer_one_per_due_date', violation_error_message='This plan already has a phase transfer due on that date'),
        ),
    ]
