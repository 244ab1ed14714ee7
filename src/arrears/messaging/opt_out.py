"""The opt-out line each electronic message carries, by compliance profile, channel and language.

Reg F 12 CFR 1006.6(e) requires a reasonable and simple way to opt out in every electronic
communication; the cn profile follows the industry's 回复TD退订 convention for SMS (and honours
an opt-out at once, PIPL art. 44). The outbox treats "TD", "退订" and "STOP" replies as opt-outs.
Pure: no Django.

    >>> opt_out_line("cn", "sms", "zh-hans")
    '回复TD退订'
"""

from __future__ import annotations

ELECTRONIC_CHANNELS = frozenset({"sms", "email", "app_push"})

_LINES: dict[tuple[str, str, str], str] = {
    ("cn", "sms", "zh-hans"): "回复TD退订",
    ("cn", "sms", "en"): "Reply TD to unsubscribe",
    ("cn", "email", "zh-hans"): "如不希望再收到此类邮件，请回复“退订”或点击邮件中的退订链接。",
    ("cn", "email", "en"): "To stop these emails, reply TD or use the unsubscribe link in this email.",
    ("cn", "app_push", "zh-hans"): "如需关闭此类通知，请在App“设置-消息通知”中关闭。",
    ("cn", "app_push", "en"): "To turn these notices off, go to Settings > Notifications in the app.",
    ("us-regf", "sms", "zh-hans"): "回复STOP退订",
    ("us-regf", "sms", "en"): "Reply STOP to opt out",
    ("us-regf", "email", "zh-hans"): "如不希望再通过电子邮件与您联系，请回复STOP或点击退订链接。",
    ("us-regf", "email", "en"): "To stop emails from us, reply STOP or use the unsubscribe link in this email.",
    ("us-regf", "app_push", "zh-hans"): "如需停止此类通知，请在App“设置-消息通知”中关闭。",
    ("us-regf", "app_push", "en"): "To stop these notifications, turn them off in the app under Settings > Notifications.",
}

PROFILES = frozenset(profile for profile, _, _ in _LINES)


def opt_out_line(profile: str, channel: str, language: str) -> str:
    """The line, or "" for a channel that is not electronic (letters, call scripts)."""
    if channel not in ELECTRONIC_CHANNELS:
        return ""
    try:
        return _LINES[(profile, channel, language)]
    except KeyError:
        raise ValueError(f"no opt-out line for profile {profile!r}, channel {channel!r}, language {language!r}") from None


def with_opt_out(body: str, profile: str, channel: str, language: str) -> str:
    """`body` ending with its opt-out line; a body that already carries it is left as it is."""
    line = opt_out_line(profile, channel, language)
    if not line or line in body:
        return body
    separator = "" if channel == "sms" else "\n\n"
    return f"{body}{separator}{line}" if body else line
