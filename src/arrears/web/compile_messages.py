"""Compile the project's translation catalogues (.po → .mo) with polib, so GNU gettext is not needed.

    python -m arrears.web.compile_messages            # arrears/locale and every app's own <app>/locale
    python -m arrears.web.compile_messages PATH.po    # just these

Exits 1, after compiling, when a catalogue has untranslated or fuzzy entries (these are left
out of the .mo) or a translation whose %(name)s placeholders differ from its source.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import polib

PACKAGE_DIR = Path(__file__).resolve().parent.parent
LOCALE_DIR = PACKAGE_DIR / "locale"
_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def compile_catalogue(po_path: Path) -> list[str]:
    """Write the .mo beside `po_path`; return the problems found, one line each."""
    catalogue = polib.pofile(str(po_path), wrapwidth=0)
    problems = [f"{po_path}: untranslated: {entry.msgid!r}" for entry in catalogue.untranslated_entries()]
    problems += [f"{po_path}: fuzzy: {entry.msgid!r}" for entry in catalogue.fuzzy_entries()]
    for entry in catalogue.translated_entries():
        expected = set(_PLACEHOLDER.findall(entry.msgid)) | set(_PLACEHOLDER.findall(entry.msgid_plural or ""))
        translations = [entry.msgstr] if entry.msgstr else list(entry.msgstr_plural.values())
        for translation in translations:
            if set(_PLACEHOLDER.findall(translation)) != expected:
                problems.append(f"{po_path}: placeholders differ: {entry.msgid!r} → {translation!r}")
    catalogue.save_as_mofile(str(po_path.with_suffix(".mo")))
    return problems


def main(argv: list[str] | None = None) -> int:
    paths = [Path(arg) for arg in (sys.argv[1:] if argv is None else argv)]
    paths = paths or sorted([*LOCALE_DIR.glob("*/LC_MESSAGES/*.po"), *PACKAGE_DIR.glob("*/locale/*/LC_MESSAGES/*.po")])
    if not paths:
        print(f"没有找到 .po 文件 / no .po file found under {LOCALE_DIR}", file=sys.stderr)
        return 1
    problems: list[str] = []
    for path in paths:
        problems += compile_catalogue(path)
        print(f"已编译 / compiled {path.with_suffix('.mo')}")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
