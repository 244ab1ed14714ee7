"""The outbox at a glance: attempts by channel and state, and the open alerts."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count

from arrears.outbox.alerts import active_alerts


@dataclass(frozen=True)
class OutboxStatus:
    counts: dict[tuple[str, str], int]
    alerts: list

    def lines(self) -> list[str]:
        out = ["渠道 channel | 状态 state | 数量 count"]
        for (channel, state), count in sorted(self.counts.items()):
            out.append(f"{channel} | {state} | {count}")
        if not self.counts:
            out.append("发件箱为空 / the outbox is empty")
        for alert in self.alerts:
            out.append(
                f"告警：服务商 {alert.provider}（{alert.channel}）自 {alert.opened_at:%Y-%m-%d %H:%M} UTC 起连续失败 {alert.failures} 次：{alert.last_error}\n"
                f"ALERT: provider {alert.provider} ({alert.channel}) failing since {alert.opened_at:%Y-%m-%d %H:%M} UTC, "
                f"{alert.failures} failures in a row: {alert.last_error}"
            )
        if not self.alerts:
            out.append("无告警 / no alerts")
        return out


def outbox_status() -> OutboxStatus:
    from arrears.contact.models import ContactAttempt

    rows = ContactAttempt.objects.values("channel", "state").annotate(n=Count("id"))
    return OutboxStatus({(r["channel"], r["state"]): r["n"] for r in rows}, active_alerts())
