"""Daily results files from agencies: every row checked on its own; good rows land, bad rows are kept
with their reasons in zh-Hans and English (the rejects report).

Columns (UTF-8, a header row; a byte-order mark is accepted):
    loan          the loan's reference as the portal shows it
    channel       call, sms, letter, email, visit (as the contract authorises)
    outcome       right_party_contact, no_answer, wrong_number, promise, refusal, dispute, hardship_claim,
                  callback_requested, stop_channel, delivered, undelivered
    attempted_at  when, ISO 8601: 2026-04-10T14:30 (the lender's zone) or with an offset, +08:00
    promise_amount, promise_due   yuan with at most two decimals, and a date — for `promise` only
    note          free text (optional)
The same contact (loan, channel, attempted_at) uploaded twice is rejected the second time.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

from django.conf import settings

from arrears import clock
from arrears.agencies.models import AgencyStaff, ResultUpload
from arrears.errors import InputError
from arrears.money import MoneyError, to_fen
from arrears.spreadsheet import SafeWriter

REQUIRED = ("loan", "channel", "outcome", "attempted_at")
OPTIONAL = ("promise_amount", "promise_due", "note")
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000


def _parse_instant(text: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"时间格式不正确：{text!r}", f"Not a date and time (ISO 8601): {text!r}") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(settings.TIME_ZONE))
    return value.astimezone(dt.UTC)


def _parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"日期格式应为 YYYY-MM-DD：{text!r}", f"A date must look like YYYY-MM-DD: {text!r}") from None


def _parse_amount(text: str) -> int:
    try:
        return to_fen(text)
    except MoneyError:
        raise InputError(f"金额不正确（元，最多两位小数）：{text!r}", f"Not an amount in yuan with at most two decimals: {text!r}") from None


def read_rows(content: bytes) -> tuple[list[str], list[dict]]:
    if len(content) > MAX_BYTES:
        raise InputError("文件超过 5 MB", "The file is larger than 5 MB")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("文件须为 UTF-8 编码的 CSV", "The file must be CSV in UTF-8") from None
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip() for name in (reader.fieldnames or [])]
    if missing := [name for name in REQUIRED if name not in header]:
        raise InputError(f"缺少列：{'、'.join(missing)}", f"Missing columns: {', '.join(missing)}")
    reader.fieldnames = header
    rows = []
    for row in reader:
        rows.append({k: (v or "").strip() for k, v in row.items() if k is not None})
        if len(rows) > MAX_ROWS:
            raise InputError(f"文件超过 {MAX_ROWS} 行", f"The file has more than {MAX_ROWS} rows")
    return header, rows


def upload_results(staff: AgencyStaff, *, file_name: str, content: bytes, via: str = "web") -> ResultUpload:
    """Land the good rows as recorded contacts; keep the bad ones with reasons."""
    from arrears.agencies.portal import active_placements, record_contact

    header, rows = read_rows(content)
    by_reference = {
        p.loan.external_id: p for p in active_placements(staff).select_related("contract", "loan__borrower", "notice")
    }
    rejects = io.StringIO()
    writer = SafeWriter(rejects)
    writer.writerow(["line", *header, "reason_zh", "reason_en"])
    landed = rejected = 0
    for line, row in enumerate(rows, start=2):
        try:
            placement = by_reference.get(row.get("loan", ""))
            if placement is None:
                raise InputError("不是本机构进行中的委案", "Not a case currently placed with this agency")
            attempted_at = _parse_instant(row["attempted_at"])
            amount = _parse_amount(row["promise_amount"]) if row.get("promise_amount") else None
            due = _parse_date(row["promise_due"]) if row.get("promise_due") else None
            record_contact(
                staff, placement, channel=row["channel"], outcome=row["outcome"], attempted_at=attempted_at,
                note=row.get("note", ""), promise_amount=amount, promise_due=due, via=via,
                key=f"agency-upload:{placement.pk}:{row['channel']}:{attempted_at.isoformat()}",
            )
            landed += 1
        except InputError as error:
            rejected += 1
            writer.writerow([line, *[row.get(name, "") for name in header], error.zh, error.en])
    return ResultUpload.objects.create(
        agency_id=staff.agency_id, user_id=staff.user_id, uploaded_at=clock.now(), file_name=file_name[:200],
        rows_read=len(rows), rows_landed=landed, rows_rejected=rejected, rejects_csv=rejects.getvalue() if rejected else "",
    )
