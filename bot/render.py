"""Plain-text wording of the core's replies, shared by the command line and the adapters."""

from __future__ import annotations

from .knowledge import CERTS, Entry, Knowledge, Source
from .matcher import Reply

GREETINGS = {
    "hello": (
        "您好！我是互联网营销师和全媒体运营师的咨询助手。\n"
        "可以问我工资待遇、报考条件、等级、报名方式和费用、发证单位、两证区别等，"
        "也可以让我帮您在两个证书之间做选择。"
    ),
    "thanks": "不客气！还有问题随时问我。",
    "bye": "再见，祝您考证顺利！",
}
EMPTY = "请直接输入您的问题，例如：互联网营销师工资多少？"
NOT_KNOWN = "抱歉，这个问题不在我的资料里，我不想乱说。"
CAN_ANSWER = (
    "我能回答的是互联网营销师和全媒体运营师这两个证书的：是什么、工种和工作内容、工资待遇、"
    "等级和报考条件、报名方式和费用、发证单位、前景、两证对比，以及互联网营销师培训市场的情况。"
)
SUGGEST_HEADING = "您是不是想问："
RELATED_HEADING = "您可能还想问："
SOURCES_HEADING = "来源"


def sources_of(knowledge: Knowledge, entries: tuple[Entry, ...]) -> list[Source]:
    """The distinct sources cited by these entries, oldest first."""
    keys = {key for e in entries for key in e.sources}
    return sorted((knowledge.sources[k] for k in keys), key=lambda s: s.date)


def answer_body(reply: Reply) -> str:
    """The answer text: one entry, or two side by side under certificate headings."""
    if reply.kind == "both":
        parts = [f"【{CERTS[e.certs[0]]}】\n{e.answer}" for e in reply.entries]
        return "\n\n".join(parts)
    return reply.entries[0].answer


def fallback_text(reply: Reply) -> str:
    """The honest "not in my knowledge" reply, saying what the bot can answer."""
    lines = [NOT_KNOWN]
    if reply.note:
        lines.append(reply.note)
    lines.append(CAN_ANSWER)
    return "\n".join(lines)


def render_text(knowledge: Knowledge, reply: Reply) -> str:
    """The whole reply as plain text, as a person reads it in a terminal."""
    if reply.kind == "empty":
        return EMPTY
    if reply.kind == "greeting":
        return GREETINGS.get(reply.greeting or "hello", GREETINGS["hello"])
    if reply.kind == "fallback":
        text = fallback_text(reply)
        if reply.suggestions:
            text += "\n\n" + SUGGEST_HEADING + "\n" + _numbered(reply.suggestions)
        return text
    parts = []
    if reply.note:
        parts.append(reply.note)
    parts.append(answer_body(reply))
    cites = [f"• {s.cite()}\n  {s.url}" for s in sources_of(knowledge, reply.entries)]
    parts.append(f"{SOURCES_HEADING}：\n" + "\n".join(cites))
    if reply.suggestions:
        parts.append(RELATED_HEADING + "\n" + _numbered(reply.suggestions))
    return "\n\n".join(parts)


def _numbered(entries: tuple[Entry, ...]) -> str:
    return "\n".join(f"{i}. {e.question}" for i, e in enumerate(entries, 1))
