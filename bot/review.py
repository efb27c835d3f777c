"""The owners' review of what went wrong, as reply parts: one group at a time with its buttons,
search results, and what a choice did. The Telegram adapter (``telegram/review.py``) loads the
groups, writes the teachings and sends these.

Callback data (at most 64 bytes: the prefix, a group id of up to 12 digits and an entry id of at
most 32 characters):

    rv:open                 the first group
    rv:a:<group>:<entry>    add the group's questions as phrasings of the entry
    rv:d:<group>            the bot must decline them
    rv:s:<group>            skip the group for now
    rv:f:<group>            search other entries: the next words the owner types
"""

from __future__ import annotations

from .knowledge import Entry, Knowledge
from .matcher import Matcher
from .misses import Group
from .parts import Button, Part
from .textnorm import normalize

REVIEW = "rv"
MAX_LABEL = 24  # characters of a question on a button: a phone shows about that many
MAX_TEXTS = 10  # wordings of one group taught at once
MAX_RESULTS = 6
SHOWN_OTHERS = 3

WHERE = {"private": "私聊", "group": "群聊"}
NOTHING = "🎉 没有待审阅的问题。没答上的问题、置信度偏低的回答和 👎 都会记在这里。"
SEARCH_PROMPT = "请发几个词来搜索条目，例如“报名 费用”。发送 /review 回到审阅。"
NO_RESULTS = "没有找到和“{words}”相关的条目，换几个词再试试；发送 /review 回到审阅。"
RESULTS = "和“{words}”相关的条目，点一条把这组问题加为它的问法："
GONE = "这一组已经处理过了（可能另一位管理员刚处理过）。"
TAUGHT = "✅ 已把 {n} 种问法加为「{question}」的问法，从下一条消息起对所有人生效。"
DECLINED = "🚫 已记为应拒答（{n} 种问法），从下一条消息起对所有人生效。"
SKIPPED = "⏭ 已跳过这一组；有人再问时它会再出现。"
BROKEN = "learned.yaml 有错误，改好之前不能教新问法（机器人照常用自带知识库回答）：\n{problems}"


def ago(seconds: float) -> str:
    """A short Chinese "how long ago"."""
    minutes = int(seconds // 60)
    if minutes < 1:
        return "刚刚"
    if minutes < 60:
        return f"{minutes} 分钟前"
    if minutes < 24 * 60:
        return f"{minutes // 60} 小时前"
    return f"{minutes // (24 * 60)} 天前"


def short(text: str, limit: int = MAX_LABEL) -> str:
    """Text cut to fit a button."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _said(knowledge: Knowledge, group: Group) -> str:
    """What the bot did with the latest question of the group."""
    last = group.last()
    entry = knowledge.by_id.get(last.entry_id or "")
    name = f"「{entry.question}」" if entry else "（已不在知识库里的条目）"
    if last.reason == "down":
        return f"回答了{name}，有人点了 👎"
    if last.reason == "unsure":
        return f"回答了{name}，但置信度只有 {last.score:.0f}"
    if entry is not None:
        return f"没答上（拒答），猜的是{name}"
    return "没答上（拒答），也没有可猜的条目"


def card(knowledge: Knowledge, group: Group, position: int, total: int, now: float) -> Part:
    """One group: the question, how often, what the bot said, and the buttons."""
    texts = group.texts
    where = "和".join(WHERE[c] for c in ("private", "group") if c in group.chats)
    lines = [
        f"📝 待审阅（第 {position} 组，共 {total} 组）",
        f"“{texts[0]}”",
        f"问了 {group.count} 次（{group.people} 人），最近一次 {ago(now - group.last_seen)}，"
        f"在{where or '私聊'}",
    ]
    if len(texts) > 1:
        others = "、".join(f"“{t}”" for t in texts[1 : 1 + SHOWN_OTHERS])
        more = f" 等 {len(texts) - 1} 种" if len(texts) - 1 > SHOWN_OTHERS else ""
        lines.append(f"同组的其他问法：{others}{more}")
    lines.append(f"机器人当时：{_said(knowledge, group)}")
    lines.append("这组问题该由哪条回答？")
    rows: list[tuple[Button, ...]] = [
        (Button(f"➕ 加为这条的问法：{short(knowledge.by_id[e].question)}", add(group.id, e)),)
        for e in group.nearest(set(knowledge.by_id))
    ]
    rows.append((Button("🔍 搜索其他条目", f"{REVIEW}:f:{group.id}"),))
    rows.append(
        (
            Button("🚫 应该拒答", f"{REVIEW}:d:{group.id}"),
            Button("⏭ 跳过", f"{REVIEW}:s:{group.id}"),
        )
    )
    return Part("text", "\n".join(lines), buttons=tuple(rows))


def add(group_id: int, entry_id: str) -> str:
    """The data of a button that teaches the group as phrasings of this entry."""
    return f"{REVIEW}:a:{group_id}:{entry_id}"


def search(knowledge: Knowledge, matcher: Matcher, words: str) -> list[Entry]:
    """Entries for the owner's words: the matcher's ranking, then entries whose question, lead or
    phrasings contain every word typed."""
    found = list(matcher.search(words, MAX_RESULTS))
    terms = [normalize(w) for w in words.split()] or [normalize(words)]
    terms = [t for t in terms if t]
    for entry in knowledge.entries:
        body = normalize(" ".join((*entry.phrasings, entry.lead)))
        if terms and all(t in body for t in terms) and entry not in found:
            found.append(entry)
    return found[:MAX_RESULTS]


def results(knowledge: Knowledge, matcher: Matcher, group_id: int, words: str) -> Part:
    """Search results as buttons that teach the group, or a line saying there are none."""
    found = search(knowledge, matcher, words)
    if not found:
        return Part("text", NO_RESULTS.format(words=short(words, 40)))
    rows = tuple((Button(short(e.question, 40), add(group_id, e.id)),) for e in found)
    return Part("text", RESULTS.format(words=short(words, 40)), buttons=rows)


def teachable(group: Group) -> list[str]:
    """The wordings taught for a group, the most frequent first."""
    return group.texts[:MAX_TEXTS]
