"""``python -m bot learned list|export|drop ID|from-eval SET``: manage the owners' teachings.

``from-eval`` plays an owner who teaches every failure of a labelled set, the way /review would
(the question as the record keeps it, pointed at the expected entry or at the fallback), so the
effect on a holdout can be measured. It refuses the frozen blind holdouts.
"""

from __future__ import annotations

import getpass
import sys
from pathlib import Path

from ..knowledge import Knowledge
from ..learned import Learned, LearnedError, drop, export, read_learned, teach
from ..matcher import Matcher
from ..taught import Taught
from .evaluate import HOLDOUT_PREFIX, evaluate, load_cases


def who() -> str:
    """How the change log names a change made here."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no login name (some containers)
        return "cli"


def readable(path: Path, knowledge: Knowledge) -> Learned | None:
    """The file, or None after printing its problems."""
    learned = read_learned(path, knowledge)
    if learned.problems:
        print(f"{path} 有错误，机器人会忽略它，只用自带知识库回答：", file=sys.stderr)
        for problem in learned.problems:
            print(f"  {problem}", file=sys.stderr)
        return None
    return learned


def cmd_list(path: Path, knowledge: Knowledge) -> int:
    """Each phrasing with its id, target, who taught it and when."""
    learned = readable(path, knowledge)
    if learned is None:
        return 1
    if not learned.teachings:
        print(f"{path}：还没有教过任何问法。")
        return 0
    print(f"{path}：{len(learned.teachings)} 种问法")
    for t in learned.teachings:
        target = t.entry if t.entry else "拒答"
        print(f"{t.id}\t{t.text}\t→ {target}\t{t.by}\t{t.at}")
    return 0


def cmd_export(path: Path, knowledge: Knowledge) -> int:
    """The phrasings as YAML for knowledge/entries/."""
    learned = readable(path, knowledge)
    if learned is None:
        return 1
    sys.stdout.write(export(learned, knowledge))
    return 0


def cmd_drop(path: Path, knowledge: Knowledge, tid: str) -> int:
    """Remove one phrasing (logged). A running bot sees it at its next teaching or restart."""
    try:
        _, gone = drop(path, knowledge, tid, who())
    except LearnedError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1
    print(f"已删除 {gone.id}：{gone.text} → {gone.entry or '拒答'}（正在运行的机器人重启后生效）")
    return 0


def cmd_from_eval(path: Path, knowledge: Knowledge, source: Path) -> int:
    """Teach every failure of a labelled set (not a blind holdout) into ``path``."""
    if source.name.startswith(HOLDOUT_PREFIX):
        print(f"{source.name} 是冻结的盲测集，只能用来测量，不能用来教。", file=sys.stderr)
        return 2
    matcher = Matcher(knowledge)
    taught = Taught(matcher)
    failures = [o for o in evaluate(matcher, load_cases(source)) if not o.ok]
    count = 0
    for o in failures:
        if o.case.context:
            continue  # a follow-up only means something after its context; not a phrasing
        text = taught.key(o.case.question).text
        entry = o.case.expect[0] if o.case.expect else None
        try:
            _, added = teach(path, knowledge, [text], entry, who())
        except LearnedError as exc:
            for problem in exc.problems:
                print(problem, file=sys.stderr)
            return 1
        count += len(added)
    print(f"从 {source.name} 的 {len(failures)} 个失败里教了 {count} 种问法，写入 {path}")
    return 0
