"""Settings: one typed object built from the environment and an optional ``.env`` file.

Every variable is checked when the settings are loaded, so a mistake stops the bot at start-up
with one line that names the variable, instead of failing later in the middle of a conversation.
The environment wins over ``.env``. See ``.env.example`` for what each variable means.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

TELEGRAM_API = "https://api.telegram.org/bot"
DEFAULT_DATA_DIR = "data"
DEFAULT_PORT = 8443
DEFAULT_LISTEN = "127.0.0.1"
DEFAULT_MINUTES = 30  # CONTEXT_MINUTES and CHOICE_MINUTES
DEFAULT_KEEP_DAYS = 90  # KEEP_DAYS: how long a quiet person's state is kept
DEFAULT_UNANSWERED_DAYS = 30  # UNANSWERED_DAYS: how long the record of misses is kept
DEFAULT_LOW_CONFIDENCE = 85  # LOW_CONFIDENCE: answers below this confidence are recorded
DEFAULT_DIGEST_DAY = 1  # DIGEST_DAY: Monday (1) to Sunday (7)
DEFAULT_DIGEST_HOUR = 9  # DIGEST_HOUR: 0-23, Beijing time
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")

TOKEN_PATTERN = re.compile(r"^[0-9]+:[A-Za-z0-9_-]+$")
SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")  # what Telegram accepts as secret_token
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")


class SettingsError(Exception):
    """A setting is invalid; the message is one line for a person and names the variable."""

    def __init__(self, variable: str, problem: str) -> None:
        super().__init__(f"配置错误：{variable} {problem}")
        self.variable = variable


@dataclass(frozen=True)
class Settings:
    """Everything the bot reads from its environment."""

    token: str | None = None
    api_base_url: str = TELEGRAM_API
    api_base_file_url: str = "https://api.telegram.org/file/bot"
    data_dir: Path = Path(DEFAULT_DATA_DIR)
    admin_ids: frozenset[int] = frozenset()
    log_level: str = "INFO"
    webhook_url: str | None = None
    webhook_secret: str | None = None
    webhook_listen: str = DEFAULT_LISTEN
    port: int = DEFAULT_PORT
    context_minutes: int = DEFAULT_MINUTES
    choice_minutes: int = DEFAULT_MINUTES
    keep_days: int = DEFAULT_KEEP_DAYS
    unanswered_days: int = DEFAULT_UNANSWERED_DAYS
    low_confidence: int = DEFAULT_LOW_CONFIDENCE
    digest_day: int = DEFAULT_DIGEST_DAY
    digest_hour: int = DEFAULT_DIGEST_HOUR

    @property
    def webhook_path(self) -> str:
        """The path part of WEBHOOK_URL, where the local web server listens for updates."""
        return urlsplit(self.webhook_url or "").path.lstrip("/")

    @property
    def log_level_number(self) -> int:
        """LOG_LEVEL as a ``logging`` constant."""
        return int(logging.getLevelName(self.log_level))


def read_env_file(path: Path | str) -> dict[str, str]:
    """Parse a simple ``KEY=VALUE`` file: comments, blank lines, ``export`` and quotes allowed."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(str(path), f"无法读取：{exc.__class__.__name__}") from None
    values: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[len("export ") :].lstrip()
        key, sep, value = line.partition("=")
        key = key.strip()
        if not sep or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key):
            raise SettingsError(f"{path}:{number}", "这一行应该写成 名字=值 的形式")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        elif " #" in value:
            value = value.split(" #", 1)[0].rstrip()
        values[key] = value
    return values


