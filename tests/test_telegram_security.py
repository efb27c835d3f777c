"""Security: who may do what, secrets, what user input can reach, and limits per person.

The threat model and the list of guarantees are in SECURITY.md; each guarantee names its test
here (or in test_telegram_group.py, test_telegram_process.py, test_telegram_property.py).
"""

from __future__ import annotations

import ast
import asyncio
import logging
import re
import socket
import sqlite3
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest
from test_telegram_process import BotProcess, until

from bot.knowledge import Knowledge
from bot.matcher import Matcher
from bot.settings import load_settings
from bot.telegram import intake
from bot.telegram.app import build_application
from bot.telegram.limits import PersonLimiter, Verdict
from bot.textnorm import MAX_QUERY_CHARS
from bot.tools.fakebotapi import BotDriver, FakeBotAPI, Sent, settings_env

TOKEN = "246813579:AAE-security_token_for_tests_plmoknijb"
SECRET_PART = TOKEN.split(":")[1]
ROOT = Path(__file__).resolve().parent.parent
GROUP_ID = -100_4242
OWNER = FakeBotAPI.user(4242, "站长")
ALICE = FakeBotAPI.user(4301, "小王")
ADMIN = FakeBotAPI.user(4302, "群主")
MEMBER = FakeBotAPI.user(4303, "阿李")
# Looks like the owner and the admin in every way but the id.
OWNER_LOOKALIKE = {**FakeBotAPI.user(4304, "站长"), "username": "zhanzhang"}
ADMIN_LOOKALIKE = {**FakeBotAPI.user(4305, "群主"), "username": "qunzhu", "last_name": "(管理员)"}
ANONYMOUS = {
    "id": 1087968824,
    "is_bot": True,
    "first_name": "Group",
    "username": "GroupAnonymousBot",
}


@pytest.fixture
async def api(caplog: pytest.LogCaptureFixture) -> AsyncIterator[FakeBotAPI]:
    caplog.set_level(logging.DEBUG)
    async with FakeBotAPI(TOKEN) as server:
        server.private_chat(OWNER)
        yield server
        assert server.rejected == [], [(c.method, c.description) for c in server.rejected]
    assert SECRET_PART not in caplog.text


@pytest.fixture
async def bot(api: FakeBotAPI, tmp_path: Path, knowledge: Knowledge) -> AsyncIterator[BotDriver]:
    env = settings_env(api, tmp_path, BOT_ADMIN_IDS=str(OWNER["id"]), LOG_LEVEL="DEBUG")
    app = build_application(load_settings(env, env_file=None), knowledge)
    async with BotDriver(api, app) as driver:
        yield driver


@pytest.fixture
def group(api: FakeBotAPI) -> dict[str, Any]:
    chat = api.group_chat(GROUP_ID)
    api.set_member(GROUP_ID, ADMIN["id"], "administrator")
    return chat


def only(messages: list[Sent]) -> Sent:
    assert len(messages) == 1, [m.text[:60] for m in messages]
    return messages[0]


def forwarded_from(user: dict[str, Any]) -> dict[str, Any]:
    return {"forward_origin": {"type": "user", "sender_user": user, "date": int(time.time())}}


# --- owner commands ---------------------------------------------------------------------------------


async def test_owner_commands_refuse_everyone_else_however_they_look(
    bot: BotDriver, group: dict[str, Any]
) -> None:
    answer = only(await bot.say(ALICE, "全媒体运营师工资多少"))
    await bot.tap(ALICE, answer, "👎")
    for attempt in (
        bot.say(ALICE, "/feedback"),
        bot.say(OWNER_LOOKALIKE, "/feedback"),  # the owner's name, another id
        bot.say(ALICE, "/feedback", **forwarded_from(OWNER)),  # the owner's message, forwarded
        bot.say(ALICE, "/feedback@cert_advisor_test_bot"),
    ):
        refusal = only(await attempt)
        assert "只对机器人的管理员开放" in refusal.text and "👎" not in refusal.text
    # Not in a group either, not even for the owner: the summary is for the owner's eyes only.
    assert all("用户反馈" not in m.text for m in await bot.say(OWNER, "/feedback", chat=group))
    assert "共 1 条评价" in only(await bot.say(OWNER, "/feedback")).text


# --- group-admin commands: spoofing (the basics are in test_telegram_group.py) ----------------------


