"""The agency's case list as CSV, watermarked: who exported it, for which agency, when — in a visible
banner at the top and in three columns on every row, so a leaked copy names its source."""

from __future__ import annotations

import io

from arrears import clock
from arrears.spreadsheet import SafeWriter
from arrears.agencies.models import AccessAction, AgencyStaff
from arrears.agencies.terms import SHAREABLE_FIELDS


def export_cases(staff: AgencyStaff, *, via: str = "web") -> str:
    from arrears.agencies.portal import active_placements, case_rows

    rows = case_rows(staff, active_placements(staff).order_by("pk"), action=AccessAction.EXPORT, via=via)
    exported_at = clock.now().isoformat(timespec="seconds")
    user = staff.user.get_username() if staff.user_id else ""
    shared = [name for name in SHAREABLE_FIELDS if any(name in row["fields"] for row in rows)]
    out = io.StringIO()
    writer = SafeWriter(out)
    writer.writerow([f"# 仅限 {staff.agency.name} 催收使用，禁止外传 · 导出人 {user} · {exported_at}"])
    writer.writerow([f"# For {staff.agency.name_en or staff.agency.name} collection use only; do not share · exported by {user} · {exported_at}"])
    writer.writerow(["placement", "placed_on", "expires_on", *shared, "watermark_agency", "watermark_user", "watermark_exported_at"])
    for row in rows:
        writer.writerow([
            row["placement_id"], row["placed_on"], row["expires_on"], *[row["fields"].get(n, "") for n in shared],
            staff.agency.credit_code, user, exported_at,
        ])
    return out.getvalue()
