"""The group rules without Telegram: what reads as a question, when to answer unasked, the
limits, and the group data in storage (log, forgetting a group, moving it to a new id)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.knowledge import Knowledge
from bot.matcher import Matcher
from bot.storage import Storage
from bot.telegram import group_policy as policy

CHAT = -100500
NOW = 1_800_000_000.0


@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("互联网营销师工资多少", True),
        ("全媒体运营师报考条件？", True),
        ("全媒体运营师难考吗～～", True),
        ("那全媒体运营师呢", True),
        ("哪个证更好", True),
        ("全媒体运营师好难啊", False),
        ("互联网营销师工资真高！", False),
        ("我去报名了", False),
    ],
)
def test_what_reads_as_a_question(text: str, question: bool) -> None:
    assert policy.reads_as_question(text) is question


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("互联网营销师工资多少？", True),
        ("全媒体运营师要什么学历", True),
        ("李佳琦是几级？", True),  # a person the articles are about
        ("报名了吗", False),  # a topic, but no certificate: everyday chat
        ("你工资多少", False),
        ("有人考过全媒体运营师吗", False),  # a certificate, but no topic
        ("我觉得互联网营销师前景不错", False),  # not a question
        ("互联网营销师考试时间是哪天？", False),  # not in the knowledge: never a fallback
        ("你好", False),
    ],
)
def test_when_a_plain_message_is_answered(
    knowledge: Knowledge, matcher: Matcher, text: str, answer: bool
) -> None:
    analysis = matcher.analyzer.analyze(text)
    reply = matcher.ask(text)
    assert policy.worth_answering_unasked(knowledge, text, analysis, reply) is answer


def test_the_limits_and_the_pointer(tmp_path: Path) -> None:
    db = Storage.in_dir(tmp_path)
    settings = policy.GroupSettings(hourly_limit=10)

    def decide(user: int, entry: str | None, key: str, at: float) -> policy.Decision:
        return policy.decide(db, CHAT, user, at, settings, entry, key, asked=True)

    assert decide(1, "ims.salary", "互联网营销师工资多少", NOW).verdict == "answer"
    row = policy.log(db, CHAT, 1, policy.ANSWER, NOW, "ims.salary", "互联网营销师工资多少")
    db.set_reply_message(row, 77)
    # The same entry, or the same text, within ten minutes: a pointer to message 77.
    same_entry = decide(2, "ims.salary", "网络营销师薪水", NOW + 300)
    assert same_entry.verdict == "pointer" and same_entry.earlier is not None
    assert same_entry.earlier.message_id == 77
    assert decide(2, None, "互联网营销师工资多少", NOW + 300).verdict == "pointer"
    assert decide(2, "ims.salary", "x", NOW + policy.COOLDOWN + 1).verdict == "answer"
    assert decide(2, None, "", NOW + 1).verdict == "answer"  # a greeting is never pointed to

    for i in range(2):
        policy.log(db, CHAT, 1, policy.ANSWER, NOW + i, f"e{i}", f"k{i}")
    assert decide(1, "amo.salary", "k", NOW + 5).verdict == "silent"  # three this minute
    assert decide(1, "amo.salary", "k", NOW + 61).verdict == "answer"

    for i in range(7):
        policy.log(db, CHAT, 100 + i, policy.ANSWER, NOW + 100 + i, f"x{i}", f"y{i}")
    assert decide(9, "amo.salary", "k", NOW + 200).verdict == "notice"  # ten this hour
    policy.log(db, CHAT, 9, policy.NOTICE, NOW + 200)
    assert decide(9, "amo.salary", "k", NOW + 300).verdict == "silent"  # said once
    unasked = policy.decide(db, CHAT, 8, NOW + 300, settings, "amo.levels", "z", asked=False)
    assert unasked.verdict == "silent"
    assert decide(9, "amo.salary", "k", NOW + policy.HOUR + 1).verdict == "answer"
    db.close()


def test_settings_default_and_ignore_stray_values(tmp_path: Path) -> None:
    db = Storage.in_dir(tmp_path)
    assert policy.load_settings(db, CHAT) == policy.GroupSettings(False, policy.DEFAULT_HOURLY)
    db.set_chat_setting(CHAT, policy.AUTO_KEY, True)
    db.set_chat_setting(CHAT, policy.HOURLY_KEY, 999)  # not one of the choices
    assert policy.load_settings(db, CHAT) == policy.GroupSettings(True, policy.DEFAULT_HOURLY)
    db.close()


def test_a_group_is_forgotten_and_moved_whole(tmp_path: Path) -> None:
    db = Storage.in_dir(tmp_path)
    old, new, other = -300, -100300, -999
    for chat in (old, other):
        db.set_chat_setting(chat, policy.AUTO_KEY, True)
        db.set_state(chat, 1, "context", {"entry_id": "ims.salary"})
        policy.log(db, chat, 1, policy.ANSWER, NOW, "ims.salary", "k")
    db.record_feedback(old, 1, "ims.salary", "up")
    db.set_chat_setting(new, policy.HOURLY_KEY, 10)  # already set under the new id: kept

    db.move_chat(old, new)
    db.move_chat(old, new)  # Telegram says it twice (in the old and the new chat)
    assert db.get_chat_setting(new, policy.AUTO_KEY) is True
    assert db.get_chat_setting(new, policy.HOURLY_KEY) == 10
    assert db.get_state(new, 1, "context") == {"entry_id": "ims.salary"}
    assert db.count_replies(new, NOW - 1) == 1 and db.count_replies(old, NOW - 1) == 0
    assert db.get_state(old, 1, "context") is None
    assert [c.up for c in db.feedback_counts()] == [1]

    db.forget_chat(new)
    assert db.get_chat_setting(new, policy.AUTO_KEY) is None
    assert db.get_state(new, 1, "context") is None
    assert db.count_replies(new, NOW - 1) == 0
    # Another group is untouched, and so are the owners' feedback counts.
    assert db.get_chat_setting(other, policy.AUTO_KEY) is True
    assert db.count_replies(other, NOW - 1) == 1
    assert [c.up for c in db.feedback_counts()] == [1]
    db.close()


def test_a_version_1_database_gains_the_reply_log(tmp_path: Path) -> None:
    raw = sqlite3.connect(tmp_path / "bot.sqlite3")
    raw.execute(
        "CREATE TABLE chat_settings (chat_id INTEGER NOT NULL, key TEXT NOT NULL, "
        "value TEXT NOT NULL, updated_at REAL NOT NULL, PRIMARY KEY (chat_id, key))"
    )
    raw.execute("INSERT INTO chat_settings VALUES (?, 'auto_answer', 'true', 0)", (CHAT,))
    raw.execute("PRAGMA user_version=1")
    raw.commit()
    raw.close()
    db = Storage.in_dir(tmp_path)
    assert policy.load_settings(db, CHAT).auto_answer is True
    policy.log(db, CHAT, 1, policy.ANSWER, NOW, "ims.salary", "k")
    assert db.count_replies(CHAT, NOW - 1) == 1
    db.close()


def test_replies_never_sent_are_forgotten_at_start(tmp_path: Path) -> None:
    db = Storage.in_dir(tmp_path)
    sent = policy.log(db, CHAT, 1, policy.ANSWER, NOW, "ims.salary", "k")
    db.set_reply_message(sent, 10)
    policy.log(db, CHAT, 1, policy.ANSWER, NOW, "amo.salary", "j")  # killed while sending
    assert db.count_replies(CHAT, NOW - 1, user_id=1) == 2  # in flight: counted
    db.close()
    db = Storage.in_dir(tmp_path)
    assert db.drop_unsent_replies() == 1
    assert db.count_replies(CHAT, NOW - 1, user_id=1) == 1
    assert db.earlier_reply(CHAT, NOW - 1, policy.ANSWER, "amo.salary", "j") is None
    db.close()
