"""Settings: read from the environment and .env, checked at start-up, one clear line on error."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import TELEGRAM_API, SettingsError, load_settings, read_env_file

TOKEN = "123456789:AAF-settings_test_token_abcdefghij"
ROOT = Path(__file__).resolve().parent.parent


def test_defaults_without_anything_set() -> None:
    s = load_settings({}, env_file=None)
    assert s.token is None
    assert s.api_base_url == TELEGRAM_API == "https://api.telegram.org/bot"
    assert s.api_base_file_url == "https://api.telegram.org/file/bot"
    assert s.data_dir == Path("data") and s.admin_ids == frozenset()
    assert s.log_level == "INFO" and s.webhook_url is None and s.port == 8443


def test_every_variable_is_read() -> None:
    s = load_settings(
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": "http://127.0.0.1:8081/bot",
            "DATA_DIR": "/var/lib/bot",
            "BOT_ADMIN_IDS": " 11, 22 ,,33",
            "LOG_LEVEL": "debug",
            "WEBHOOK_URL": "https://bot.example.com/telegram/hook",
            "WEBHOOK_SECRET": "s3cret_-X",
            "PORT": "8080",
        },
        env_file=None,
    )
    assert s.token == TOKEN
    assert s.api_base_url == "http://127.0.0.1:8081/bot"
    assert s.api_base_file_url == "http://127.0.0.1:8081/file/bot"
    assert s.data_dir == Path("/var/lib/bot") and s.admin_ids == {11, 22, 33}
    assert s.log_level == "DEBUG" and s.port == 8080
    assert s.webhook_path == "telegram/hook" and s.webhook_secret == "s3cret_-X"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("http://127.0.0.1:8081", "http://127.0.0.1:8081/bot"),
        ("http://127.0.0.1:8081/", "http://127.0.0.1:8081/bot"),
        ("https://proxy.example.com/tg/bot/", "https://proxy.example.com/tg/bot"),
    ],
)
def test_the_api_base_url_is_normalised_to_end_in_bot(given: str, expected: str) -> None:
    s = load_settings({"TELEGRAM_API_BASE_URL": given}, env_file=None)
    assert s.api_base_url == expected
    assert s.api_base_file_url == expected[: -len("bot")] + "file/bot"


def test_the_learning_settings_have_defaults_and_take_their_bounds() -> None:
    s = load_settings({}, env_file=None)
    assert (s.unanswered_days, s.low_confidence, s.digest_day, s.digest_hour) == (30, 85, 1, 9)
    env = {"UNANSWERED_DAYS": "7", "LOW_CONFIDENCE": "0", "DIGEST_DAY": "7", "DIGEST_HOUR": "0"}
    s = load_settings(env, env_file=None)
    assert (s.unanswered_days, s.low_confidence, s.digest_day, s.digest_hour) == (7, 0, 7, 0)


def test_a_webhook_without_a_secret_gets_a_random_one() -> None:
    env = {"WEBHOOK_URL": "https://bot.example.com/hook"}
    first, second = load_settings(env, env_file=None), load_settings(env, env_file=None)
    assert first.webhook_secret and first.webhook_secret != second.webhook_secret


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("BOT_ADMIN_IDS", "123,abc"),
        ("BOT_ADMIN_IDS", "-5"),
        ("PORT", "http"),
        ("PORT", "0"),
        ("PORT", "70000"),
        ("LOG_LEVEL", "LOUD"),
        ("TELEGRAM_API_BASE_URL", "127.0.0.1:8081/bot"),
        ("TELEGRAM_API_BASE_URL", "ftp://example.com/bot"),
        ("TELEGRAM_API_BASE_URL", "http://"),
        ("TELEGRAM_API_BASE_URL", "http://host:99999/bot"),
        ("TELEGRAM_API_BASE_URL", "http://host/bot?x=1"),
        ("TELEGRAM_BOT_TOKEN", "not a token"),
        ("WEBHOOK_URL", "http://bot.example.com/hook"),
        ("WEBHOOK_SECRET", "has spaces"),
        ("WEBHOOK_LISTEN", "everywhere"),
        ("UNANSWERED_DAYS", "0"),
        ("LOW_CONFIDENCE", "101"),
        ("DIGEST_DAY", "8"),
        ("DIGEST_DAY", "monday"),
        ("DIGEST_HOUR", "24"),
    ],
)
def test_invalid_values_name_the_variable(name: str, value: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings({name: value}, env_file=None)
    assert caught.value.variable == name
    message = str(caught.value)
    assert name in message and "\n" not in message and message.startswith("配置错误：")


def test_an_invalid_token_is_never_echoed() -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings({"TELEGRAM_BOT_TOKEN": "123456:secret part with space"}, env_file=None)
    assert "secret part" not in str(caught.value)


def test_env_file_is_read_and_the_environment_wins(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(
        "# comment\n\n"
        f"export TELEGRAM_BOT_TOKEN='{TOKEN}'\n"
        'LOG_LEVEL="warning"\n'
        "PORT=9000  # the webhook port\n"
        "DATA_DIR=/from/file\n",
        encoding="utf-8",
    )
    assert read_env_file(env_file)["PORT"] == "9000"
    s = load_settings({"DATA_DIR": "/from/env"}, env_file=env_file)
    assert s.token == TOKEN and s.log_level == "WARNING" and s.port == 9000
    assert s.data_dir == Path("/from/env")
    assert load_settings({}, env_file=tmp_path / "missing.env").token is None


def test_the_example_env_file_is_valid_and_documents_every_variable() -> None:
    example = ROOT / ".env.example"
    settings = load_settings({}, env_file=example)
    assert settings.token is None and settings.log_level == "INFO"
    names = set(read_env_file(example))
    assert names == {
        "TELEGRAM_BOT_TOKEN",
        "TELEGRAM_API_BASE_URL",
        "DATA_DIR",
        "BOT_ADMIN_IDS",
        "LOG_LEVEL",
        "WEBHOOK_URL",
        "WEBHOOK_SECRET",
        "PORT",
        "WEBHOOK_LISTEN",
        "CONTEXT_MINUTES",
        "CHOICE_MINUTES",
        "KEEP_DAYS",
        "UNANSWERED_DAYS",
        "LOW_CONFIDENCE",
        "DIGEST_DAY",
        "DIGEST_HOUR",
    }
    text = example.read_text(encoding="utf-8")
    for name in names:  # each has a comment above it
        before = text.split(f"\n{name}=")[0]
        assert before.rstrip().splitlines()[-1].startswith("#"), name


def test_a_malformed_env_file_line_is_named(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("LOG_LEVEL=INFO\nthis is not a setting\n", encoding="utf-8")
    with pytest.raises(SettingsError) as caught:
        load_settings({}, env_file=env_file)
    assert f"{env_file}:2" in str(caught.value)


# --- python -m bot run ---------------------------------------------------------------------------


def run_bot(cwd: Path, close_stdin: bool = False, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK_"))}
    clean.update({"PYTHONPATH": str(ROOT), **env})
    return subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=cwd,
        env=clean,
        stdin=subprocess.DEVNULL,
        preexec_fn=(lambda: os.close(0)) if close_stdin else None,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("BOT_ADMIN_IDS", "12,x"),
        ("PORT", "eighty"),
        ("LOG_LEVEL", "verbose"),
        ("TELEGRAM_API_BASE_URL", "localhost:8081"),
    ],
)
@pytest.mark.slow
def test_run_with_an_invalid_setting_exits_2_naming_it(
    tmp_path: Path, name: str, value: str
) -> None:
    proc = run_bot(tmp_path, **{name: value})
    assert proc.returncode == 2
    assert name in proc.stderr and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


@pytest.mark.slow
def test_run_reads_a_bad_value_from_env_file_too(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("PORT=abc\n", encoding="utf-8")
    proc = run_bot(tmp_path)
    assert proc.returncode == 2 and "PORT" in proc.stderr


@pytest.mark.parametrize("close_stdin", [False, True], ids=["empty stdin", "closed stdin"])
@pytest.mark.slow
def test_run_without_a_token_starts_the_terminal_chat(tmp_path: Path, close_stdin: bool) -> None:
    proc = run_bot(tmp_path, close_stdin=close_stdin)
    assert proc.returncode == 0, proc.stderr
    assert "未配置 TELEGRAM_BOT_TOKEN" in proc.stdout and "@BotFather" in proc.stdout
    assert "咨询助手" in proc.stdout  # the terminal chat's welcome
    assert not (tmp_path / "data").exists()  # the terminal chat keeps no data
