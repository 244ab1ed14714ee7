"""Option types shared by subcommands; their errors are bilingual."""

from __future__ import annotations

import argparse
import datetime as dt


def iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"日期格式应为 YYYY-MM-DD：{text!r} / a date must look like YYYY-MM-DD: {text!r}"
        ) from None
