"""us-regf: the Metro 2® 426-character format — Header, Base segment, K1 original-creditor segment, Trailer.
Pure; written from the published layout (fixed-width; numeric fields right-justified and zero-filled,
alphanumeric fields left-justified and blank-filled; amounts in whole dollars; dates MMDDYYYY).

    line = base_segment(account, k1=OriginalCreditor("ACME BANK", "02"))
    month = payment_history([...])          # 24 characters, the most recent month first

Account Status codes used: 11 current, 71 30–59 days past due, 78 60–89, 80 90–119, 82 120–149, 83 150–179,
84 180+, 93 assigned to collections, 97 charged off, 13 paid or closed / zero balance, 62 paid in full (was a
collection account), 64 paid in full (was a charge-off). Payment Rating (position 126) is reported with the
statuses that need it (13, 62, 64, 93, 97 here). A collection account (93, 62) carries the K1 segment.
Retention: 7 years from the Date of First Delinquency + 180 days (FCRA 605(c)). Reg F 12 CFR 1006.30(a): no
furnishing before the consumer was spoken to or a letter went out and 14 days passed without it coming back.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

RECORD_LENGTH = 426
K1_LENGTH = 34

# (name, first position, last position, kind) — kind "N" numeric, "A" alphanumeric
BASE_LAYOUT = (
    ("rdw", 1, 4, "N"), ("processing_indicator", 5, 5, "N"), ("time_stamp", 6, 19, "N"), ("reserved_20", 20, 20, "N"),
    ("identification_number", 21, 40, "A"), ("cycle_identifier", 41, 42, "A"), ("account_number", 43, 72, "A"),
    ("portfolio_type", 73, 73, "A"), ("account_type", 74, 75, "A"), ("date_opened", 76, 83, "N"),
    ("credit_limit", 84, 92, "N"), ("highest_credit", 93, 101, "N"), ("terms_duration", 102, 104, "A"),
    ("terms_frequency", 105, 105, "A"), ("scheduled_payment", 106, 114, "N"), ("actual_payment", 115, 123, "N"),
    ("account_status", 124, 125, "A"), ("payment_rating", 126, 126, "A"), ("payment_history", 127, 150, "A"),
    ("special_comment", 151, 152, "A"), ("compliance_condition", 153, 154, "A"), ("current_balance", 155, 163, "N"),
    ("amount_past_due", 164, 172, "N"), ("original_charge_off", 173, 181, "N"), ("date_of_account_information", 182, 189, "N"),
    ("date_of_first_delinquency", 190, 197, "N"), ("date_closed", 198, 205, "N"), ("date_of_last_payment", 206, 213, "N"),
    ("reserved_214", 214, 230, "A"), ("consumer_transaction_type", 231, 231, "A"), ("surname", 232, 256, "A"),
    ("first_name", 257, 276, "A"), ("middle_name", 277, 296, "A"), ("generation_code", 297, 297, "A"),
    ("ssn", 298, 306, "N"), ("date_of_birth", 307, 314, "N"), ("telephone", 315, 324, "N"), ("ecoa_code", 325, 325, "A"),
    ("consumer_information_indicator", 326, 327, "A"), ("country_code", 328, 329, "A"), ("address_1", 330, 361, "A"),
    ("address_2", 362, 393, "A"), ("city", 394, 413, "A"), ("state", 414, 415, "A"), ("postal_code", 416, 424, "A"),
    ("address_indicator", 425, 425, "A"), ("residence_code", 426, 426, "A"),
)
K1_LAYOUT = (("segment_identifier", 1, 2, "A"), ("original_creditor_name", 3, 32, "A"), ("creditor_classification", 33, 34, "N"))
HEADER_LAYOUT = (
    ("rdw", 1, 4, "N"), ("record_identifier", 5, 10, "A"), ("cycle_identifier", 11, 12, "A"),
    ("innovis_program_identifier", 13, 22, "A"), ("equifax_program_identifier", 23, 32, "A"),
    ("experian_program_identifier", 33, 37, "A"), ("transunion_program_identifier", 38, 47, "A"),
    ("activity_date", 48, 55, "N"), ("date_created", 56, 63, "N"), ("program_date", 64, 71, "N"),
    ("program_revision_date", 72, 79, "N"), ("reporter_name", 80, 119, "A"), ("reporter_address", 120, 215, "A"),
    ("reporter_telephone", 216, 225, "N"), ("software_vendor_name", 226, 265, "A"), ("software_version", 266, 270, "A"),
    ("prbc_program_identifier", 271, 280, "A"), ("reserved", 281, 426, "A"),
)
# The Trailer: the record count, the counts by status this product reports, and the K1 count; every other
# total of the layout is zero (this product reports no other segments or statuses).
TRAILER_STATUS_FIELDS = {"11": (84, 92), "13": (93, 101), "62": (111, 119), "64": (129, 137), "71": (147, 155),
                         "78": (156, 164), "80": (165, 173), "82": (174, 182), "83": (183, 191), "84": (192, 200),
                         "93": (219, 227), "97": (255, 263)}
TRAILER_TOTAL_BASE = (12, 20)
TRAILER_TOTAL_K1 = (282, 290)
RATED_STATUSES = frozenset({"13", "62", "64", "93", "97"})
COLLECTION_STATUSES = frozenset({"93", "62"})


class LayoutError(ValueError):
    pass


def _field(value, width: int, kind: str, name: str) -> str:
    if kind == "N":
        text = "" if value in (None, "") else str(value)
        if text and not text.isdigit():
            raise LayoutError(f"{name}: {value!r} is not numeric")
        if len(text) > width:
            raise LayoutError(f"{name}: {value!r} is wider than {width}")
        return text.rjust(width, "0")
    text = "" if value is None else str(value).upper()
    if not text.isascii():
        raise LayoutError(f"{name}: {value!r} is not ASCII")
    return text[:width].ljust(width)


def lay_out(layout, values: dict, length: int) -> str:
    known = {name for name, *_ in layout}
    unknown = set(values) - known
    if unknown:
        raise LayoutError(f"unknown fields: {', '.join(sorted(unknown))}")
    parts = []
    for name, first, last, kind in layout:
        parts.append(_field(values.get(name), last - first + 1, kind, name))
    line = "".join(parts)
    if len(line) != length:
        raise LayoutError(f"layout gives {len(line)} characters, not {length}")
    return line


def read_out(layout, line: str) -> dict[str, str]:
    """Each field's raw text, by its positions (1-based, inclusive) — the inverse of lay_out for checking."""
    return {name: line[first - 1:last] for name, first, last, _kind in layout}


