from __future__ import annotations

from django.db import migrations

NEED_TYPES = [
    ("SPLD", "SpLD - Specific Learning Difficulty"),
    ("MLD", "MLD - Moderate Learning Difficulty"),
    ("SLD", "SLD - Severe Learning Difficulty"),
    ("PMLD", "PMLD - Profound and Multiple Learning Difficulty"),
    ("SEMH", "SEMH - Social, Emotional and Mental Health"),
    ("SLCN", "SLCN - Speech, language and Communication"),
    ("HI", "HI - Hearing Impairment"),
    ("VI", "VI - Visual Impairment"),
    ("MSI", "MSI - Multi-Sensory Impairment"),
    ("PD", "PD - Physical Disability"),
    ("ASD", "ASD - Autistic Spectrum Disorder"),
    ("DS", "DS - Down Syndrome"),
    ("OTH", "OTH - Other Difficulty/Disability"),
]


def add_need_types(apps, schema_editor):
    NeedType = apps.get_model("placements", "NeedType")
    for order, (code, label) in enumerate(NEED_TYPES):
        NeedType.objects.update_or_create(code=code, defaults={"label": label, "sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("placements", "0001_initial")]

    operations = [migrations.RunPython(add_need_types, migrations.RunPython.noop)]
