"""The model field that keeps personal data sealed at rest (see arrears.ledger.personal).

    name = SealedField(_("name"), max_length=100, digest_field="name_digest")
    name_digest = models.CharField(max_length=64, default="", db_index=True, editable=False)

Code reads and writes the clear value as with any text field: it is sealed on its way into the
database and opened on its way out, and every save (and bulk_create) refreshes the digest
beside it. `filter(value=...)` and `filter(value__in=...)` are answered by the digest (so
`ContactPoint.objects.filter(kind="mobile", value="+86 138 1234 5678")` finds the point held as
13812345678); any other lookup (contains, ordering by the text) is refused, as the database only
holds tokens. A queryset `.update()` of a sealed field must set its digest too.
"""

from __future__ import annotations

from django.core.exceptions import EmptyResultSet, FieldError
from django.db import models
from django.db.models.expressions import Col
from django.db.models.lookups import Lookup

from arrears.ledger import personal


def _vault():
    from arrears import secret

    return secret.vault()


class SealedField(models.TextField):
    """Text stored as a Fernet token, with an HMAC digest in `digest_field` for exact search."""

    description = "Text sealed at rest"

    def __init__(self, *args, digest_field: str = "", key: str = personal.EXACT, **kwargs) -> None:
        if key not in personal.KEYS:
            raise ValueError(f"unknown search key {key!r}")
        self.digest_field, self.key = digest_field, key
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["digest_field"] = self.digest_field
        if self.key != personal.EXACT:
            kwargs["key"] = self.key
        return name, path, args, kwargs

    def digest(self, value: str | None) -> str:
        return personal.digest(_vault(), value, self.key)

    def from_db_value(self, value, expression, connection):
        return personal.open_sealed(_vault(), value)

    def get_db_prep_value(self, value, connection, prepared=False):
        value = super().get_db_prep_value(value, connection, prepared)
        return _vault().encrypt(value) if value else value

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        if self.digest_field:
            setattr(model_instance, self.digest_field, self.digest(value))
        return value

    def get_lookup(self, lookup_name):
        if lookup_name in SEALED_LOOKUPS:
            return SEALED_LOOKUPS[lookup_name]
        return None  # Django answers FieldError: the database holds only tokens

    def get_transform(self, lookup_name):
        return None


class _ByDigest(Lookup):
    prepare_rhs = False

    def _digest_column(self, compiler):
        field = self.lhs.target if isinstance(self.lhs, Col) else None
        if not isinstance(field, SealedField) or not field.digest_field or hasattr(self.rhs, "resolve_expression"):
            raise FieldError("a sealed field is searched only by a literal value, through its digest")
        column = Col(self.lhs.alias, field.model._meta.get_field(field.digest_field))
        return field, *compiler.compile(column)


class SealedExact(_ByDigest):
    lookup_name = "exact"

    def as_sql(self, compiler, connection):
        field, sql, params = self._digest_column(compiler)
        return f"{sql} = %s", [*params, field.digest(self.rhs)]


class SealedIn(_ByDigest):
    lookup_name = "in"

    def as_sql(self, compiler, connection):
        field, sql, params = self._digest_column(compiler)
        digests = sorted({field.digest(value) for value in self.rhs})
        if not digests:
            raise EmptyResultSet
        return f"{sql} IN ({', '.join(['%s'] * len(digests))})", [*params, *digests]


SEALED_LOOKUPS = {"exact": SealedExact, "in": SealedIn, "isnull": models.lookups.IsNull}