def load_settings(
    environ: Mapping[str, str] | None = None, env_file: Path | str | None = ".env"
) -> Settings:
    """Build the settings from ``environ`` (default: os.environ) over ``env_file``."""
    merged: dict[str, str] = dict(read_env_file(env_file)) if env_file else {}
    merged.update(os.environ if environ is None else environ)

    def get(name: str) -> str | None:
        value = merged.get(name, "").strip()
        return value or None

    token = get("TELEGRAM_BOT_TOKEN")
    if token is not None and not TOKEN_PATTERN.match(token):
        # Never echo the value: it may be a real token pasted with a typo.
        raise SettingsError(
            "TELEGRAM_BOT_TOKEN",
            "格式不对：应该像 123456789:AAE... 这样（数字、冒号、字母数字），不要带引号或空格",
        )
    base_url = _api_base_url(get("TELEGRAM_API_BASE_URL") or TELEGRAM_API)
    webhook_url = get("WEBHOOK_URL")
    if webhook_url is not None:
        _check_webhook_url(webhook_url)
    secret = get("WEBHOOK_SECRET")
    if secret is not None and not SECRET_PATTERN.match(secret):
        raise SettingsError("WEBHOOK_SECRET", "只能由 1 到 256 个字母、数字、下划线或减号组成")
    if webhook_url is not None and secret is None:
        # Telegram echoes the secret in a header on every call; a fresh one each start is fine
        # because run_webhook registers the webhook (with the secret) again at every start.
        secret = secrets.token_urlsafe(32)
    listen = get("WEBHOOK_LISTEN") or DEFAULT_LISTEN
    try:
        ipaddress.ip_address(listen)
    except ValueError:
        raise SettingsError(
            "WEBHOOK_LISTEN", f"应该是一个 IP 地址，例如 127.0.0.1，现在是“{listen}”"
        ) from None
    log_level = (get("LOG_LEVEL") or "INFO").upper()
    if log_level == "WARN":
        log_level = "WARNING"
    if log_level not in LOG_LEVELS:
        raise SettingsError(
            "LOG_LEVEL", f"应该是 {'、'.join(LOG_LEVELS)} 之一，现在是“{get('LOG_LEVEL')}”"
        )
    return Settings(
        token=token,
        api_base_url=base_url,
        api_base_file_url=base_url[: -len("bot")] + "file/bot",
        data_dir=Path(get("DATA_DIR") or DEFAULT_DATA_DIR),
        admin_ids=_admin_ids(get("BOT_ADMIN_IDS")),
        log_level=log_level,
        webhook_url=webhook_url,
        webhook_secret=secret,
        webhook_listen=listen,
        port=_port(get("PORT")),
        context_minutes=_count(get("CONTEXT_MINUTES"), "CONTEXT_MINUTES", DEFAULT_MINUTES, "分钟"),
        choice_minutes=_count(get("CHOICE_MINUTES"), "CHOICE_MINUTES", DEFAULT_MINUTES, "分钟"),
        keep_days=_count(get("KEEP_DAYS"), "KEEP_DAYS", DEFAULT_KEEP_DAYS, "天"),
        unanswered_days=_count(
            get("UNANSWERED_DAYS"), "UNANSWERED_DAYS", DEFAULT_UNANSWERED_DAYS, "天"
        ),
        low_confidence=_within(
            get("LOW_CONFIDENCE"), "LOW_CONFIDENCE", DEFAULT_LOW_CONFIDENCE, 0, 100, "置信度"
        ),
        digest_day=_within(get("DIGEST_DAY"), "DIGEST_DAY", DEFAULT_DIGEST_DAY, 1, 7, "星期一为 1"),
        digest_hour=_within(
            get("DIGEST_HOUR"), "DIGEST_HOUR", DEFAULT_DIGEST_HOUR, 0, 23, "北京时间的小时"
        ),
    )


def _api_base_url(value: str) -> str:
    """Normalise to ``<scheme>://<host>[/prefix]/bot``, to which PTB appends the token."""
    parts = urlsplit(value)
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.query
        or parts.fragment
        or any(ch.isspace() for ch in value)
        or "{" in value
    ):
        raise SettingsError(
            "TELEGRAM_API_BASE_URL",
            f"应该是 http(s) 网址，例如 http://127.0.0.1:8081/bot，现在是“{value}”",
        )
    try:
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise SettingsError("TELEGRAM_API_BASE_URL", f"端口号不对：“{value}”") from None
    path = parts.path.rstrip("/")
    if not path.endswith("/bot"):
        path += "/bot"
    return f"{parts.scheme}://{parts.netloc}{path}"


def _check_webhook_url(value: str) -> None:
    parts = urlsplit(value)
    local = parts.hostname in LOCAL_HOSTS
    if (
        parts.scheme not in ("https", "http")
        or (parts.scheme == "http" and not local)
        or not parts.hostname
        or parts.query
        or parts.fragment
    ):
        raise SettingsError(
            "WEBHOOK_URL",
            f"应该是 Telegram 能访问到的 https 网址，例如 https://bot.example.com/telegram，"
            f"现在是“{value}”",
        )


def _admin_ids(value: str | None) -> frozenset[int]:
    if value is None:
        return frozenset()
    ids: set[int] = set()
    for part in value.split(","):
        part = part.strip()
        if not part:
            continue
        if not re.fullmatch(r"[0-9]+", part):
            raise SettingsError(
                "BOT_ADMIN_IDS", f"应该是用逗号分隔的 Telegram 数字用户 ID，“{part}”不是数字"
            )
        ids.add(int(part))
    return frozenset(ids)


def _port(value: str | None) -> int:
    if value is None:
        return DEFAULT_PORT
    if not re.fullmatch(r"[0-9]{1,5}", value) or not 1 <= int(value) <= 65535:
        raise SettingsError("PORT", f"应该是 1 到 65535 之间的端口号，现在是“{value}”")
    return int(value)


def _count(value: str | None, name: str, default: int, unit: str) -> int:
    """A whole number of minutes or days, 1 to 100000."""
    if value is None:
        return default
    if not re.fullmatch(r"[0-9]{1,6}", value) or not 1 <= int(value) <= 100_000:
        raise SettingsError(name, f"应该是 1 到 100000 之间的整数（{unit}），现在是“{value}”")
    return int(value)


def _within(value: str | None, name: str, default: int, low: int, high: int, unit: str) -> int:
    """A whole number from ``low`` to ``high``."""
    if value is None:
        return default
    if not re.fullmatch(r"[0-9]{1,3}", value) or not low <= int(value) <= high:
        raise SettingsError(name, f"应该是 {low} 到 {high} 之间的整数（{unit}），现在是“{value}”")
    return int(value)
