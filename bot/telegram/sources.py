"""/sources: the two articles every answer comes from, with their dates and a caveat."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler

from ..conversation import Command
from ..knowledge import Knowledge
from ..parts import Part
from .common import App, CallbackContext, Services
from .dialog import converse, renderer
from .html import bold, esc, link

INTRO = "我的回答只来自下面这{count}篇文章，每个回答都会注明出自哪一篇："
CAVEAT = (
    "⚠️ 文章里的数字（比如工资）和规定（比如报考条件、报名方式、费用）都是文章发布时的情况，"
    "之后可能已经变了。报考前，请向官方授权的机构确认最新要求。"
)


def sources_html(knowledge: Knowledge) -> str:
    """The articles, oldest first, each with publisher and date, and the caveat."""
    sources = sorted(knowledge.sources.values(), key=lambda s: s.date)
    lines = [bold("📚 资料来源"), esc(INTRO.format(count=_count(len(sources)))), ""]
    for i, source in enumerate(sources, 1):
        lines.append(f"{i}. {link('《' + source.title + '》', source.url)}")
        lines.append(f"   {esc(source.publisher)}，发布于 {esc(source.date)}")
    lines += ["", esc(CAVEAT)]
    return "\n".join(lines)


def _count(n: int) -> str:
    return "两" if n == 2 else str(n)


@renderer("sources")
def _sources(s: Services, part: Part, update: Update) -> str:
    return sources_html(s.knowledge)


async def sources(update: Update, context: CallbackContext) -> None:
    """/sources: list the articles."""
    await converse(update, context, Command("sources"))


def register(app: App) -> None:
    """Add /sources."""
    app.add_handler(CommandHandler("sources", sources))
