"""Contact details as a collector may see them on screen (pure, no Django).

    >>> mask_mobile("13812345678")
    '138****5678'
    >>> mask_email("zhangwei@example.com")
    'zh******@example.com'
"""

from __future__ import annotations

_MASK = "*"


def mask_mobile(number: str) -> str:
    """Keep the first 3 and last 4 digits of a mobile number, and any +country prefix."""
    compact = "".join(ch for ch in number if ch.isdigit() or ch == "+")
    prefix = ""
    if compact.startswith("+86"):
        prefix, compact = "+86 ", compact[3:]
    elif compact.startswith("+"):
        prefix, compact = compact[:3] + " ", compact[3:]
    if len(compact) >= 8:
        return f"{prefix}{compact[:3]}{_MASK * (len(compact) - 7)}{compact[-4:]}"
    return prefix + _mask_all_but_last(compact, 2)


def mask_email(address: str) -> str:
    """Keep up to 2 leading characters of the local part and the whole domain."""
    local, at, domain = address.partition("@")
    if not at:
        return _mask_all_but_last(address, 0)
    keep = 2 if len(local) > 3 else 1
    return f"{local[:keep]}{_MASK * max(len(local) - keep, 3)}@{domain}"


def mask_address(address: str) -> str:
    """Keep the first 6 characters (province and city, in a Chinese address) and hide the rest."""
    address = address.strip()
    if len(address) <= 6:
        return _MASK * len(address)
    return address[:6] + _MASK * 4


def mask_contact(kind: str, value: str) -> str:
    """Mask a contact point's value according to its kind ("mobile", "email", "address")."""
    if kind == "mobile":
        return mask_mobile(value)
    if kind == "email":
        return mask_email(value)
    return mask_address(value)


def _mask_all_but_last(text: str, visible: int) -> str:
    if visible <= 0 or len(text) <= visible:
        return _MASK * len(text)
    return _MASK * (len(text) - visible) + text[-visible:]