async def test_settings_refuse_a_forwarded_admin_message_and_a_lookalike(
    bot: BotDriver, api: FakeBotAPI, group: dict[str, Any]
) -> None:
    forwarded = only(await bot.say(MEMBER, "/settings", chat=group, **forwarded_from(ADMIN)))
    assert "只有本群管理员" in forwarded.text and not forwarded.buttons()
    lookalike = only(await bot.say(ADMIN_LOOKALIKE, "/settings", chat=group))
    assert "只有本群管理员" in lookalike.text and not lookalike.buttons()
    assert await bot.say(MEMBER, "/settings@some_other_bot", chat=group) == []  # not for us


async def test_a_settings_button_needs_an_admin_whatever_the_button_says(
    bot: BotDriver, api: FakeBotAPI, group: dict[str, Any]
) -> None:
    panel = only(await bot.say(ADMIN, "/settings", chat=group))
    data = panel.button("60 条")["callback_data"]
    assert data.endswith(f"|{ADMIN['id']}")  # stamped with its owner
    # A member whose modified client sends the same button stamped for themselves: the bot
    # recorded whose panel it is when it sent it, and that record decides.
    forged = data.replace(f"|{ADMIN['id']}", f"|{MEMBER['id']}")
    mark = len(api.calls)
    assert await bot.press(MEMBER, panel, forged) == []
    assert "给提问的人用的" in bot.toasts(mark)[0]
    # An anonymous admin's panel may be used by any admin, and by nobody else.
    anonymous_panel = only(await bot.say(ANONYMOUS, "/settings", chat=group, sender_chat=group))
    mark = len(api.calls)
    assert await bot.tap(MEMBER, anonymous_panel, "60 条") == []
    assert bot.toasts(mark) and "已保存" not in bot.toasts(mark)
    # Nothing changed: the admin's own panel still shows the default.
    assert "每小时最多回答：30 条" in only(await bot.say(ADMIN, "/settings", chat=group)).text


# --- webhook ----------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
async def test_the_webhook_refuses_requests_without_the_exact_secret(
    api: FakeBotAPI, tmp_path: Path
) -> None:
    # The real process, so that what is tested is how `python -m bot run` sets the webhook up.
    # No WEBHOOK_SECRET is set: the bot makes a random one at start and registers it.
    port = free_port()
    url = f"http://127.0.0.1:{port}/tg/hook"
    bot = BotProcess(
        settings_env(api, tmp_path / "data", WEBHOOK_URL=url, PORT=str(port)),
        tmp_path,
        tmp_path / "bot.log",
    )
    await bot.start()
    chat = api.private_chat(ALICE)

    def update(update_id: int) -> dict[str, Any]:
        message = {"message_id": update_id, "date": 0, "chat": chat, "from": ALICE}
        return {"update_id": update_id, "message": {**message, "text": "互联网营销师工资多少"}}

    header = "X-Telegram-Bot-Api-Secret-Token"
    try:
        await until(lambda: api.webhook.get("url"), "setWebhook")
        secret = str(api.webhook["secret_token"])
        assert len(secret) >= 32 and api.webhook["url"] == url
        async with httpx.AsyncClient() as client:
            for number, headers in enumerate(
                (
                    {},  # no secret at all
                    {header: ""},
                    {header: secret.upper()},
                    {header: secret[:-1]},
                    {header: secret + "x"},
                    {header: TOKEN},  # the bot token is not the secret
                ),
                start=1,
            ):
                refused = await client.post(url, json=update(number), headers=headers)
                assert refused.status_code == 403, (headers, refused.status_code)
            accepted = await client.post(url, json=update(99), headers={header: secret})
            assert accepted.status_code == 200
        await until(lambda: [c for c in api.calls if c.method == "sendMessage"], "the answer")
        await asyncio.sleep(0.2)  # time for any wrongly accepted update to be answered too
    finally:
        assert await bot.stop() == 0
    answers = [c for c in api.calls if c.method == "sendMessage"]
    assert len(answers) == 1 and "¥12.8K" in answers[0].result["text"]  # only the real one
    assert secret not in bot.output() and SECRET_PART not in bot.output()


# --- the token ---------------------------------------------------------------------------------------


async def test_the_token_appears_in_no_log_line_and_no_reply(
    bot: BotDriver, api: FakeBotAPI, caplog: pytest.LogCaptureFixture
) -> None:
    # A proxy whose error page quotes the request path, the token in it.
    page = f"<html><body>502 Bad Gateway: POST /bot{TOKEN}/getUpdates</body></html>"
    api.fail("getUpdates", 502, body=page)
    api.fail("sendMessage", 400, f"Bad Request: chat not found for bot{TOKEN}")
    await bot.say(ALICE, "/start")
    await bot.say(ALICE, "互联网营销师工资多少")
    api.fail("sendMessage", 500)
    await bot.say(ALICE, "/compare")
    await bot.say(ALICE, TOKEN)  # even a person pasting it gets it in no reply
    assert "[REDACTED]" in caplog.text  # URLs and messages were logged, without it
    assert SECRET_PART not in caplog.text and TOKEN not in caplog.text
    for record in caplog.records:
        assert SECRET_PART not in record.getMessage()
    for sent in api.messages.values():
        assert SECRET_PART not in sent.html
    api.calls.clear()  # the injected failures were the point


