# One scenario per name whatever its case; one planned-places line per forecast cell (provision,
# phase, need, year) in the council's plan and in each scenario.
#
# Lines already repeated in one cell are merged into the earliest first: exact copies (a form
# sent twice: same places, same note) count once; lines that differ are added up, their notes
# joined, so the forecast (which sums a cell's lines) is unchanged by the merge.

import django.db.models.functions.text
from django.conf import settings
from django.db import migrations, models
from django.db.models import Count

CELL = ("scenario_id", "setting_group", "phase", "need", "academic_year")


def _merge_lines_of_one_cell(apps, schema_editor):
    PlannedPlaces = apps.get_model("reporting", "PlannedPlaces")
    repeated = PlannedPlaces.objects.values(*CELL).annotate(lines=Count("id")).filter(lines__gt=1)
    for cell in list(repeated):
        lines = list(
            PlannedPlaces.objects.filter(**{k: cell[k] for k in CELL}).order_by("id")
        )
        kept, distinct = lines[0], {}
        for line in lines:
            distinct.setdefault((line.places, line.note.strip()), line)
        kept.places = sum(places for places, _note in distinct)
        notes = list(dict.fromkeys(note for _places, note in distinct if note))
        kept.note = "; ".join(notes)[:300]
        kept.save(update_fields=["places", "note"])
        PlannedPlaces.objects.filter(pk__in=[line.pk for line in lines[1:]]).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('reporting', '0002_sufficiency_scenarios'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(_merge_lines_of_one_cell, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='historicalsufficiencyscenario',
            name='name',
            field=models.CharField(max_length=120),
        ),
        migrations.AlterField(
            model_name='sufficiencyscenario',
            name='name',
            field=models.CharField(max_length=120),
        ),
        migrations.AddConstraint(
            model_name='plannedplaces',
            constraint=models.UniqueConstraint(condition=models.Q(('scenario__isnull', True)), fields=('setting_group', 'phase', 'need', 'academic_year'), name='planned_places_one_line_per_cell_in_plan'),
        ),
        migrations.AddConstraint(
            model_name='plannedplaces',
            constraint=models.UniqueConstraint(condition=models.Q(('scenario__isnull', False)), fields=('scenario', 'setting_group', 'phase', 'need', 'academic_year'), name='planned_places_one_line_per_cell_in_scenario'),
        ),
        migrations.AddConstraint(
            model_name='sufficiencyscenario',
            constraint=models.UniqueConstraint(django.db.models.functions.text.Upper('name'), name='scenario_name_unique_any_case'),
        ),
    ]
