"""Storage: state per (chat, user), feedback, chat settings; durable; a bad file is never replaced."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.storage import DB_NAME, Storage, StorageError

ROOT = Path(__file__).resolve().parent.parent


def test_state_is_kept_per_chat_and_user(tmp_path: Path) -> None:
    db = Storage.in_dir(tmp_path)
    db.set_state(1, 1, "context", {"entry_id": "ims.salary"})
    db.set_state(1, 2, "context", {"entry_id": "amo.salary"})
    db.set_state(-100, 1, "context", {"entry_id": "compare.salary"})
    assert db.get_state(1, 1, "context") == {"entry_id": "ims.salary"}
    assert db.get_state(1, 2, "context") == {"entry_id": "amo.salary"}
    assert db.get_state(-100, 1, "context") == {"entry_id": "compare.salary"}
    assert db.get_state(1, 1, "choose") is None
    db.set_state(1, 1, "context", {"entry_id": "ims.levels", "text": "引号'\"; DROP TABLE x"})
    assert db.get_state(1, 1, "context") == {
        "entry_id": "ims.levels",
        "text": "引号'\"; DROP TABLE x",
    }
    db.set_state(1, 1, "context", None)
    assert db.get_state(1, 1, "context") is None
    db.close()


def test_state_survives_reopening(tmp_path: Path) -> None:
    db = Storage.in_dir(tmp_path / "nested" / "data")
    db.set_state(5, 5, "choose", {"step": "background", "answers": {"direction": "sell"}})
    db.close()
    again = Storage.in_dir(tmp_path / "nested" / "data")
    assert again.get_state(5, 5, "choose") == {
        "step": "background",
        "answers": {"direction": "sell"},
    }
    again.close()


def test_wal_mode_and_schema(tmp_path: Path) -> None:
    Storage.in_dir(tmp_path).close()
    raw = sqlite3.connect(tmp_path / DB_NAME)
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"user_state", "feedback", "chat_settings"} <= tables
    raw.close()


def test_an_older_database_is_upgraded_in_place_and_keeps_its_data(tmp_path: Path) -> None:
    db = Storage.in_dir(tmp_path)
    db.set_state(7, 7, "context", {"entry_id": "ims.salary"})
    db.close()
    # What the previous version left: no record of button owners yet.
    raw = sqlite3.connect(tmp_path / DB_NAME)
    raw.execute("DROP TABLE button_owners")
    raw.execute("PRAGMA user_version=2")
    raw.commit()
    raw.close()
    again = Storage.in_dir(tmp_path)
    assert again.get_state(7, 7, "context") == {"entry_id": "ims.salary"}
    assert again.button_owner(-100, 5) is None
    again.set_button_owner(-100, 5, 42)
    assert again.button_owner(-100, 5) == 42
    again.close()


def test_button_owners_go_with_their_group(tmp_path: Path) -> None:
    db = Storage.in_dir(tmp_path)
    db.set_button_owner(-1, 10, 42)
    db.set_button_owner(-2, 10, 43)
    db.move_chat(-1, -1001)  # a supergroup numbers its messages anew
    assert db.button_owner(-1, 10) is None and db.button_owner(-1001, 10) is None
    db.forget_chat(-2)
    assert db.button_owner(-2, 10) is None
    db.close()


def test_feedback_is_one_vote_per_person_per_answer(tmp_path: Path) -> None:
    db = Storage.in_dir(tmp_path)
    db.record_feedback(1, 1, "ims.salary", "up")
    db.record_feedback(1, 1, "ims.salary", "down")  # changed their mind
    db.record_feedback(2, 2, "ims.salary", "down")
    db.record_feedback(3, 3, "amo.levels", "up")
    counts = {c.entry_id: (c.up, c.down) for c in db.feedback_counts()}
    assert counts == {"ims.salary": (0, 2), "amo.levels": (1, 0)}
    assert db.feedback_counts()[0].entry_id == "ims.salary"  # most disliked first
    assert db.feedback_voters() == 3
    with pytest.raises(ValueError):
        db.record_feedback(1, 1, "ims.salary", "meh")  # type: ignore[arg-type]
    db.close()


def test_chat_settings_for_groups(tmp_path: Path) -> None:
    db = Storage.in_dir(tmp_path)
    assert db.get_chat_setting(-100123, "quiet") is None
    db.set_chat_setting(-100123, "quiet", True)
    db.set_chat_setting(-100123, "topics", ["salary", "levels"])
    assert db.get_chat_setting(-100123, "quiet") is True
    assert db.get_chat_setting(-100123, "topics") == ["salary", "levels"]
    db.close()


def test_a_corrupt_file_is_reported_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / DB_NAME
    garbage = b"this is not an SQLite database, but somebody's data\n" * 200
    path.write_bytes(garbage)
    with pytest.raises(StorageError) as caught:
        Storage(path)
    assert str(path) in str(caught.value) and "没有被改动" in str(caught.value)
    assert path.read_bytes() == garbage
    assert not (tmp_path / f"{DB_NAME}-wal").exists()


def test_a_damaged_database_fails_the_integrity_check(tmp_path: Path) -> None:
    db = Storage.in_dir(tmp_path)
    for i in range(300):
        db.set_state(i, i, "context", {"entry_id": "x" * 200})
    db.close()
    path = tmp_path / DB_NAME
    raw = bytearray(path.read_bytes())
    raw[4096 * 2 : 4096 * 2 + 600] = b"\xff" * 600  # scribble over a b-tree page
    path.write_bytes(bytes(raw))
    before = path.read_bytes()
    with pytest.raises(StorageError):
        Storage(path)
    assert path.read_bytes() == before


def test_a_database_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    Storage.in_dir(tmp_path).close()
    raw = sqlite3.connect(tmp_path / DB_NAME)
    raw.execute("PRAGMA user_version=99")
    raw.close()
    with pytest.raises(StorageError, match="更新版本"):
        Storage.in_dir(tmp_path)


@pytest.mark.slow
def test_a_write_survives_kill_9(tmp_path: Path) -> None:
    script = (
        "import os, signal, sys\n"
        "from bot.storage import Storage\n"
        "db = Storage.in_dir(sys.argv[1])\n"
        "db.set_state(7, 7, 'choose', {'step': 'budget'})\n"
        "db.record_feedback(7, 7, 'ims.salary', 'up')\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        timeout=60,
    )
    assert proc.returncode == -signal.SIGKILL
    db = Storage.in_dir(tmp_path)
    assert db.get_state(7, 7, "choose") == {"step": "budget"}
    assert [c.entry_id for c in db.feedback_counts()] == ["ims.salary"]
    db.close()


def test_prune_forgets_quiet_people_whole_and_old_button_owners(tmp_path: Path) -> None:
    db = Storage(tmp_path / DB_NAME)
    db.set_state(1, 1, "context", {"entry_id": "ims.salary"})
    db.set_state(2, 2, "script", {"script": "tw"})
    db.set_button_owner(-100, 5, 1)
    cutoff = time.time() + 0.01
    time.sleep(0.02)
    db.set_state(2, 2, "updates", {"ids": [1]})  # person 2 wrote again after the cutoff
    assert db.prune(quiet_before=cutoff, buttons_before=cutoff) == (1, 1)
    assert db.get_state(1, 1, "context") is None  # quiet: forgotten
    assert db.get_state(2, 2, "script") == {"script": "tw"}  # active: kept whole
    assert db.button_owner(-100, 5) is None
