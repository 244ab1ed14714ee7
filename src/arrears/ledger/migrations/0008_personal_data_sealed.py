"""Names, contact values and their owners' names sealed at rest, each with an HMAC digest.

Forward, the rows already held are encrypted and digested under ARREARS_SECRET (an empty
database needs no secret). Backward, they are written back in clear before the columns return
to plain text, so the migration can be undone with the same secret.
"""

import arrears.ledger.fields
from django.db import migrations, models


BATCH = 2000
SEALED = {
    "Borrower": (("name", "name_digest", "exact"),),
    "ContactPoint": (("value", "value_digest", "contact"), ("owner_name", "owner_name_digest", "exact")),
}


def seal_existing(apps, schema_editor):
    from arrears import secret
    from arrears.ledger import personal

    alias = schema_editor.connection.alias
    for model_name, fields in SEALED.items():
        model = apps.get_model("ledger", model_name)
        rows = model.objects.using(alias)
        if not rows.exists():
            continue
        vault = secret.vault()
        names = [name for name, _, _ in fields]
        ids = list(rows.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), BATCH):
            changed = []
            for pk, *values in rows.filter(pk__in=ids[start:start + BATCH]).values_list("pk", *names):
                row = model(pk=pk)
                for (name, digest_name, key), value in zip(fields, values):
                    setattr(row, name, value)  # sealed by the field as it is written
                    setattr(row, digest_name, personal.digest(vault, value, key))
                changed.append(row)
            rows.bulk_update(changed, [part for field in fields for part in field[:2]])


def open_existing(apps, schema_editor):
    alias = schema_editor.connection.alias
    for model_name, fields in SEALED.items():
        model = apps.get_model("ledger", model_name)
        names = [name for name, _, _ in fields]
        table = schema_editor.quote_name(model._meta.db_table)
        assignments = ", ".join(f"{schema_editor.quote_name(name)} = %s" for name in names)
        with schema_editor.connection.cursor() as cursor:
            for pk, *values in model.objects.using(alias).order_by("pk").values_list("pk", *names).iterator():
                cursor.execute(f"UPDATE {table} SET {assignments} WHERE id = %s", [*(v or "" for v in values), pk])


class Migration(migrations.Migration):

    dependencies = [
        ('ledger', '0007_product_kind'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='contactpoint',
            name='contact_point_unique_per_borrower',
        ),
        migrations.AddField(
            model_name='borrower',
            name='name_digest',
            field=models.CharField(db_index=True, default='', editable=False, help_text='HMAC of the name', max_length=64),
        ),
        migrations.AddField(
            model_name='contactpoint',
            name='owner_name_digest',
            field=models.CharField(blank=True, default='', editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name='contactpoint',
            name='value_digest',
            field=models.CharField(db_index=True, default='', editable=False, help_text='HMAC for exact search', max_length=64),
        ),
        migrations.AlterField(
            model_name='borrower',
            name='name',
            field=arrears.ledger.fields.SealedField(digest_field='name_digest', max_length=100, verbose_name='name'),
        ),
        migrations.AlterField(
            model_name='contactpoint',
            name='owner_name',
            field=arrears.ledger.fields.SealedField(blank=True, digest_field='owner_name_digest', max_length=100, verbose_name="owner's name"),
        ),
        migrations.AlterField(
            model_name='contactpoint',
            name='value',
            field=arrears.ledger.fields.SealedField(digest_field='value_digest', key='contact', max_length=300, verbose_name='value'),
        ),
        migrations.RunPython(seal_existing, open_existing),
        migrations.AddConstraint(
            model_name='contactpoint',
            constraint=models.UniqueConstraint(fields=('borrower', 'kind', 'value_digest'), name='contact_point_unique_per_borrower'),
        ),
    ]
