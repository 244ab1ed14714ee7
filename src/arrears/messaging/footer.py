"""The footer every electronic message to a borrower ends with: where to check that a collector is
one of ours and which agencies collect for the lender (the whitelist the lender publishes, as the
2026 collection guideline asks), then the opt-out line. Pure: no Django.

    >>> footer_lines("cn", "sms", "zh-hans", public_url="https://collect.lender.cn")
    ('核实催收人员及合作机构：https://collect.lender.cn/v', '回复TD退订')

An SMS carries one short link, to the check page (which links the whitelist); an email both pages.
A message to a third party carries no verification line: it must not say that a debt is collected.
"""

from __future__ import annotations

from arrears.messaging.opt_out import ELECTRONIC_CHANNELS, opt_out_line

SHORT_VERIFY_PATH = "/v"  # redirects to the portal's collector check page, /my/verify/
VERIFY_PATH = "/my/verify/"
WHITELIST_PATH = "/agencies/whitelist/"

_SMS = {"zh-hans": "核实催收人员及合作机构：{verify}", "en": "Check a collector and our agencies: {verify}"}
_EMAIL = {
    "zh-hans": "如需核实催收人员身份，请访问 {verify}；为我司催收的合作机构名单见 {whitelist}。",
    "en": "To check that a collector works for us, visit {verify}; the agencies that collect for us are listed at {whitelist}.",
}
_PUSH = _SMS


def verify_url(public_url: str, *, short: bool = False) -> str:
    return f"{public_url.rstrip('/')}{SHORT_VERIFY_PATH if short else VERIFY_PATH}"


def verify_line(channel: str, language: str, *, public_url: str) -> str:
    """The verification line for `channel` in `language` (zh-hans or en), or "" for a non-electronic channel."""
    if channel not in ELECTRONIC_CHANNELS:
        return ""
    language = language if language in _SMS else "en"
    if channel == "email":
        return _EMAIL[language].format(verify=verify_url(public_url), whitelist=f"{public_url.rstrip('/')}{WHITELIST_PATH}")
    return (_SMS if channel == "sms" else _PUSH)[language].format(verify=verify_url(public_url, short=True))


def footer_lines(profile: str, channel: str, language: str, *, public_url: str, third_party: bool = False) -> tuple[str, ...]:
    lines = () if third_party else (verify_line(channel, language, public_url=public_url),)
    return tuple(line for line in (*lines, opt_out_line(profile, channel, language)) if line)


def with_footer(body: str, profile: str, channel: str, language: str, *, public_url: str, third_party: bool = False) -> str:
    """`body` ending with its footer; a line the body already carries is not added again."""
    for line in footer_lines(profile, channel, language, public_url=public_url, third_party=third_party):
        if line not in body:
            body = f"{body}{_separator(body, channel)}{line}" if body else line
    return body


def _separator(body: str, channel: str) -> str:
    """Between a message and a footer line: a new paragraph in an email; in an SMS a space after
    Latin text (a link must end before the next line starts), nothing after Chinese punctuation."""
    if channel != "sms":
        return "\n\n"
    return " " if body[-1].isascii() and not body[-1].isspace() else ""
