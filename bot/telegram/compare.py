"""/compare and the 两证对比 button: the two certificates side by side, built for a phone.

Every line is taken from a knowledge entry (its first sentence, or its bullet for one
certificate), so the comparison says nothing the entries do not. A row whose sentence cannot be
found (the knowledge changed) is left out and logged; a test checks that all rows are found.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from ..conversation import Command, Press
from ..knowledge import CERTS, Entry, Knowledge
from ..parts import Part
from ..render import sources_of
from .common import COMPARE, App, CallbackContext, Services
from .dialog import converse, renderer
from .html import bold, citation, esc, italic

logger = logging.getLogger(__name__)

MARKS = {"ims": "🟠", "amo": "🔵"}
TITLE = "📊 {ims} vs {amo}"
INTRO = "按两篇文章整理的要点。想看完整说法，点下面的按钮。"
CAVEAT = "⚠️ 数字和规定都是文章发布时（{dates}）的情况，之后可能有变化，报考前请向官方授权机构确认。"
_ATTRIBUTION = re.compile(r"^据[^，。]{0,30}的文章，")


@dataclass(frozen=True)
class Row:
    """One aspect: per-certificate lines (entry id, bullet label or None for the lead), a line
    shared by both, and a note in italics."""

    heading: str
    each: tuple[tuple[str, str | None], ...] = ()  # (entry id, bullet label), in CERTS order
    shared: tuple[str, str | None] | None = None
    note: tuple[str, str] | None = None  # (entry id, a word the note line contains)
    note_first: bool = False  # the note introduces the lines ("下面是…")


ROWS = (
    Row(
        "💰 工资",
        each=(("compare.salary", "互联网营销师"), ("compare.salary", "全媒体运营师")),
        note=("compare.salary", "职工集"),
    ),
    Row("🧩 做什么", each=(("ims.definition", None), ("amo.definition", None))),
    Row("👥 工种", each=(("ims.duties", None), ("amo.duties", None))),
    Row("📶 等级", each=(("ims.levels", None), ("amo.levels", None))),
    Row("🏢 发证单位", each=(("ims.issuer", None), ("amo.issuer", None))),
    Row("📝 怎么报名", shared=("both.registration", None)),
    Row("✅ 报考条件", shared=("compare.suitability", "门槛")),
    Row(
        "🎯 适合谁",
        each=(("compare.suitability", "互联网营销师"), ("compare.suitability", "全媒体运营师")),
        note=("compare.suitability", "没有直接说"),
        note_first=True,
    ),
)


def lead(entry: Entry) -> str:
    """The entry's first sentence, without the "据…的文章，" the sources block already gives."""
    first = entry.answer.splitlines()[0].strip()
    return _ATTRIBUTION.sub("", first)


def bullet(entry: Entry, label: str) -> str | None:
    """The text of the entry's bullet "• <label>：…", if it has one."""
    for line in entry.answer.splitlines():
        line = line.strip()
        if line.startswith(f"• {label}："):
            return line[len(f"• {label}：") :]
    return None


def note_line(entry: Entry, word: str) -> str | None:
    """The entry's line containing ``word``, without brackets."""
    for line in entry.answer.splitlines():
        if word in line:
            return line.strip().strip("（）()")
    return None


def _piece(knowledge: Knowledge, entry_id: str, label: str | None) -> str | None:
    entry = knowledge.by_id.get(entry_id)
    if entry is None:
        return None
    return lead(entry) if label is None else bullet(entry, label)


def _cert_line(cert: str, text: str) -> str:
    """A line for one certificate: its mark, and its name in bold (added when not leading)."""
    name = CERTS[cert]
    body = esc(text[len(name) :]) if text.startswith(name) else "：" + esc(text)
    return f"{MARKS[cert]} {bold(name)}{body}"


def row_html(knowledge: Knowledge, row: Row) -> tuple[str, set[str]] | None:
    """One row as HTML with the entry ids it used, or None when a piece is missing."""
    lines = [bold(row.heading)]
    used: set[str] = set()
    for cert, (entry_id, label) in zip(CERTS, row.each, strict=False):
        text = _piece(knowledge, entry_id, label)
        if text is None:
            return None
        lines.append(_cert_line(cert, text))
        used.add(entry_id)
    if row.shared is not None:
        text = _piece(knowledge, *row.shared)
        if text is None:
            return None
        lines.append(esc(text))
        used.add(row.shared[0])
    if row.note is not None:
        entry = knowledge.by_id.get(row.note[0])
        note = note_line(entry, row.note[1]) if entry else None
        if note is None:
            return None
        lines.insert(1 if row.note_first else len(lines), italic(note))
    return "\n".join(lines), used


def compare_html(knowledge: Knowledge) -> str:
    """The whole comparison: rows, caveat with the articles' dates, and the sources."""
    parts = [bold(TITLE.format(**CERTS)) + "\n" + esc(INTRO)]
    used: set[str] = set()
    for row in ROWS:
        built = row_html(knowledge, row)
        if built is None:
            logger.warning(
                "Comparison row %r left out: its sentence is not in the knowledge", row.heading
            )
            continue
        parts.append(built[0])
        used |= built[1]
    entries = tuple(knowledge.by_id[i] for i in sorted(used))
    sources = sources_of(knowledge, entries)
    parts.append(esc(CAVEAT.format(dates="、".join(s.date for s in sources))))
    parts.append(bold("来源") + "\n" + "\n".join(citation(s) for s in sources))
    return "\n\n".join(parts)


@renderer("compare")
def _compare(s: Services, part: Part, update: Update) -> str:
    return compare_html(s.knowledge)


async def compare(update: Update, context: CallbackContext) -> None:
    """/compare: the comparison."""
    await converse(update, context, Command("compare"))


async def compare_button(update: Update, context: CallbackContext) -> None:
    """The 两证对比 button: the comparison as a new message."""
    await converse(update, context, Press(COMPARE))


def register(app: App) -> None:
    """Add /compare and its button."""
    app.add_handler(CommandHandler("compare", compare))
    # In a group the data carries its owner: cmp|<user id> (common.py).
    app.add_handler(CallbackQueryHandler(compare_button, pattern=rf"^{COMPARE}(\|\d+)?$"))
