"""A printed document as data: a title and sections of lines, laid out by `pdf.render`. Pure."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Section:
    heading: str
    lines: tuple[str, ...]
    table: tuple[tuple[str, str], ...] = ()
    """Label and value pairs shown as two columns (amounts)."""


@dataclass(frozen=True)
class Document:
    title: str
    subtitle: str
    sections: tuple[Section, ...] = field(default_factory=tuple)
    footer: str = ""
    language: str = "zh-hans"

    def text(self) -> str:
        """Everything the document says, in reading order (for checks and for the lint)."""
        parts = [self.title, self.subtitle]
        for section in self.sections:
            parts.append(section.heading)
            parts.extend(section.lines)
            parts.extend(f"{label} {value}" for label, value in section.table)
        parts.append(self.footer)
        return "\n".join(part for part in parts if part)
