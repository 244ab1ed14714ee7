"""The outbox's configuration: which provider serves each channel, rate limits, retries, outages.

Read from the YAML file named by ARREARS_OUTBOX_CONFIG (default var/outbox.yaml):

    public_url: https://collect.lender.cn        # links in messages (unsubscribe) start here
    channels:
      sms:    {provider: smsc, rate: {count: 100, seconds: 1}}
      email:  {provider: mail}
      app_push: {provider: push}
      letter: {provider: print}
    providers:
      smsc:    {kind: smpp, host: 10.0.0.5, port: 2775, system_id: lender, password: …, source_addr: "10690000",
                rate: {count: 50, seconds: 1}, window: 200}   # window: the batch path (see ProviderConfig)
      gateway: {kind: http_gateway, url: https://sms.example/send, secret: …}
      mail:    {kind: smtp, host: 127.0.0.1, port: 25, sender: "催收中心 <notice@lender.cn>", domain: lender.cn,
                window: 200, sessions: 4}   # sessions: a batch spread over 4 open SMTP sessions
      push:    {kind: webhook, url: https://app.lender.cn/push, secret: …}
      print:   {kind: letter, directory: var/print}
    retry:  {max_tries: 8, base_seconds: 30, max_seconds: 3600}
    outage: {after_failures: 3, pause_seconds: 60}

With no file at all, `arrears worker` sends to the local peers instead (`arrears.outbox.local`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from arrears.errors import ConfigurationError
from arrears.outbox.backoff import RetryPolicy

CHANNELS = ("sms", "email", "app_push", "letter")
KINDS = {
    "smpp": ("host", "port", "system_id", "password"),
    "http_gateway": ("url", "secret"),
    "smtp": ("host", "port", "sender"),
    "webhook": ("url", "secret"),
    "letter": (),
}
KIND_CHANNELS = {"smpp": {"sms"}, "http_gateway": {"sms"}, "smtp": {"email"}, "webhook": {"app_push"}, "letter": {"letter"}}


@dataclass(frozen=True)
class RateLimit:
    """At most `count` messages claimed in any window of `seconds` (a sliding window)."""

    count: int
    seconds: float

    def __post_init__(self) -> None:
        if self.count < 1 or self.seconds <= 0:
            raise ConfigurationError(
                f"速率限制须为正数：{self.count}/{self.seconds}s", f"a rate limit needs positive numbers, not {self!r}"
            )


@dataclass(frozen=True)
class ProviderConfig:
    name: str
    kind: str
    options: dict
    rate: RateLimit | None = None
    window: int = 1
    """Messages sent together in one batch (SMPP: submit_sm outstanding on the bind; SMTP: messages
    on the open session between two writes). 1: each message is claimed, judged, sent and written on
    its own. Above 1: the batch path (claimed, judged and written a batch at a time); a worker killed
    mid-batch leaves up to a window of messages in `sending`, held for review when the channel
    cannot tell whether they went out."""


WINDOWED = ("smpp", "smtp")
"""Provider kinds whose channel sends a batch in one go (`send_many`)."""


@dataclass(frozen=True)
class ChannelConfig:
    channel: str
    provider: str
    rate: RateLimit | None = None


@dataclass(frozen=True)
class OutageConfig:
    after_failures: int = 3
    pause_seconds: float = 60.0


@dataclass(frozen=True)
class OutboxConfig:
    channels: dict[str, ChannelConfig]
    providers: dict[str, ProviderConfig]
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    outage: OutageConfig = field(default_factory=OutageConfig)
    public_url: str = "http://127.0.0.1:8000"
    source: str = "<memory>"

    def provider_for(self, channel: str) -> ProviderConfig | None:
        chosen = self.channels.get(channel)
        return None if chosen is None else self.providers[chosen.provider]


def _problem(source: str, zh: str, en: str) -> ConfigurationError:
    return ConfigurationError(f"发件箱配置 {source}：{zh}", f"outbox configuration {source}: {en}")


def _rate(source: str, where: str, value) -> RateLimit | None:
    if value is None:
        return None
    if not isinstance(value, dict) or set(value) - {"count", "seconds"}:
        raise _problem(source, f"{where} 的 rate 须为 {{count, seconds}}", f"{where}: rate must be {{count, seconds}}")
    try:
        return RateLimit(int(value.get("count", 0)), float(value.get("seconds", 1)))
    except (TypeError, ValueError):
        raise _problem(source, f"{where} 的 rate 不是数字", f"{where}: rate is not a number") from None


def _window(source: str, name: str, options: dict) -> int:
    value = options.get("window", 1)
    if options["kind"] not in WINDOWED and value != 1:
        raise _problem(source, f"服务商 {name} 不支持 window（仅 {', '.join(WINDOWED)}）",
                       f"provider {name}: window is only for {', '.join(WINDOWED)}")
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 10_000:
        raise _problem(source, f"服务商 {name} 的 window 须为 1 到 10000 的整数",
                       f"provider {name}: window must be a whole number from 1 to 10000")
    return value


def _sessions(source: str, name: str, options: dict) -> None:
    """SMTP only: how many sessions a batch is spread over (`channels.smtp.SmtpChannel.sessions`)."""
    if "sessions" not in options:
        return
    value = options["sessions"]
    if options["kind"] != "smtp" or isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 32:
        raise _problem(source, f"服务商 {name} 的 sessions 须为 1 到 32 的整数（仅 smtp）",
                       f"provider {name}: sessions must be a whole number from 1 to 32 (smtp only)")


def parse_config(data: dict, *, source: str = "<memory>") -> OutboxConfig:
    if not isinstance(data, dict):
        raise _problem(source, "须为 YAML 映射", "must be a YAML mapping")
    providers: dict[str, ProviderConfig] = {}
    for name, options in (data.get("providers") or {}).items():
        if not isinstance(options, dict) or options.get("kind") not in KINDS:
            raise _problem(source, f"服务商 {name} 的 kind 须为 {', '.join(KINDS)}", f"provider {name}: kind must be one of {', '.join(KINDS)}")
        missing = [key for key in KINDS[options["kind"]] if key not in options]
        if missing:
            raise _problem(source, f"服务商 {name} 缺少 {', '.join(missing)}", f"provider {name} lacks {', '.join(missing)}")
        rest = {key: value for key, value in options.items() if key not in ("kind", "rate", "window")}
        _sessions(source, name, options)
        providers[name] = ProviderConfig(name, options["kind"], rest, _rate(source, f"provider {name}", options.get("rate")),
                                         _window(source, name, options))
    channels: dict[str, ChannelConfig] = {}
    for channel, options in (data.get("channels") or {}).items():
        if channel not in CHANNELS:
            raise _problem(source, f"未知渠道 {channel}", f"unknown channel {channel!r} (known: {', '.join(CHANNELS)})")
        provider = (options or {}).get("provider")
        if provider not in providers:
            raise _problem(source, f"渠道 {channel} 的服务商 {provider} 未定义", f"channel {channel}: provider {provider!r} is not defined")
        if channel not in KIND_CHANNELS[providers[provider].kind]:
            raise _problem(source, f"服务商 {provider} 不能发送 {channel}", f"provider {provider} ({providers[provider].kind}) cannot carry {channel}")
        channels[channel] = ChannelConfig(channel, provider, _rate(source, f"channel {channel}", options.get("rate")))
    try:
        retry = RetryPolicy(**(data.get("retry") or {}))
        outage = OutageConfig(**(data.get("outage") or {}))
    except (TypeError, ValueError) as error:
        raise _problem(source, f"retry/outage 设置无效：{error}", f"invalid retry/outage settings: {error}") from None
    return OutboxConfig(
        channels=channels, providers=providers, retry=retry, outage=outage,
        public_url=str(data.get("public_url", "http://127.0.0.1:8000")).rstrip("/"), source=source,
    )


def config_path() -> Path:
    from django.conf import settings

    return Path(os.environ.get("ARREARS_OUTBOX_CONFIG") or Path(settings.VAR_DIR) / "outbox.yaml")


def load_config(path: Path | None = None) -> OutboxConfig:
    path = Path(path or config_path())
    if not path.exists():
        raise ConfigurationError(
            f"找不到发件箱配置文件 {path}（设置 ARREARS_OUTBOX_CONFIG）",
            f"no outbox configuration at {path} (set ARREARS_OUTBOX_CONFIG)",
        )
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise _problem(str(path), f"无法读取：{error}", f"cannot be read: {error}") from None
    return parse_config(data or {}, source=str(path))
