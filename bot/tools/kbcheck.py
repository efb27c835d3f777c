"""``python -m bot kb check``: validate the knowledge and report questions the matcher confuses."""

from __future__ import annotations

import sys
from pathlib import Path

from ..choose import load_flow
from ..knowledge import Knowledge, KnowledgeError
from ..learned import read_learned
from ..matcher import Matcher


def confusions(knowledge: Knowledge, matcher: Matcher) -> list[tuple[str, str, str]]:
    """(phrasing, its entry, the entry it is matched to) for phrasings not answered by their entry."""
    found = []
    for entry in knowledge.entries:
        for phrasing in entry.phrasings:
            reply = matcher.ask(phrasing)
            got = [e.id for e in reply.entries]
            if entry.id not in got:
                found.append((phrasing, entry.id, reply.entry_id or "(no answer)"))
    return found


def check(knowledge: Knowledge, root: Path | str) -> int:
    """Print the validation result for the knowledge loaded from ``root`` (the caller reports
    files that do not load); non-zero exit only when the flow is invalid."""
    matcher = Matcher(knowledge)
    phrasings = sum(len(e.phrasings) for e in knowledge.entries)
    print(
        f"知识库有效：{len(knowledge.entries)} 条问答，{phrasings} 种问法，"
        f"{len(knowledge.sources)} 个来源，{len(knowledge.synonyms.topics)} 个话题。"
    )
    try:
        flow = load_flow(root, knowledge)
    except KnowledgeError as exc:
        print("选择流程有错误：", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    lengths = [len(path) for path in flow.paths()]
    print(
        f"选择流程有效：{len(flow.steps)} 个问题（每人回答 {min(lengths)}–{max(lengths)} 个），"
        f"{len(lengths)} 条答题路径。"
    )
    pairs = confusions(knowledge, matcher)
    if pairs:
        print(f"\n提示：{len(pairs)} 种问法会被匹配到别的条目（近似重复，匹配器分不开）：")
        for phrasing, own, got in pairs:
            print(f"  「{phrasing}」 属于 {own}，却匹配到 {got}")
    else:
        print("没有近似重复：每种问法都匹配回自己的条目。")
    sys.stdout.flush()
    return 0


def check_learned(knowledge: Knowledge, path: Path) -> int:
    """Validate the owners' teachings like the knowledge; non-zero when the file is broken (the
    bot would ignore it). Also counts phrasings the matcher already answers the same way."""
    if not path.exists():
        print(f"没有教过的问法（{path} 不存在）。")
        return 0
    learned = read_learned(path, knowledge)
    if learned.problems:
        print(f"{path} 有错误，机器人会忽略它，只用自带知识库回答：", file=sys.stderr)
        for problem in learned.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    matcher = Matcher(knowledge)
    same = sum(1 for t in learned.teachings if matcher.ask(t.text).entry_id == t.entry)
    print(
        f"教过的问法有效：{path}，{len(learned.teachings)} 种"
        f"（其中 {same} 种不教匹配器也会这样回答）。"
    )
    return 0
