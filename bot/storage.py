"""Persistent state in DATA_DIR: one SQLite file, written before every reply is sent.

Tables (schema version in ``PRAGMA user_version``):

- ``user_state``: per (chat id, user id) JSON documents under a key: ``context`` (what the last
  answer was about, for follow-up questions) and ``choose`` (progress in the guided choice).
- ``feedback``: one 👍/👎 per person per answer; pressing again changes the vote.
- ``chat_settings``: per-chat key/value settings (a group's auto-answer switch, hourly limit).
- ``group_replies``: what the bot said in each group and to whom, kept for an hour, so that it
  can point to an earlier answer instead of repeating it and keep to its per-person and hourly
  limits. No message text is kept: only the matched entry and a normalised key of the question.
- ``misses``: what went wrong (fallbacks, unsure answers, 👎), for the owners' /review: the
  normalised question, the chat kind (never which chat), the best entry, its score and the
  guesses offered, by whom and when; pruned after UNANSWERED_DAYS.
- ``asks``: answers per entry per day (counts only), for the weekly digest; pruned likewise.
- ``meta``: the bot's own bookkeeping (when the last digest went out).

A group's rows move with it when it becomes a supergroup, and are deleted when the bot is removed.

Every statement is parameterised. The connection is in autocommit mode, so each write is its
own committed transaction by the time the call returns: a ``kill -9`` loses at most the update
being handled. An unreadable or corrupt file is reported and left untouched, never replaced.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from .misses import Reason, Record

DB_NAME = "bot.sqlite3"
DAY = 86400
SCHEMA_VERSION = 4  # 2: group_replies; 3: button_owners; 4: misses, asks, meta
Vote = Literal["up", "down"]

_SCHEMA = (
    """
    CREATE TABLE IF NOT EXISTS user_state (
        chat_id    INTEGER NOT NULL,
        user_id    INTEGER NOT NULL,
        key        TEXT    NOT NULL,
        value      TEXT    NOT NULL,
        updated_at REAL    NOT NULL,
        PRIMARY KEY (chat_id, user_id, key)
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS feedback (
        chat_id    INTEGER NOT NULL,
        user_id    INTEGER NOT NULL,
        entry_id   TEXT    NOT NULL,
        vote       TEXT    NOT NULL CHECK (vote IN ('up', 'down')),
        created_at REAL    NOT NULL,
        PRIMARY KEY (chat_id, user_id, entry_id)
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS chat_settings (
        chat_id    INTEGER NOT NULL,
        key        TEXT    NOT NULL,
        value      TEXT    NOT NULL,
        updated_at REAL    NOT NULL,
        PRIMARY KEY (chat_id, key)
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS group_replies (
        id         INTEGER PRIMARY KEY,
        chat_id    INTEGER NOT NULL,
        user_id    INTEGER NOT NULL,
        kind       TEXT    NOT NULL,
        entry_id   TEXT,
        text_key   TEXT    NOT NULL,
        message_id INTEGER,  -- NULL while being sent; 0 when sent with the id unknown
        at         REAL    NOT NULL
    )
    """,
    "CREATE INDEX IF NOT EXISTS group_replies_by_chat ON group_replies (chat_id, at)",
    """
    CREATE TABLE IF NOT EXISTS button_owners (
        chat_id    INTEGER NOT NULL,
        message_id INTEGER NOT NULL,
        owner      INTEGER NOT NULL,
        at         REAL    NOT NULL,
        PRIMARY KEY (chat_id, message_id)
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS misses (
        id          INTEGER PRIMARY KEY,
        user_id     INTEGER NOT NULL,
        chat_kind   TEXT    NOT NULL,
        reason      TEXT    NOT NULL,
        text        TEXT    NOT NULL,
        certs       TEXT    NOT NULL,
        entry_id    TEXT,
        score       REAL    NOT NULL,
        suggestions TEXT    NOT NULL,
        at          REAL    NOT NULL,
        reviewed_at REAL
    )
    """,
    "CREATE INDEX IF NOT EXISTS misses_by_time ON misses (at)",
    """
    CREATE TABLE IF NOT EXISTS asks (
        day      INTEGER NOT NULL,
        entry_id TEXT    NOT NULL,
        n        INTEGER NOT NULL,
        PRIMARY KEY (day, entry_id)
    )
    """,
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
)
# Everything about one person (?1: their id). A private chat's id is the person's id, so the
# rows of that chat are theirs too.
_FORGET_USER = (
    "DELETE FROM user_state WHERE user_id = ?1 OR chat_id = ?1",
    "DELETE FROM feedback WHERE user_id = ?1 OR chat_id = ?1",
    "DELETE FROM group_replies WHERE user_id = ?1 OR chat_id = ?1",
    "DELETE FROM button_owners WHERE owner = ?1 OR chat_id = ?1",
    "DELETE FROM misses WHERE user_id = ?1",
)
# Tables whose rows belong to one chat: moved on migration to a supergroup, deleted on removal.
_PER_CHAT = ("user_state", "chat_settings", "group_replies", "button_owners")


class StorageError(Exception):
    """The data file cannot be used; the message says which file and what to do."""


@dataclass(frozen=True)
class GroupReply:
    """One reply the bot sent in a group (``message_id`` is None while it is being sent)."""

    id: int
    user_id: int
    kind: str
    entry_id: str | None
    message_id: int | None
    at: float


@dataclass(frozen=True)
class FeedbackCount:
    """Votes on one answer."""

    entry_id: str
    up: int
    down: int


class Storage:
    """The bot's SQLite database. Use from one thread (the event loop's)."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(f"无法创建数据目录 {self.path.parent}：{exc.strerror}") from None
        existed = self.path.exists()
        if existed and not os.access(self.path, os.R_OK | os.W_OK):
            raise StorageError(
                f"无法读写数据文件 {self.path}：没有权限。文件没有被改动；"
                "请让运行机器人的用户能读写它（检查文件的属主和权限），再启动机器人。"
            )
        try:
            self._db = sqlite3.connect(self.path, isolation_level=None)
        except sqlite3.Error as exc:
            kept = "文件没有被改动。" if existed else ""
            raise StorageError(f"无法打开数据文件 {self.path}：{exc}。{kept}") from None
        try:
            # Check before anything writes: a damaged file must stay as it is for inspection.
            rows = self._db.execute("PRAGMA integrity_check").fetchall()
            if [r[0] for r in rows] != ["ok"]:
                problem = "; ".join(str(r[0]) for r in rows[:3])
                raise StorageError(
                    f"数据文件 {self.path} 已损坏（{problem}）。文件没有被改动；"
                    "请先备份或移走它，再启动机器人。"
                )
            self._db.execute("PRAGMA journal_mode=WAL")
            # WAL with synchronous=NORMAL: a commit is in the WAL before the call returns, so it
            # survives the process being killed (kill -9); only a power cut or an OS crash can
            # lose the last commits, never the file's consistency. FULL would also fsync every
            # commit, which costs more than the rest of an answer.
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA busy_timeout=5000")
            self._migrate()
        except sqlite3.Error as exc:
            self._db.close()
            kept = "文件没有被改动；请先备份或移走它，再启动机器人。" if existed else ""
            raise StorageError(f"无法使用数据文件 {self.path}：{exc}。{kept}") from None
        except StorageError:
            self._db.close()
            raise

    @classmethod
    def in_dir(cls, data_dir: Path | str) -> Storage:
        """Open (or create) the database in DATA_DIR."""
        return cls(Path(data_dir) / DB_NAME)

    def _migrate(self) -> None:
        version = int(self._db.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise StorageError(
                f"数据文件 {self.path} 来自更新版本的机器人（结构版本 {version}），请升级后再启动。"
            )
        if version == SCHEMA_VERSION:
            return
        self._db.execute("BEGIN IMMEDIATE")
        try:
            for statement in _SCHEMA:
                self._db.execute(statement)
            # PRAGMA cannot take parameters; SCHEMA_VERSION is our own integer constant.
            self._db.execute(f"PRAGMA user_version={SCHEMA_VERSION:d}")
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise

    def close(self) -> None:
        """Close the connection (every write is already committed)."""
        self._db.close()

    # --- per-user state ------------------------------------------------------------------------

    def get_state(self, chat_id: int, user_id: int, key: str) -> dict[str, Any] | None:
        """The JSON document stored for this person in this chat under ``key``, if any."""
        row = self._db.execute(
            "SELECT value FROM user_state WHERE chat_id = ? AND user_id = ? AND key = ?",
            (chat_id, user_id, key),
        ).fetchone()
        if row is None:
            return None
        try:
            value = json.loads(row[0])
        except ValueError:
            return None
        return value if isinstance(value, dict) else None

    def set_state(self, chat_id: int, user_id: int, key: str, value: dict[str, Any] | None) -> None:
        """Store (or with None, delete) a JSON document; committed when this returns."""
        if value is None:
            self._db.execute(
                "DELETE FROM user_state WHERE chat_id = ? AND user_id = ? AND key = ?",
                (chat_id, user_id, key),
            )
            return
        self._db.execute(
            "INSERT INTO user_state (chat_id, user_id, key, value, updated_at) "
            "VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (chat_id, user_id, key) "
            "DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
            (chat_id, user_id, key, json.dumps(value, ensure_ascii=False), time.time()),
        )

    # --- feedback ------------------------------------------------------------------------------

    def record_feedback(self, chat_id: int, user_id: int, entry_id: str, vote: Vote) -> None:
        """Record one person's vote on one answer, replacing an earlier vote on it."""
        if vote not in ("up", "down"):
            raise ValueError(f"vote must be 'up' or 'down', not {vote!r}")
        self._db.execute(
            "INSERT INTO feedback (chat_id, user_id, entry_id, vote, created_at) "
            "VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (chat_id, user_id, entry_id) "
            "DO UPDATE SET vote = excluded.vote, created_at = excluded.created_at",
            (chat_id, user_id, entry_id, vote, time.time()),
        )

    def feedback_counts(self) -> list[FeedbackCount]:
        """Votes per answer, the most disliked first."""
        rows = self._db.execute(
            "SELECT entry_id, "
            "SUM(CASE WHEN vote = 'up' THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN vote = 'down' THEN 1 ELSE 0 END) "
            "FROM feedback GROUP BY entry_id"
        ).fetchall()
        counts = [FeedbackCount(str(r[0]), int(r[1]), int(r[2])) for r in rows]
        counts.sort(key=lambda c: (-c.down, -c.up, c.entry_id))
        return counts

    def feedback_voters(self) -> int:
        """How many distinct people have voted."""
        return int(self._db.execute("SELECT COUNT(DISTINCT user_id) FROM feedback").fetchone()[0])

    # --- chat settings -------------------------------------------------------------------------

    def get_chat_setting(self, chat_id: int, key: str) -> Any:
        """A chat's setting (any JSON value), or None."""
        row = self._db.execute(
            "SELECT value FROM chat_settings WHERE chat_id = ? AND key = ?", (chat_id, key)
        ).fetchone()
        return None if row is None else json.loads(row[0])

    def set_chat_setting(self, chat_id: int, key: str, value: Any) -> None:
        """Store a chat's setting (any JSON value)."""
        self._db.execute(
            "INSERT INTO chat_settings (chat_id, key, value, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (chat_id, key) "
            "DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
            (chat_id, key, json.dumps(value, ensure_ascii=False), time.time()),
        )

    # --- what the bot said in groups -------------------------------------------------------

    def log_reply(
        self,
        chat_id: int,
        user_id: int,
        kind: str,
        entry_id: str | None,
        text_key: str,
        at: float,
        forget_before: float,
    ) -> int:
        """Record a reply about to be sent (its message id comes later); rows of this chat older
        than ``forget_before`` are deleted. Returns the row's id."""
        self._db.execute(
            "DELETE FROM group_replies WHERE chat_id = ? AND at < ?", (chat_id, forget_before)
        )
        cursor = self._db.execute(
            "INSERT INTO group_replies (chat_id, user_id, kind, entry_id, text_key, at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (chat_id, user_id, kind, entry_id, text_key, at),
        )
        return int(cursor.lastrowid or 0)

    def set_reply_message(self, row_id: int, message_id: int) -> None:
        """The logged reply was sent as this message."""
        self._db.execute(
            "UPDATE group_replies SET message_id = ? WHERE id = ?", (message_id, row_id)
        )

    def drop_reply(self, row_id: int) -> None:
        """The logged reply could not be sent: forget it."""
        self._db.execute("DELETE FROM group_replies WHERE id = ?", (row_id,))

    def drop_unsent_replies(self) -> int:
        """Forget replies logged but never marked sent: at start-up, those were in flight when
        the bot stopped (or was killed) and never went out. Returns how many."""
        return self._db.execute("DELETE FROM group_replies WHERE message_id IS NULL").rowcount

    def count_replies(
        self,
        chat_id: int,
        since: float,
        *,
        user_id: int | None = None,
        kinds: tuple[str, ...] | None = None,
    ) -> int:
        """How many replies were logged in this chat since ``since`` (to one person, of kinds)."""
        sql = "SELECT COUNT(*) FROM group_replies WHERE chat_id = ? AND at > ?"
        args: list[Any] = [chat_id, since]
        if user_id is not None:
            sql += " AND user_id = ?"
            args.append(user_id)
        if kinds is not None:
            sql += f" AND kind IN ({', '.join('?' * len(kinds))})"
            args.extend(kinds)
        return int(self._db.execute(sql, args).fetchone()[0])

    def earlier_reply(
        self, chat_id: int, since: float, kind: str, entry_id: str | None, text_key: str | None
    ) -> GroupReply | None:
        """The first reply of this kind since ``since`` for the same entry or the same text."""
        row = self._db.execute(
            "SELECT id, user_id, kind, entry_id, message_id, at FROM group_replies "
            "WHERE chat_id = ? AND at > ? AND kind = ? AND (entry_id = ? OR text_key = ?) "
            "ORDER BY at, id LIMIT 1",
            (chat_id, since, kind, entry_id, text_key),
        ).fetchone()
        if row is None:
            return None
        return GroupReply(int(row[0]), int(row[1]), str(row[2]), row[3], row[4], float(row[5]))

    def entry_of_reply(self, chat_id: int, message_id: int) -> str | None:
        """The knowledge entry the bot's message ``message_id`` in this chat answered, if logged."""
        row = self._db.execute(
            "SELECT entry_id FROM group_replies WHERE chat_id = ? AND message_id = ?",
            (chat_id, message_id),
        ).fetchone()
        return None if row is None or row[0] is None else str(row[0])

    # --- who may press a group message's buttons ---------------------------------------------

    def set_button_owner(self, chat_id: int, message_id: int, owner: int) -> None:
        """Record whose buttons the bot's message ``message_id`` in this group carries."""
        self._db.execute(
            "INSERT INTO button_owners (chat_id, message_id, owner, at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (chat_id, message_id) DO UPDATE SET owner = excluded.owner, at = excluded.at",
            (chat_id, message_id, owner, time.time()),
        )

    def button_owner(self, chat_id: int, message_id: int) -> int | None:
        """Whose buttons that message carries, if the bot recorded it."""
        row = self._db.execute(
            "SELECT owner FROM button_owners WHERE chat_id = ? AND message_id = ?",
            (chat_id, message_id),
        ).fetchone()
        return None if row is None else int(row[0])

    # --- housekeeping ---------------------------------------------------------------------------

    def prune(self, quiet_before: float, buttons_before: float) -> tuple[int, int]:
        """Delete the state of people with no write since ``quiet_before`` (all their rows, so a
        person is kept or forgotten whole) and the button owners of messages sent before
        ``buttons_before``. Returns how many rows of each went."""
        with self._transaction():
            people = self._db.execute(
                "DELETE FROM user_state WHERE user_id IN "
                "(SELECT user_id FROM user_state GROUP BY user_id HAVING MAX(updated_at) < ?)",
                (quiet_before,),
            ).rowcount
            buttons = self._db.execute(
                "DELETE FROM button_owners WHERE at < ?", (buttons_before,)
            ).rowcount
        return people, buttons

    # --- what went wrong, and what was asked ---------------------------------------------------

    def record_miss(
        self,
        user_id: int,
        chat_kind: str,
        reason: Reason,
        text: str,
        certs: tuple[str, ...],
        entry_id: str | None,
        score: float,
        suggestions: tuple[str, ...],
        at: float,
    ) -> None:
        """Keep one miss for the owners' review."""
        self._db.execute(
            "INSERT INTO misses (user_id, chat_kind, reason, text, certs, entry_id, score, "
            "suggestions, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                user_id,
                chat_kind,
                reason,
                text,
                ",".join(certs),
                entry_id,
                score,
                json.dumps(list(suggestions)),
                at,
            ),
        )

    def misses(self, since: float = 0.0, *, unreviewed: bool = False) -> list[Record]:
        """Kept misses since ``since`` (only those no owner has acted on, with ``unreviewed``)."""
        sql = (
            "SELECT id, user_id, chat_kind, reason, text, certs, entry_id, score, suggestions, at "
            "FROM misses WHERE at >= ?"
        )
        if unreviewed:
            sql += " AND reviewed_at IS NULL"
        sql += " ORDER BY id"
        records = []
        for row in self._db.execute(sql, (since,)):
            try:
                suggestions = tuple(str(s) for s in json.loads(row[8]))
            except ValueError:
                suggestions = ()
            records.append(
                Record(
                    id=int(row[0]),
                    user_id=int(row[1]),
                    chat=str(row[2]),
                    reason=row[3],
                    text=str(row[4]),
                    certs=tuple(c for c in str(row[5]).split(",") if c),
                    entry_id=row[6],
                    score=float(row[7]),
                    suggestions=suggestions,
                    at=float(row[9]),
                )
            )
        return records

    def mark_reviewed(self, ids: list[int], at: float) -> None:
        """An owner acted on these misses (taught, declined or skipped them)."""
        with self._transaction():
            self._db.executemany(
                "UPDATE misses SET reviewed_at = ? WHERE id = ?", [(at, i) for i in ids]
            )

    def count_ask(self, entry_id: str, at: float) -> None:
        """One more answer from this entry today (a count, nothing about who asked)."""
        self._db.execute(
            "INSERT INTO asks (day, entry_id, n) VALUES (?, ?, 1) "
            "ON CONFLICT (day, entry_id) DO UPDATE SET n = n + 1",
            (int(at // DAY), entry_id),
        )

    def asks(self, since: float) -> list[tuple[str, int]]:
        """(entry id, answers) since ``since`` (whole days), the most asked first."""
        rows = self._db.execute(
            "SELECT entry_id, SUM(n) FROM asks WHERE day >= ? GROUP BY entry_id "
            "ORDER BY SUM(n) DESC, entry_id",
            (int(since // DAY),),
        ).fetchall()
        return [(str(r[0]), int(r[1])) for r in rows]

    def prune_misses(self, before: float) -> int:
        """Forget misses and answer counts older than ``before``; how many misses went."""
        with self._transaction():
            gone = self._db.execute("DELETE FROM misses WHERE at < ?", (before,)).rowcount
            self._db.execute("DELETE FROM asks WHERE day < ?", (int(before // DAY),))
        return gone

    def get_meta(self, key: str) -> str | None:
        """A value of the bot's own bookkeeping."""
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        """Store a value of the bot's own bookkeeping."""
        self._db.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    # --- one person ----------------------------------------------------------------------------

    def forget_user(self, user_id: int) -> int:
        """Delete everything kept about this person (/forget); how many rows went."""
        gone = 0
        with self._transaction():
            for statement in _FORGET_USER:
                gone += self._db.execute(statement, (user_id,)).rowcount
        return gone

    # --- whole chats ---------------------------------------------------------------------------

    def forget_chat(self, chat_id: int) -> None:
        """Delete everything kept for this chat (the bot was removed from it)."""
        with self._transaction():
            for table in _PER_CHAT:
                # The table names are our own constants, never input.
                self._db.execute(f"DELETE FROM {table} WHERE chat_id = ?", (chat_id,))

    def move_chat(self, old_id: int, new_id: int) -> None:
        """Move a group's rows to its new id (it became a supergroup). Rows the new id already
        has are newer and win; running it twice changes nothing. The old group's message ids mean
        nothing in the supergroup, so logged replies keep only that they were sent (id 0), and the
        record of whose buttons they carried is dropped."""
        if old_id == new_id:
            return
        with self._transaction():
            self._db.execute(
                "UPDATE group_replies SET message_id = 0 "
                "WHERE chat_id = ? AND message_id IS NOT NULL",
                (old_id,),
            )
            # A supergroup numbers its messages anew: the old ids would name other messages.
            self._db.execute("DELETE FROM button_owners WHERE chat_id = ?", (old_id,))
            for table in (*_PER_CHAT, "feedback"):
                self._db.execute(
                    f"UPDATE OR IGNORE {table} SET chat_id = ? WHERE chat_id = ?", (new_id, old_id)
                )
                self._db.execute(f"DELETE FROM {table} WHERE chat_id = ?", (old_id,))

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")
