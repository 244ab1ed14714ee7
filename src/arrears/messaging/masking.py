"""Showing a reader only as much of a person's data as they should see. Pure.

    >>> mask_mobile("13812345678")
    '138****5678'
    >>> mask_name("张三丰")
    '张**'
    >>> mask_name("Jane Smith")
    'J*** S****'
"""

from __future__ import annotations


def mask_mobile(number: str) -> str:
    """The first three and last four digits of a mobile number, the rest as stars."""
    digits = "".join(char for char in number if char.isdigit())
    if len(digits) <= 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_name(name: str) -> str:
    """The first character of each part of a name; for a Chinese name, the surname only."""
    name = name.strip()
    if not name:
        return ""
    if " " not in name:
        return name[0] + "*" * (len(name) - 1)
    return " ".join(part[0] + "*" * (len(part) - 1) for part in name.split())


def mask_reference(reference: str, shown: int = 4) -> str:
    """A loan or account reference as its last `shown` characters ("尾号 1234")."""
    reference = reference.strip()
    return reference[-shown:] if len(reference) > shown else reference
