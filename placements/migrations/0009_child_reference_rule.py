"""A child's reference is one line of visible characters without a slash (core.references).

A reference stored before the rule (a line break from a spreadsheet cell, a slash) made the
child's pages unreachable: such a reference is repaired here, each change printed, so that the
child can be opened again. The council's own system keeps the old reference: the next import
of it is refused at the check, saying why."""

from django.db import migrations, models

import core.references


def repair_child_references(apps, schema_editor):
    Child = apps.get_model("placements", "Child")
    refs = dict(Child.objects.values_list("pk", "child_ref"))
    bad = {pk: ref for pk, ref in refs.items() if core.references.reference_problem(ref)}
    if not bad:
        return
    taken = {ref.upper() for pk, ref in refs.items() if pk not in bad}
    for pk, ref in sorted(bad.items()):
        repaired = core.references.repaired_reference(
            ref, max_length=32, taken=taken, fallback=f"CHILD-{pk}"
        )
        taken.add(repaired.upper())
        Child.objects.filter(pk=pk).update(child_ref=repaired)
        print(f"  Child {pk}: reference {ref!r} is now {repaired!r}")  # noqa: T201


class Migration(migrations.Migration):
    dependencies = [
        ("placements", "0008_plan_events_one_per_date"),
    ]

    operations = [
        migrations.RunPython(repair_child_references, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="child",
            name="child_ref",
            field=models.CharField(
                max_length=32,
                unique=True,
                validators=[core.references.ReferenceValidator()],
                verbose_name="child reference",
            ),
        ),
        migrations.AlterField(
            model_name="historicalchild",
            name="child_ref",
            field=models.CharField(
                db_index=True,
                max_length=32,
                validators=[core.references.ReferenceValidator()],
                verbose_name="child reference",
            ),
        ),
    ]
