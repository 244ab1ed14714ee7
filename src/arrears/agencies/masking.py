"""What an agency is shown of a case: only the fields its contract shares, masked (pure: no Django).

    >>> shown_fields({"borrower_name": "张三丰", "mobile": "13812345678", "email": "a@b.cn"}, ("borrower_name", "mobile"))
    {'borrower_name': '张**', 'mobile': '138****5678'}
"""

from __future__ import annotations

from arrears.web.masking import mask_address, mask_email, mask_mobile


def mask_name(name: str) -> str:
    """The family name and a star per further character: enough to greet, not to identify."""
    name = name.strip()
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""


MASKS = {
    "borrower_name": mask_name,
    "mobile": mask_mobile,
    "email": mask_email,
    "address": mask_address,
    "national_id": lambda masked: masked,  # the ledger keeps only a masked copy beside the cipher
}


def shown_fields(values: dict[str, object], shared: tuple[str, ...] | list[str]) -> dict[str, object]:
    """The shared fields of `values`, masked where a mask applies; a field not shared is absent, not blank."""
    shown = {}
    for name in shared:
        if name not in values:
            continue
        value = values[name]
        mask = MASKS.get(name)
        shown[name] = mask(value) if mask and isinstance(value, str) and value else value
    return shown
