"""The owners' teachings: learned.yaml validated like the knowledge, written atomically, looked
up before the matcher, and the record of misses grouped as the lookup compares questions."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.choose import ChooseEngine, load_flow
from bot.conversation import Conversation, State, Text
from bot.knowledge import DEFAULT_DIR, Knowledge
from bot.learned import LearnedError, drop, dump, export, read_learned, teach
from bot.matcher import Matcher, Reply
from bot.misses import Record, group_records, miss_reason
from bot.storage import Storage
from bot.taught import Taught, is_taught

ROOT = Path(__file__).resolve().parent.parent
ODD = "营销师一个月能挣几个钱啊"  # the matcher answers it; teaching points it elsewhere


def test_a_teaching_is_written_read_back_logged_and_dropped(
    tmp_path: Path, knowledge: Knowledge
) -> None:
    path = tmp_path / "learned.yaml"
    learned, added = teach(path, knowledge, [ODD, ODD + "？"], "ims.price", "telegram:7")
    assert [t.id for t in added] == ["t1"]  # the same question once, however it is punctuated
    again = read_learned(path, knowledge)
    assert again.problems == () and again.teachings[0].entry == "ims.price"
    assert [(c.action, c.by) for c in again.changes] == [("add", "telegram:7")]
    # Taught again elsewhere: the old phrasing goes, and the log says so.
    learned, _ = teach(path, knowledge, [ODD], None, "cli:ops")
    assert [(t.id, t.entry) for t in learned.teachings] == [("t2", None)]
    learned, gone = drop(path, knowledge, "t2", "cli:ops")
    assert gone.text == ODD and learned.teachings == ()
    actions = [(c.action, c.id, c.by) for c in read_learned(path, knowledge).changes]
    assert actions == [
        ("add", "t1", "telegram:7"),
        ("drop", "t1", "cli:ops"),
        ("add", "t2", "cli:ops"),
        ("drop", "t2", "cli:ops"),
    ]
    assert read_learned(path, knowledge).next_id() == "t3"  # a dropped id never comes back
    with pytest.raises(LearnedError):
        drop(path, knowledge, "t2", "cli:ops")
    with pytest.raises(LearnedError):
        teach(path, knowledge, [ODD], "no.such_entry", "cli:ops")
    assert not list(tmp_path.glob(".learned.yaml.*"))  # no temporary file left behind


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("phrasings: [\n  - id: t1\n", "learned.yaml:2: invalid YAML"),
        ("- just a list\n", "learned.yaml:1: expected a mapping"),
        (
            "phrasings:\n  - id: t1\n    text: 工资\n    entry: ims.nope\n    by: x\n    at: y\n",
            "learned.yaml:2: 'entry' 'ims.nope' names no entry",
        ),
        (
            "phrasings:\n  - id: t1\n    text: 工资\n    entry: null\n    by: x\n",
            "learned.yaml:2: missing 'at'",
        ),
        (
            "phrasings:\n"
            "  - {id: t1, text: 工资多少, entry: null, by: x, at: y}\n"
            "  - {id: t2, text: 工资多少？, entry: ims.salary, by: x, at: y}\n",
            "learned.yaml:3: '工资多少？' is taught already as t1 (line 2)",
        ),
        (
            "phrasings:\n  - {id: 7, text: 工资, entry: null, by: x, at: y}\n",
            "learned.yaml:2: id 7 must look like 't12'",
        ),
        ("phrasings: []\nanswers: []\n", "learned.yaml:1: unknown key(s): answers"),
    ],
)
def test_a_broken_file_is_reported_with_its_line_and_ignored(
    tmp_path: Path, knowledge: Knowledge, text: str, problem: str
) -> None:
    path = tmp_path / "learned.yaml"
    path.write_text(text, encoding="utf-8")
    learned = read_learned(path, knowledge)
    assert learned.teachings == ()
    assert any(problem in p for p in learned.problems), learned.problems
    # Nothing is written over a broken file: a hand edit is never lost to a teaching.
    with pytest.raises(LearnedError):
        teach(path, knowledge, [ODD], "ims.salary", "telegram:1")
    assert path.read_text(encoding="utf-8") == text


def test_a_crash_mid_write_leaves_the_old_file_whole(
    tmp_path: Path, knowledge: Knowledge, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "learned.yaml"
    teach(path, knowledge, [ODD], "ims.price", "telegram:1")
    before = path.read_bytes()

    def killed(*args: object) -> None:
        raise KeyboardInterrupt  # the process dies between writing the copy and the rename

    monkeypatch.setattr(os, "replace", killed)
    with pytest.raises(KeyboardInterrupt):
        teach(path, knowledge, ["全媒体运营师一个月能挣几个钱"], "amo.salary", "telegram:1")
    assert path.read_bytes() == before
    assert read_learned(path, knowledge).problems == ()


@pytest.mark.slow
def test_kill_9_during_a_write_never_leaves_a_half_file(
    tmp_path: Path, knowledge: Knowledge
) -> None:
    """A child process rewrites the file in a loop and is killed with SIGKILL; whatever the moment,
    the file reads back whole."""
    path = tmp_path / "learned.yaml"
    teach(path, knowledge, [ODD], "ims.price", "telegram:1")
    script = (
        "import sys\n"
        "from bot.learned import read_learned, dump, write_atomically\n"
        "from bot.knowledge import load_knowledge\n"
        "path = sys.argv[1]\n"
        "text = dump(read_learned(path, load_knowledge()))\n"
        "print('ready', flush=True)\n"
        "while True:\n"
        "    write_atomically(path, text + '#' * 200000 + '\\n')\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", script, str(path)], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None and child.stdout.readline().strip() == "ready"
    time.sleep(0.3)  # some writes in: the kill lands in the middle of one, or between two
    child.kill()
    child.wait()
    learned = read_learned(path, knowledge)
    assert learned.problems == () and learned.teachings[0].text == ODD


def test_export_names_the_file_and_entry_to_paste_into(
    tmp_path: Path, knowledge: Knowledge
) -> None:
    path = tmp_path / "learned.yaml"
    teach(path, knowledge, [ODD], "ims.salary", "telegram:1")
    teach(path, knowledge, ["考试难不难"], None, "telegram:1")
    out = export(read_learned(path, knowledge), knowledge)
    assert "knowledge/entries/ims.yaml" in out and "ims.salary:\n- " + ODD in out
    assert "declined:\n- 考试难不难" in out
    assert dump(read_learned(path, knowledge)).startswith("# What the owners taught")


# --- the lookup before the matcher ---------------------------------------------------------------


@pytest.fixture
def taught(matcher: Matcher, tmp_path: Path, knowledge: Knowledge) -> Taught:
    learned, _ = teach(tmp_path / "l.yaml", knowledge, [ODD], "ims.price", "telegram:1")
    learned, _ = teach(
        tmp_path / "l.yaml", knowledge, ["互联网营销师三级报名要交多少钱"], None, "telegram:1"
    )
    return Taught(matcher, learned.teachings)


def test_a_taught_phrasing_and_its_near_spellings_go_to_the_taught_entry(taught: Taught) -> None:
    for asked in (ODD, "營銷師一個月能掙幾個錢啊！", "营销师一个月能挣几个钱呀"):
        reply = taught.ask(asked)
        assert reply.entry_id == "ims.price" and is_taught(reply), asked
    assert taught.ask("互联网营销师三级报名要交多少钱？").kind == "fallback"
    # Another level, another certificate or another question: the matcher decides as before.
    for other in ("互联网营销师四级报名要交多少钱", "全媒体运营师一个月能挣几个钱啊", "工资"):
        assert not is_taught(taught.ask(other)), other
    assert taught.ask("互联网营销师工资多少").entry_id == "ims.salary"


def test_the_conversation_layer_answers_from_what_was_taught(
    knowledge: Knowledge, matcher: Matcher, taught: Taught
) -> None:
    engine = ChooseEngine(load_flow(DEFAULT_DIR, knowledge), knowledge, matcher)
    layer = Conversation(knowledge, matcher, engine, taught=taught)
    out = layer.handle(Text(ODD), State(), 0.0)
    assert out.asked is not None and out.asked.entry_id == "ims.price"
    assert out.state.context.entry_id == "ims.price"
    taught.replace(())  # dropped: the very next message is the matcher's again
    assert layer.handle(Text(ODD), State(), 0.0).asked.entry_id == "ims.salary"  # type: ignore[union-attr]


# --- the record of misses ----------------------------------------------------------------------


def record(i: int, text: str, reason: str = "fallback", user: int = 1, at: float = 0.0) -> Record:
    return Record(i, user, "private", reason, text, ("ims",), "ims.salary", 40.0, (), at)  # type: ignore[arg-type]


def test_misses_are_fallbacks_and_answers_below_the_owners_confidence(
    knowledge: Knowledge,
) -> None:
    entry = knowledge.by_id["ims.salary"]
    assert miss_reason(Reply(kind="fallback", query="x"), 85) == "fallback"
    assert miss_reason(Reply(kind="answer", query="x", entries=(entry,), score=80), 85) == "unsure"
    assert miss_reason(Reply(kind="answer", query="x", entries=(entry,), score=90), 85) is None
    assert miss_reason(Reply(kind="greeting", query="x"), 85) is None


def test_similar_misses_are_grouped_most_frequent_first() -> None:
    records = [
        record(1, "互联网营销师考试难不难"),
        record(2, "互联网营销师考试难不难啊", user=2),
        record(3, "互联网营销师考试难不难呀", user=3, at=50.0),
        record(4, "互联网营销师考场在哪里"),
        record(5, "", reason="down"),  # a 👎 whose question was not remembered
    ]
    groups = group_records(records)
    assert [g.count for g in groups] == [3, 1]
    first = groups[0]
    assert first.id == 1 and first.people == 3 and first.last_seen == 50.0
    assert first.nearest({"ims.salary"}) == ["ims.salary"]


def test_storage_keeps_misses_prunes_them_and_forget_removes_a_person(tmp_path: Path) -> None:
    storage = Storage.in_dir(tmp_path)
    for user, at in ((1, 100.0), (2, 200.0), (1, 300.0)):
        storage.record_miss(user, "group", "fallback", "问题", ("ims",), None, 10, ("a.b",), at)
    storage.record_feedback(-5, 1, "ims.salary", "down")
    storage.set_state(1, 1, "context", {"entry_id": "ims.salary"})
    storage.set_state(-5, 1, "context", {"entry_id": "ims.salary"})
    storage.count_ask("ims.salary", 100.0)
    assert [r.user_id for r in storage.misses()] == [1, 2, 1]
    assert storage.misses()[0].suggestions == ("a.b",)
    storage.mark_reviewed([1], 400.0)
    assert [r.id for r in storage.misses(unreviewed=True)] == [2, 3]
    assert storage.forget_user(1) == 5  # two misses, a vote, two state rows
    assert [r.user_id for r in storage.misses()] == [2]
    assert storage.get_state(-5, 1, "context") is None and storage.feedback_counts() == []
    assert storage.prune_misses(250.0) == 1 and storage.misses() == []
    assert storage.asks(0.0) == [("ims.salary", 1)]  # counts hold nobody: they stay
    storage.close()


# --- the command line ----------------------------------------------------------------------------


def test_the_learned_commands_list_export_drop_and_measure(
    tmp_path: Path, knowledge: Knowledge, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli import main

    path = tmp_path / "learned.yaml"
    teach(path, knowledge, [ODD], "ims.price", "telegram:1")
    assert main(["learned", "--file", str(path), "list"]) == 0
    assert f"t1\t{ODD}\t→ ims.price\ttelegram:1" in capsys.readouterr().out
    assert main(["learned", "--file", str(path), "export"]) == 0
    assert "ims.price:\n- " + ODD in capsys.readouterr().out
    assert main(["kb", "check", "--learned", str(path)]) == 0
    assert "教过的问法有效" in capsys.readouterr().out
    # Any file named like a blind holdout is refused as teaching material.
    blind = str(tmp_path / "blind_x.yaml")
    shutil.copy(ROOT / "tests" / "eval" / "qa8.yaml", blind)
    assert main(["learned", "--file", str(path), "from-eval", blind]) == 2  # never the holdout
    assert "盲测集" in capsys.readouterr().err
    main(["eval", "--file", blind, "--learned", str(path)])
    assert "教过的问法：1 种" in capsys.readouterr().out
    assert main(["learned", "--file", str(path), "drop", "t1"]) == 0
    assert main(["learned", "--file", str(path), "drop", "t1"]) == 1
    path.write_text("phrasings: [oops\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["kb", "check", "--learned", str(path)]) == 1
    assert f"{path}:2: invalid YAML" in capsys.readouterr().err
