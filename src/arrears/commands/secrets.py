"""`arrears secrets rotate`: move what is stored under an old secret to the current one.

    ARREARS_SECRET=<new> ARREARS_SECRET_FALLBACKS=<old> arrears secrets rotate

Then the old secret may leave ARREARS_SECRET_FALLBACKS once signed links made under it no longer
matter (docs/secrets.md)."""

from __future__ import annotations


def register(subparsers) -> None:
    parser = subparsers.add_parser("secrets", help="密钥轮换 / secret rotation")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    rotate = actions.add_parser(
        "rotate", help="把加密的数据改用当前密钥（可重复执行）/ re-encrypt stored values under the current secret (idempotent)"
    )
    rotate.set_defaults(handler=run_rotate)


def run_rotate(args) -> int:
    from arrears import secret
    from arrears.ledger.rotation import rotate_national_ids, rotate_personal_data

    vault = secret.vault()
    print(rotate_national_ids(vault).line())
    for outcome in rotate_personal_data(vault):
        print(outcome.line())
    return 0