# --- what user input can reach ----------------------------------------------------------------------


def python_files(*folders: str) -> Iterator[Path]:
    for folder in folders:
        yield from sorted((ROOT / folder).rglob("*.py"))


DANGEROUS_BUILTINS = {"eval", "exec", "compile", "__import__"}
DANGEROUS_OS = re.compile(r"^(system|popen|exec\w*|spawn\w*|posix_spawn\w*)$")
DANGEROUS_MODULES = {"subprocess", "pickle", "marshal", "shelve", "ctypes"}
# Reviewed exceptions: the benchmarks start interpreters with fixed arguments; the reply
# converter runs OpenCC's own dictionary tool on the package's dictionaries (fixed arguments,
# a temporary directory, no shell; nothing a person sends).
ALLOWED_IMPORTS = {("bot/tools/bench.py", "subprocess"), ("bot/opencc_flat.py", "subprocess")}


def test_no_shell_no_eval_no_pickle_anywhere_in_the_bot() -> None:
    problems = []
    for path in python_files("bot"):
        rel = str(path.relative_to(ROOT))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            for name in names:
                top = name.split(".")[0]
                if top in DANGEROUS_MODULES and (rel, top) not in ALLOWED_IMPORTS:
                    problems.append(f"{rel}:{node.lineno} imports {name}")
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            if isinstance(func, ast.Name) and func.id in DANGEROUS_BUILTINS:
                problems.append(f"{rel}:{node.lineno} calls {func.id}")
            if (
                isinstance(func, ast.Attribute)
                and isinstance(func.value, ast.Name)
                and func.value.id == "os"
                and DANGEROUS_OS.match(func.attr)
            ):
                problems.append(f"{rel}:{node.lineno} calls os.{func.attr}")
    assert problems == []


FILE_ACCESS = re.compile(
    r"\bopen\(|\bPath\(|os\.path|\.read_text\(|\.write_text\(|\.unlink\(|\bshutil\.|"
    r"\.mkdir\(|os\.remove|os\.rename|tempfile\."
)


def test_the_telegram_adapter_touches_no_files() -> None:
    # Everything a person sends is handled in bot/telegram/ (and the pure core, which only
    # reads its knowledge folder at start-up): none of it opens, names or removes a file.
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in python_files("bot/telegram")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if FILE_ACCESS.search(line.split("#")[0])
        and "Path(__file__)" not in line  # where errors.py's own code is, for log lines
        and "Path(f.filename)" not in line
    ]
    assert offenders == []


def _constant_items(node: ast.expr) -> bool:
    """A constant (UPPER_CASE) name, or a tuple of constants and unpacked constant names."""
    if isinstance(node, ast.Name):
        return node.id.lstrip("_").isupper()
    if isinstance(node, ast.Starred):
        return _constant_items(node.value)
    if isinstance(node, ast.Tuple | ast.List):
        return all(isinstance(e, ast.Constant) or _constant_items(e) for e in node.elts)
    return False