def mmddyyyy(day: dt.date | None) -> str:
    return "" if day is None else day.strftime("%m%d%Y")


def dollars(cents: int) -> int:
    """Whole dollars, as the format reports amounts (cents dropped, per the layout's instructions)."""
    return max(cents, 0) // 100


def status_for(dpd: int, *, balance: int, collection: bool, charged_off: bool, paid_in_full: bool = False) -> str:
    if paid_in_full or balance <= 0:
        return "64" if charged_off else "62" if collection else "13"
    if charged_off:
        return "97"
    if collection:
        return "93"
    for limit, code in ((29, "11"), (59, "71"), (89, "78"), (119, "80"), (149, "82"), (179, "83")):
        if dpd <= limit:
            return code
    return "84"


def rating_for(dpd: int, status: str) -> str:
    """Payment Rating: the account's state in the month it was paid, collected or charged off."""
    if status not in RATED_STATUSES:
        return " "
    if status in ("97", "64"):
        return "L"
    if status in ("93", "62"):
        return "G"
    return "0" if dpd < 30 else str(min(6, dpd // 30))


def history_char(dpd: int | None, *, balance: int | None = None) -> str:
    """One month of the Payment History Profile: 0 current, 1–6 by 30 days (6: 180+), D no history that
    month, E zero balance."""
    if dpd is None:
        return "D"
    if balance is not None and balance <= 0:
        return "E"
    return "0" if dpd < 30 else str(min(6, dpd // 30))


def payment_history(months_newest_first) -> str:
    """The 24-month Payment History Profile, the month before the reported one first; B pads a history that
    begins later."""
    text = "".join(history_char(dpd, balance=balance) for dpd, balance in months_newest_first)[:24]
    return text.ljust(24, "B")


@dataclass(frozen=True)
class OriginalCreditor:
    name: str
    classification: str  # 2 digits: 01 retail, 02 medical, 03 oil, 04 government, 05 personal services, 06 insurance, ...


def k1_segment(creditor: OriginalCreditor) -> str:
    return lay_out(K1_LAYOUT, {"segment_identifier": "K1", "original_creditor_name": creditor.name,
                               "creditor_classification": creditor.classification}, K1_LENGTH)


def base_segment(values: dict, *, k1: OriginalCreditor | None = None) -> str:
    """The Base segment (and the K1 after it, for a collection account); the RDW counts the whole record."""
    status = values.get("account_status", "")
    if status in COLLECTION_STATUSES and k1 is None:
        raise LayoutError("a collection account carries the K1 original-creditor segment")
    length = RECORD_LENGTH + (K1_LENGTH if k1 else 0)
    line = lay_out(BASE_LAYOUT, {**values, "rdw": length, "processing_indicator": 1, "reserved_20": 0}, RECORD_LENGTH)
    return line + (k1_segment(k1) if k1 else "")


def header(values: dict) -> str:
    return lay_out(HEADER_LAYOUT, {**values, "rdw": RECORD_LENGTH, "record_identifier": "HEADER"}, RECORD_LENGTH)


def trailer(records: list[str]) -> str:
    """The Trailer: totals over the base records (each line as base_segment wrote it)."""
    line = list("0" * RECORD_LENGTH)

    def put(first: int, last: int, value: int | str) -> None:
        text = str(value).rjust(last - first + 1, "0") if isinstance(value, int) else str(value).ljust(last - first + 1)
        line[first - 1:last] = list(text)

    put(1, 4, RECORD_LENGTH)
    put(5, 11, "TRAILER")
    put(*TRAILER_TOTAL_BASE, len(records))
    counts: dict[str, int] = {}
    for record in records:
        status = record[123:125]
        counts[status] = counts.get(status, 0) + 1
    for status, (first, last) in TRAILER_STATUS_FIELDS.items():
        put(first, last, counts.get(status, 0))
    put(*TRAILER_TOTAL_K1, sum(1 for record in records if record[RECORD_LENGTH:RECORD_LENGTH + 2] == "K1"))
    return "".join(line)


def dofd_retention_ends(date_of_first_delinquency: dt.date) -> dt.date:
    """FCRA 605(c): reporting ends 7 years after the DOFD plus 180 days."""
    start = date_of_first_delinquency + dt.timedelta(days=180)
    try:
        return start.replace(year=start.year + 7)
    except ValueError:
        return start.replace(year=start.year + 7, day=28)


def may_furnish(*, spoke_with_consumer: bool, letter_sent_on: dt.date | None, undeliverable: bool, on: dt.date) -> bool:
    """Reg F 1006.30(a)(1): not before speaking to the consumer, or a letter was sent and 14 days passed
    without notice that it could not be delivered."""
    if spoke_with_consumer:
        return True
    return letter_sent_on is not None and not undeliverable and on >= letter_sent_on + dt.timedelta(days=14)
