"""/compare and the 两证对比 button: the two certificates side by side, built for a phone.

Each row is a short line per certificate (or one line for both), written for a phone screen
of about 35 characters, and names the knowledge entries it is drawn from. A test checks that
every number in a row appears in those entries (or in their sources' dates), and that each
figure or rule that only one article gives is dated, so the card says nothing the entries do not.
"""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from ..conversation import Command, Press
from ..knowledge import CERTS, Knowledge
from ..parts import Part
from ..render import sources_of
from .common import COMPARE, App, CallbackContext, Services
from .dialog import converse, renderer
from .html import bold, esc, source_line_html

MARKS = {"ims": "🟠", "amo": "🔵"}
TITLE = "📊 {ims} vs {amo}"
LEGEND = "🟠 {ims}　🔵 {amo}"
CAVEAT = "⚠️ 都是文章发布时的情况，报考前请向官方授权的机构确认。"


@dataclass(frozen=True)
class Row:
    """One aspect: a heading (with a note, e.g. whose figures), a line per certificate or one
    line for both, and the entries it is drawn from (for its sources and the check)."""

    heading: str
    facts: tuple[str, ...]
    ims: str = ""
    amo: str = ""
    shared: str = ""  # one line for both, after the heading
    note: str = ""  # after the heading, in brackets: the source and its date, a caveat


ROWS = (
    Row(
        "💰 平均工资",
        ("compare.salary",),
        ims="¥12.8K，10K-15K的人最多",
        amo="¥6.2K，6K-8K的人最多",
        note="2023年1月的文章，职工集数据，仅供参考",
    ),
    Row(
        "🧩 做什么",
        ("ims.definition", "amo.definition"),
        ims="为企业产品做多平台营销推广",
        amo="对信息做加工、分发、传播等运营",
    ),
    Row(
        "👥 工种",
        ("ims.duties", "amo.duties"),
        ims="选品员、直播销售员、视频创推员、平台管理员",
        amo="文章没有分工种，只列了五项职责",
    ),
    Row(
        "📶 等级",
        ("ims.levels", "amo.levels"),
        ims="五个（平台管理员三个，2022年2月的文章）",
        amo="三个：初级、中级、高级",
    ),
    Row(
        "🏢 颁证单位",
        ("ims.issuer", "amo.issuer"),
        ims="中国轻工业联合会",
        amo="国家广播电影电视总局广播影视人才交流中心",
    ),
    Row(
        "📝 报名",
        ("both.registration",),
        shared="都只能通过官方授权的机构，个人不能直接报（2023年1月的文章）",
    ),
    Row(
        "✅ 报考条件",
        ("ims.eligibility", "amo.eligibility"),
        shared=(
            "2023年1月的文章说两证都不限学历经验，满18周岁可报初级；"
            "2022年2月的文章给🟠按级列了学历和经验要求"
        ),
    ),
    Row(
        "🎯 适合谁",
        ("compare.suitability",),
        shared="文章没有直接说；按工作内容看，想卖货偏🟠，想做内容和运营偏🔵",
    ),
)


def row_html(row: Row) -> str:
    """One row as HTML: the heading in bold, then its lines."""
    head = bold(row.heading) + (f"（{esc(row.note)}）" if row.note else "")
    if row.shared:
        return f"{head}：{esc(row.shared)}"
    lines = [head]
    lines += [f"{MARKS[c]} {esc(text)}" for c, text in (("ims", row.ims), ("amo", row.amo))]
    return "\n".join(lines)


def compare_html(knowledge: Knowledge) -> str:
    """The whole comparison: title, legend, rows, caveat and one source line."""
    parts = [bold(TITLE.format(**CERTS)), esc(LEGEND.format(**CERTS))]
    parts += [row_html(row) for row in ROWS]
    entries = tuple(knowledge.by_id[f] for row in ROWS for f in row.facts if f in knowledge.by_id)
    parts.append(esc(CAVEAT))
    parts.append(source_line_html(sources_of(knowledge, entries)))
    return "\n".join(parts)


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
