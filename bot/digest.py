"""The owners' weekly digest as a reply part: the questions that fell back, 👎 by entry, the most
asked entries, and a button to /review. None when nothing happened since the last one."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta, timezone

from .knowledge import Knowledge
from .misses import Record, group_records
from .parts import Button, Part
from .review import REVIEW, short

BEIJING = timezone(timedelta(hours=8))  # the owners' clock (no tz database needed)
LISTED = 5


def _date(at: float) -> str:
    day = datetime.fromtimestamp(at, UTC).astimezone(BEIJING)
    return f"{day.month}月{day.day}日"


def digest(
    knowledge: Knowledge,
    misses: list[Record],
    asks: list[tuple[str, int]],
    since: float,
    now: float,
    to_review: int,
) -> Part | None:
    """The digest of ``misses`` and ``asks`` since ``since``; None when there is nothing new."""
    if not misses and not asks:
        return None

    def question(entry_id: str | None) -> str:
        entry = knowledge.by_id.get(entry_id or "")
        return short(entry.question, 30) if entry else str(entry_id)

    lines = [f"📬 每周小结（{_date(since)}–{_date(now)}）"]
    fell = [r for r in misses if r.reason == "fallback"]
    unsure = [r for r in misses if r.reason == "unsure"]
    down = [r for r in misses if r.reason == "down"]
    lines.append("")
    if fell:
        groups = group_records(fell)
        lines.append(f"没答上的问题：{len(fell)} 次，{len(groups)} 类")
        lines += [f"• “{short(g.texts[0], 30)}” ×{g.count}" for g in groups[:LISTED]]
    else:
        lines.append("没答上的问题：0")
    if unsure:
        lines.append(f"置信度偏低的回答：{len(unsure)} 次")
    if down:
        lines.append("👎 按条目：")
        votes = Counter(r.entry_id for r in down).most_common(LISTED)
        lines += [f"• {question(e)} 👎 {n}" for e, n in votes]
    if asks:
        lines.append(f"问得最多（共回答 {sum(n for _, n in asks)} 次）：")
        lines += [f"• {question(e)} {n} 次" for e, n in asks[:LISTED]]
    lines.append("")
    lines.append(f"待审阅：{to_review} 组。" if to_review else "没有待审阅的问题。")
    button = Button("📝 去审阅 /review", f"{REVIEW}:open")
    return Part("text", "\n".join(lines), buttons=((button,),))
