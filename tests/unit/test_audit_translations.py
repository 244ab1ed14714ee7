"""Every string the audit app marks has its zh-Hans text."""

from __future__ import annotations

import arrears.audit
from tests.translations import marked_strings, untranslated


def test_every_marked_string_of_the_audit_log_has_a_chinese_translation():
    marked = marked_strings(arrears.audit)
    assert "audit entry" in marked
    assert untranslated(marked) == []
