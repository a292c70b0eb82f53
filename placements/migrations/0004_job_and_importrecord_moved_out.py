"""`Job` now belongs to core and `ImportRecord` to imports (their tables keep their names, so no
row moves). Their content types and the `import_data` permission follow them, so admin history
and group permissions stay attached."""

from django.db import migrations

MOVED = {"job": "core", "importrecord": "imports"}


def content_types_follow(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    for model, app_label in MOVED.items():
        old = ContentType.objects.filter(app_label="placements", model=model).first()
        if old is None:
            continue
        new = ContentType.objects.filter(app_label=app_label, model=model).first()
        if new is None:
            old.app_label = app_label
            old.save(update_fields=["app_label"])
        else:
            Permission.objects.filter(content_type=old).exclude(
                codename__in=Permission.objects.filter(content_type=new).values("codename")
            ).update(content_type=new)
            old.delete()
    child = ContentType.objects.filter(app_label="placements", model="child").first()
    record = ContentType.objects.filter(app_label="imports", model="importrecord").first()
    if child and record:
        moved = Permission.objects.filter(content_type=child, codename="import_data")
        if Permission.objects.filter(content_type=record, codename="import_data").exists():
            moved.delete()
        else:
            moved.update(content_type=record)


def content_types_return(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model, app_label in MOVED.items():
        ContentType.objects.filter(app_label=app_label, model=model).update(app_label="placements")


class Migration(migrations.Migration):
    dependencies = [
        ("placements", "0003_importrecord"),
        ("imports", "0001_importrecord_moved_from_placements"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="ImportRecord"),
                migrations.DeleteModel(name="Job"),
            ],
        ),
        migrations.AlterModelOptions(
            name="child",
            options={
                "ordering": ["last_name", "first_name", "child_ref"],
                "verbose_name_plural": "children",
                "permissions": [("view_casework", "Can see children's personal data and casework")],
            },
        ),
        migrations.RunPython(content_types_follow, content_types_return),
    ]
