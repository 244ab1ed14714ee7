"""Moving the stored national IDs to the current secret (`arrears secrets rotate`).

A cipher made under an old secret is decrypted with it and encrypted again under the current
one, and every digest is recomputed under the current one. Rows already under the current
secret are left alone, so a second run changes nothing, and an interrupted run can simply be run
again (each batch commits on its own).
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.fernet import InvalidToken
from django.db import transaction

from arrears.errors import ConfigurationError
from arrears.ledger.identity import IdentityVault

BATCH = 2_000


@dataclass(frozen=True)
class RotationOutcome:
    examined: int
    rewritten: int

    def line(self) -> str:
        return (
            f"身份证号：检查 {self.examined}，改用新密钥 {self.rewritten}\n"
            f"national IDs: {self.examined} examined, {self.rewritten} moved to the current secret"
        )


def rotate_national_ids(vault: IdentityVault, *, batch: int = BATCH) -> RotationOutcome:
    from arrears.ledger.models import Borrower

    examined = rewritten = 0
    last_pk = 0
    while True:
        rows = list(
            Borrower.objects.filter(pk__gt=last_pk).exclude(national_id_cipher="")
            .order_by("pk").values_list("pk", "national_id_cipher", "national_id_digest")[:batch]
        )
        if not rows:
            break
        last_pk = rows[-1][0]
        changed = []
        for pk, cipher, digest in rows:
            try:
                moved = vault.rotated(cipher, digest)
            except InvalidToken:
                raise ConfigurationError(
                    f"借款人 {pk} 的身份证号无法用当前或旧密钥解密：请把加密它的旧密钥加入 ARREARS_SECRET_FALLBACKS",
                    f"borrower {pk}'s national ID decrypts under neither the current nor an old secret: "
                    "add the secret it was encrypted with to ARREARS_SECRET_FALLBACKS",
                ) from None
            if moved is not None:
                changed.append(Borrower(pk=pk, national_id_cipher=moved[0], national_id_digest=moved[1]))
        with transaction.atomic():
            Borrower.objects.bulk_update(changed, ["national_id_cipher", "national_id_digest"], batch_size=500)
        examined += len(rows)
        rewritten += len(changed)
    return RotationOutcome(examined, rewritten)


@dataclass(frozen=True)
class PersonalRotation:
    label_zh: str
    label_en: str
    examined: int
    rewritten: int

    def line(self) -> str:
        return (
            f"{self.label_zh}：检查 {self.examined}，改用新密钥 {self.rewritten}\n"
            f"{self.label_en}: {self.examined} examined, {self.rewritten} moved to the current secret"
        )


def rotate_personal_data(vault: IdentityVault, *, batch: int = BATCH) -> list[PersonalRotation]:
    """Names, contact values and owners' names (arrears.ledger.fields.SealedField) moved to the
    current secret: tokens re-encrypted, digests recomputed; rows already current left alone."""
    from arrears.ledger.models import Borrower, ContactPoint

    return [
        _rotate_sealed(Borrower, "name", vault, batch, "借款人姓名", "borrower names"),
        _rotate_sealed(ContactPoint, "value", vault, batch, "联系方式", "contact values"),
        _rotate_sealed(ContactPoint, "owner_name", vault, batch, "联系人姓名", "contact owners' names"),
    ]


def _rotate_sealed(model, name: str, vault: IdentityVault, batch: int, label_zh: str, label_en: str) -> PersonalRotation:
    from django.db.models import TextField
    from django.db.models.functions import Cast

    from arrears.ledger import personal

    field = model._meta.get_field(name)
    digest_name = field.digest_field
    examined = rewritten = 0
    last_pk = 0
    while True:
        rows = list(
            model.objects.filter(pk__gt=last_pk).annotate(token=Cast(name, output_field=TextField()))
            .order_by("pk").values_list("pk", "token", digest_name)[:batch]
        )
        if not rows:
            break
        last_pk = rows[-1][0]
        changed = []
        for pk, token, digest in rows:
            if not personal.is_sealed(token):
                continue
            try:
                value = vault.decrypt(token)
            except InvalidToken:
                raise ConfigurationError(
                    f"{label_zh}（{model._meta.db_table} {pk}）无法用当前或旧密钥解密：请把加密它的旧密钥加入 "
                    "ARREARS_SECRET_FALLBACKS",
                    f"{label_en} ({model._meta.db_table} {pk}) decrypt under neither the current nor an old secret: "
                    "add the secret they were encrypted with to ARREARS_SECRET_FALLBACKS",
                ) from None
            new_digest = personal.digest(vault, value, field.key)
            if vault.is_current(token) and new_digest == digest:
                continue
            changed.append(model(pk=pk, **{name: value, digest_name: new_digest}))  # sealed anew as it is written
        with transaction.atomic():
            model.objects.bulk_update(changed, [name, digest_name], batch_size=500)
        examined += len(rows)
        rewritten += len(changed)
    return PersonalRotation(label_zh, label_en, examined, rewritten)


def require_personal_data_rotated(vault: IdentityVault) -> None:
    """Refuse (bilingual ConfigurationError) while names and contact values are still under an old
    secret: a feed matches them by digest, and digests made under the new secret would not find the
    points held under the old one, so an import would add every point again. `rotate_personal_data`
    goes in id order, so the last row of each table is the last one it moves."""
    from django.db.models import TextField
    from django.db.models.functions import Cast

    from arrears.ledger import personal
    from arrears.ledger.models import Borrower, ContactPoint

    for model, name in ((Borrower, "name"), (ContactPoint, "value")):
        token = (model.objects.annotate(token=Cast(name, output_field=TextField())).order_by("-pk")
                 .values_list("token", flat=True).first())
        if personal.is_sealed(token) and not vault.is_current(token):
            raise ConfigurationError(
                "密钥已更换，但姓名和联系方式仍在旧密钥下：请先运行 arrears secrets rotate，再导入文件",
                "the secret has changed but names and contact values are still under the old one: "
                "run arrears secrets rotate before importing",
            )
