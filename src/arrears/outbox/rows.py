"""Writing many attempts at once, each row with its own values."""

from __future__ import annotations


def update_each(model, fields: tuple[str, ...], rows: list[tuple[int, tuple]]) -> None:
    """Set `fields` of each row by its id, each to its own values, in one statement run many times
    (executemany); values are adapted as the ORM would."""
    from django.db import connection

    if not rows:
        return
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    qn = connection.ops.quote_name
    sql = (f"UPDATE {qn(meta.db_table)} SET {', '.join(f'{qn(c.column)} = %s' for c in columns)} "
           f"WHERE {qn(meta.pk.column)} = %s")
    params = [[c.get_db_prep_save(v, connection) for c, v in zip(columns, values, strict=True)] + [pk]
              for pk, values in rows]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
