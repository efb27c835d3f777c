"""Persistent state in DATA_DIR: one SQLite file, written before every reply is sent.

Tables (schema version in ``PRAGMA user_version``):

- ``user_state``: per (chat id, user id) JSON documents under a key: ``context`` (what the last
  answer was about, for follow-up questions) and ``choose`` (progress in the guided choice).
- ``feedback``: one 👍/👎 per person per answer; pressing again changes the vote.
- ``chat_settings``: per-chat key/value settings, for group options to come.

Every statement is parameterised. The connection is in autocommit mode, so each write is its
own committed transaction by the time the call returns: a ``kill -9`` loses at most the update
being handled. An unreadable or corrupt file is reported and left untouched, never replaced.
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

DB_NAME = "bot.sqlite3"
SCHEMA_VERSION = 1
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
)


class StorageError(Exception):
    """The data file cannot be used; the message says which file and what to do."""


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
        try:
            self._db = sqlite3.connect(self.path, isolation_level=None)
        except sqlite3.Error as exc:
            raise StorageError(f"无法打开数据文件 {self.path}：{exc}") from None
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
            self._db.execute("PRAGMA synchronous=FULL")
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
