"""Plain-text wording of the core's replies, shared by the command line and the adapters."""

from __future__ import annotations

from .knowledge import CERTS, Entry, Knowledge, Source
from .matcher import Reply

GREETINGS = {
    "hello": (
        "您好！我是互联网营销师和全媒体运营师的咨询助手。\n"
        "可以问我工资待遇、报考条件、等级、报名方式、互联网营销师的费用、发证单位、两证区别等，"
        "也可以让我帮您在两个证书之间做选择。"
    ),
    "thanks": "不客气！还有问题随时问我。",
    "bye": "再见，祝您考证顺利！",
    "about": (
        "我是自动回答的咨询助手，不属于任何培训机构，不收费，也不代人报名。"
        "我的回答只来自两篇公开文章（36氪2022年2月、山东专升本信息网2023年1月），每条都注明出处。"
    ),
}
EMPTY = "请直接输入您的问题，例如：互联网营销师工资多少？"
NOT_KNOWN = "抱歉，这个问题不在我的资料里，我不想乱说。"
CAN_ANSWER = (
    "我能回答的是互联网营销师和全媒体运营师这两个证书的：是什么、工种和工作内容、工资待遇、"
    "等级和报考条件、报名方式、发证单位、前景、两证对比，互联网营销师的费用举例，"
    "以及互联网营销师培训市场的情况。"
)
SUGGEST_HEADING = "您是不是想问："
RELATED_HEADING = "您可能还想问："
SOURCES_HEADING = "来源"
SOURCE_LINE = "来源：{sources}"  # one compact line; the full citations are in /sources
SOURCE_SEPARATOR = "；"


def sources_of(knowledge: Knowledge, entries: tuple[Entry, ...]) -> list[Source]:
    """The distinct sources cited by these entries, oldest first."""
    keys = {key for e in entries for key in e.sources}
    return sorted((knowledge.sources[k] for k in keys), key=lambda s: s.date)


def source_line(sources: list[Source]) -> str:
    """ "来源：山东专升本信息网，2023-01-18": publisher and date of each source, oldest first."""
    return SOURCE_LINE.format(
        sources=SOURCE_SEPARATOR.join(f"{s.short_publisher}，{s.date}" for s in sources)
    )


def cert_label(entry: Entry) -> str:
    """ "【互联网营销师】": the heading of one side of a side-by-side answer."""
    return f"【{CERTS[entry.certs[0]]}】"


def lead_text(reply: Reply) -> str:
    """The direct answer: the entry's lead, or each certificate's lead side by side."""
    if reply.kind == "both":
        return "\n".join(f"{cert_label(e)}{e.lead}" for e in reply.entries)
    return reply.entries[0].lead


def answer_body(reply: Reply) -> str:
    """The detail under the lead: one entry's, or two side by side under certificate headings."""
    if reply.kind == "both":
        parts = [f"{cert_label(e)}\n{e.answer}" for e in reply.entries]
        return "\n\n".join(parts)
    return reply.entries[0].answer


def fallback_text(reply: Reply) -> str:
    """The honest "not in my knowledge" reply: what is missing, or what the bot can answer."""
    # With a note the reply says what exactly is missing (and the buttons offer the nearest
    # answer); the list of what the bot can answer is for questions it cannot place at all.
    return "\n".join([NOT_KNOWN, reply.note] if reply.note else [NOT_KNOWN, CAN_ANSWER])


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
    parts.append(lead_text(reply))
    parts.append(answer_body(reply))
    if reply.aside:
        parts.append(reply.aside)
    parts.append(source_line(sources_of(knowledge, reply.entries)))
    if reply.suggestions:
        parts.append(RELATED_HEADING + "\n" + _numbered(reply.suggestions))
    return "\n\n".join(parts)


def _numbered(entries: tuple[Entry, ...]) -> str:
    return "\n".join(f"{i}. {e.question}" for i, e in enumerate(entries, 1))