def _trusted_sql_part(node: ast.expr, loop_vars: set[str]) -> bool:
    """An interpolated part of SQL that cannot come from a person: a constant, a name of a
    constant (UPPER_CASE) or of a loop over one, or a run of '?' placeholders."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.Name):
        return node.id.lstrip("_").isupper() or node.id in loop_vars
    if isinstance(node, ast.FormattedValue):
        return _trusted_sql_part(node.value, loop_vars)
    if isinstance(node, ast.JoinedStr):
        return all(_trusted_sql_part(v, loop_vars) for v in node.values)
    source = ast.unparse(node)
    return bool(re.fullmatch(r"', '\.join\('\?' \* len\(\w+\)\)", source))


def test_every_sql_statement_is_a_constant_or_built_from_constants() -> None:
    checked = 0
    for path in python_files("bot"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for func in [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]:
            loop_vars = {
                n.target.id
                for n in ast.walk(func)
                if isinstance(n, ast.For)
                and isinstance(n.target, ast.Name)
                and _constant_items(n.iter)
            }
            built: dict[str, list[ast.expr]] = {}
            for n in ast.walk(func):
                if isinstance(n, ast.Assign | ast.AugAssign):
                    targets = n.targets if isinstance(n, ast.Assign) else [n.target]
                    for t in targets:
                        if isinstance(t, ast.Name):
                            built.setdefault(t.id, []).append(n.value)
            for call in [n for n in ast.walk(func) if isinstance(n, ast.Call)]:
                if not (
                    isinstance(call.func, ast.Attribute)
                    and call.func.attr in ("execute", "executemany", "executescript")
                    and call.args
                ):
                    continue
                checked += 1
                sql = call.args[0]
                if isinstance(sql, ast.Name) and sql.id in loop_vars:
                    continue  # for statement in _SCHEMA: a constant's items
                parts = built.get(sql.id, []) if isinstance(sql, ast.Name) else [sql]
                where = f"{path.relative_to(ROOT)}:{call.lineno}"
                assert parts, f"{where}: SQL from an unknown name"
                for part in parts:
                    assert not isinstance(part, ast.BinOp) or not isinstance(part.op, ast.Mod), (
                        where
                    )
                    assert _trusted_sql_part(part, loop_vars), f"{where}: {ast.unparse(part)}"
    assert checked >= 10  # the storage's statements were found


class SpyConnection:
    """A sqlite3 connection that remembers every SQL text it is given (before binding)."""

    statements: ClassVar[list[str]] = []

    def __init__(self, real: sqlite3.Connection) -> None:
        self._real = real

    def execute(self, sql: str, parameters: Any = ()) -> sqlite3.Cursor:
        SpyConnection.statements.append(sql)
        return self._real.execute(sql, parameters)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


MARK = "ZQX'; DROP TABLE user_state; --"


async def test_what_people_send_reaches_sql_only_as_bound_parameters(
    api: FakeBotAPI, tmp_path: Path, knowledge: Knowledge, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_connect = sqlite3.connect
    monkeypatch.setattr(sqlite3, "connect", lambda *a, **k: SpyConnection(real_connect(*a, **k)))
    SpyConnection.statements = []
    app = build_application(load_settings(settings_env(api, tmp_path), env_file=None), knowledge)
    monkeypatch.undo()
    person = FakeBotAPI.user(4400, MARK)
    group = api.group_chat(GROUP_ID)
    api.set_member(GROUP_ID, person["id"], "creator")
    async with BotDriver(api, app) as bot:
        only(await bot.say(person, f"互联网营销师工资多少{MARK}"))
        only(await bot.say(person, f"那全媒体运营师呢 {MARK}"))
        step = only(await bot.say(person, "/choose"))
        await bot.press(person, step, f"ch:o:{MARK}:{MARK}")
        await bot.say(person, MARK)
        await bot.say(person, f"/ask {MARK}", chat=group)
        panel = only(await bot.say(person, "/settings", chat=group))
        await bot.press(person, panel, f"gs:hourly:{MARK}|{person['id']}")
        await bot.say(
            person,
            None,
            photo=[{"file_id": "p", "file_unique_id": "u", "width": 1, "height": 1}],
            caption=MARK,
        )
    assert len(SpyConnection.statements) > 20
    assert not [s for s in SpyConnection.statements if "ZQX" in s]
    raw = sqlite3.connect(tmp_path / "bot.sqlite3")
    tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    raw.close()
    assert "user_state" in tables


# --- limits -----------------------------------------------------------------------------------------


def test_a_query_is_cut_before_the_expensive_work() -> None:
    from bot.knowledge import load_knowledge

    matcher = Matcher(load_knowledge())
    huge = "互联网营销师工资多少" + "網際網路行銷師薪水多少，全媒体运营狮直播代货" * 5000  # 100 k
    reply = matcher.ask(huge)
    # Both certificates named, one topic: the salaries compared.
    assert reply.entry_id in ("ims.salary", "compare.salary")
    # Nothing beyond the first characters is read: the answer is that of the cut message.
    cut = matcher.ask(huge[: MAX_QUERY_CHARS * 2])
    assert (reply.entry_id, reply.score, reply.suggestions) == (
        cut.entry_id,
        cut.score,
        cut.suggestions,
    )


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# A safety net only: the burst of inline queries (each answered with ten full answers) is waited
# for until the bot has handled all of it: about a second here, 3-6 s on a busy 2-core machine.
BURST_DEADLINE = 60


def frozen_allowances(bot: BotDriver) -> FakeClock:
    """Per-person allowances on a clock the test moves: a burst counts as sent at one instant,
    however long a busy machine takes to handle it (on the real clock, each second it takes
    gives the sender one more inline query and a third of a message)."""
    clock = FakeClock()
    bot.app.bot_data["allowances"] = intake.Allowances(clock)
    return clock


def test_the_token_bucket_allows_a_burst_then_one_notice_then_the_rate() -> None:
    clock = FakeClock()
    limiter = PersonLimiter(20, clock=clock)
    verdicts = [limiter.check(1) for _ in range(25)]
    assert verdicts[:20] == [Verdict.ALLOW] * 20
    assert verdicts[20:] == [Verdict.NOTICE] + [Verdict.DROP] * 4
    assert limiter.check(2) is Verdict.ALLOW  # others are not affected
    clock.now += 3  # one token back (20 a minute)
    assert [limiter.check(1), limiter.check(1)] == [Verdict.ALLOW, Verdict.DROP]
    clock.now += 60  # a calm minute: full again, and a later flood is told again
    assert [limiter.check(1) for _ in range(21)][-1] is Verdict.NOTICE


def test_the_limiter_forgets_the_least_recently_seen_beyond_its_size() -> None:
    limiter = PersonLimiter(1, clock=FakeClock(), kept=100)
    for person in range(1000):
        limiter.check(person)
    assert limiter.check(999) is Verdict.NOTICE  # remembered
    assert limiter.check(0) is Verdict.ALLOW  # forgotten: a fresh bucket, memory bounded


async def test_one_person_flooding_does_not_slow_anyone_else(
    bot: BotDriver, monkeypatch: pytest.MonkeyPatch
) -> None:
    api = bot.api
    asked_matcher: list[str] = []
    real_ask = Matcher.ask

    def counted(self: Matcher, text: str, *args: Any, **kwargs: Any) -> Any:
        asked_matcher.append(text)
        return real_ask(self, text, *args, **kwargs)

    monkeypatch.setattr(Matcher, "ask", counted)
    frozen_allowances(bot)
    flood = [api.message(ALICE, f"互联网营销师工资多少 {i}") for i in range(300)]
    bob = FakeBotAPI.user(4310, "小李")
    asked = api.message(bob, "全媒体运营师分几个等级")
    await bot.handled(asked)
    to_bob = [
        c.result["text"]
        for c in api.calls
        if c.method == "sendMessage" and c.ok and c.result["chat"]["id"] == bob["id"]
    ]
    assert len(to_bob) == 1 and "初级、中级、高级" in to_bob[0]
    # The excess is dropped before any matching: only the allowance of questions reached it.
    assert len([t for t in asked_matcher if t.startswith("互联网营销师")]) == intake.PER_MINUTE
    to_alice = [
        c.result["text"]
        for c in api.calls
        if c.method == "sendMessage" and c.ok and c.result["chat"]["id"] == ALICE["id"]
    ]
    assert len(to_alice) == intake.PER_MINUTE + 1
    assert sum(t == intake.SLOW_DOWN for t in to_alice) == 1 and to_alice[-1] == intake.SLOW_DOWN
    assert len(flood) == 300


async def test_a_flood_in_a_group_gets_no_notice_and_a_flood_of_presses_one_toast(
    bot: BotDriver, group: dict[str, Any]
) -> None:
    api = bot.api
    updates = [api.message(MEMBER, "/faq", chat=group) for _ in range(40)]
    await bot.handled(updates[-1])
    in_group = [c.result["text"] for c in api.calls if c.method == "sendMessage" and c.ok]
    assert intake.SLOW_DOWN not in in_group and len(in_group) <= intake.PER_MINUTE
    menu = only(await bot.say(ALICE, "/start"))
    presses = [api.press(ALICE, menu, "cmp") for _ in range(30)]
    await bot.handled(presses[-1])
    assert bot.toasts().count(intake.SLOW_DOWN_TOAST) == 1


async def test_inline_queries_have_their_own_larger_allowance(bot: BotDriver) -> None:
    api = bot.api
    clock = frozen_allowances(bot)
    asked = [api.inline_query(ALICE, f"工资{i}") for i in range(intake.INLINE_PER_MINUTE + 10)]
    await bot.handled(asked[-1], timeout=BURST_DEADLINE)
    answered = [u for u in asked if u["inline_query"]["id"] in api.inline_answers]
    assert len(answered) == intake.INLINE_PER_MINUTE  # the rest silently left unanswered
    # The allowance comes back with time: one query a second (60 a minute).
    clock.now += 60 / intake.INLINE_PER_MINUTE
    later = [api.inline_query(ALICE, f"报名{i}") for i in range(2)]
    await bot.handled(later[-1])
    assert sum(u["inline_query"]["id"] in api.inline_answers for u in later) == 1
    # Typing in the inline box did not use up the person's allowance for messages.
    assert only(await bot.say(ALICE, "互联网营销师工资多少")).text.startswith(
        "互联网营销师平均工资"
    )
