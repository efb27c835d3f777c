"""What the conversation layer hands the adapters: reply parts and buttons, as plain data.

A ``Part`` says what to show (an answer, a step of the guided choice, the comparison, a page of
questions, a line of text …) and which buttons go under it; each adapter renders it in its own
way (Telegram HTML and inline buttons, numbered lines in the terminal). A button's ``action`` is
the callback data Telegram sends back when it is pressed; ``link:choose`` is the link that opens
the private chat at the guided choice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from .choose import NEXT_ACTIONS, FlowOutput
from .knowledge import Entry, Knowledge
from .matcher import MAX_SUGGESTIONS, Context, Reply

# Callback data prefixes; the conversation layer reads them back when a button is pressed.
QUESTION = "q"  # q:<entry id>                 answer this entry
FEEDBACK = "fb"  # fb:<entry id>:up|down        a vote (feedback.py in Telegram)
COMPARE = "cmp"  # cmp                          the comparison
FAQ = "faq"  # faq:open|<page>                  the questions, a page at a time
CHOOSE = "ch"  # ch:start|o:<step>:<opt>|...    the guided choice
CHOOSE_LINK = "link:choose"  # not a callback: the link to the guided choice in a private chat

PAGE_SIZE = 8
FAQ_ORDER = ("compare", "ims", "amo")  # entry files listed first, in this order

PartKind = Literal[
    "reply", "step", "result", "text", "compare", "faq", "sources", "welcome", "help"
]


@dataclass(frozen=True)
class Button:
    """A button: what it says and what pressing it does."""

    label: str
    action: str


Rows = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True)
class Part:
    """One message to show: its kind, what it needs to be rendered, and its buttons."""

    kind: PartKind
    text: str = ""  # "text": the message; "step": what is said before the step
    reply: Reply | None = None  # "reply"
    flow: FlowOutput | None = None  # "step", "result"
    page: int = 0  # "faq": the page, 0-based; -1 for every question at once
    buttons: Rows = ()
    lead: str = ""  # a line shown before the part (a caption's note)
    edit: bool = False  # replaces the message whose button was pressed


def menu() -> Rows:
    """The three things the bot offers besides answering questions."""
    return (
        (
            Button("📊 两证对比", COMPARE),
            Button("🧭 帮我选", f"{CHOOSE}:start"),
            Button("❓ 常见问题", f"{FAQ}:open"),
        ),
    )


def question_rows(entries: Sequence[Entry]) -> Rows:
    """One button per entry question, each answering it when pressed."""
    return tuple((Button(e.question, f"{QUESTION}:{e.id}"),) for e in entries)


def reply_buttons(reply: Reply) -> Rows:
    """Buttons under a reply: guesses or related questions, then 👍/👎 under an answer."""
    if reply.kind in ("answer", "both") and reply.entry_id:
        votes = (
            Button("👍 有帮助", f"{FEEDBACK}:{reply.entry_id}:up"),
            Button("👎 没帮上", f"{FEEDBACK}:{reply.entry_id}:down"),
        )
        return (*question_rows(reply.suggestions), votes)
    if reply.kind == "fallback" and reply.suggestions:
        return question_rows(reply.suggestions)
    if reply.kind in ("fallback", "greeting"):
        return menu()
    return ()


def entry_reply(knowledge: Knowledge, entry: Entry) -> Reply:
    """A reply answering one entry directly (a pressed question button)."""
    related = tuple(knowledge.by_id[r] for r in entry.related if r in knowledge.by_id)
    return Reply(
        kind="answer",
        query=entry.question,
        entries=(entry,),
        score=100.0,
        suggestions=related[:MAX_SUGGESTIONS],
        context=Context(entry_id=entry.id, topic=entry.topic, certs=entry.certs),
    )


def faq_entries(knowledge: Knowledge) -> list[Entry]:
    """All entries, comparison first, then each certificate, then the background."""

    def rank(entry: Entry) -> int:
        stem = entry.file.rsplit("/", 1)[-1].removesuffix(".yaml")
        return FAQ_ORDER.index(stem) if stem in FAQ_ORDER else len(FAQ_ORDER)

    return sorted(knowledge.entries, key=rank)  # stable: file order within a group


def faq_pages(knowledge: Knowledge) -> int:
    """How many pages the questions fill."""
    return max(1, -(-len(knowledge.entries) // PAGE_SIZE))


def faq_part(knowledge: Knowledge, page: int, edit: bool = False) -> Part:
    """Page ``page`` (clamped) of the questions with 上一页/下一页; -1 lists them all."""
    entries = faq_entries(knowledge)
    if page < 0:
        return Part("faq", page=-1, buttons=question_rows(entries))
    pages = faq_pages(knowledge)
    page = min(page, pages - 1)
    rows = question_rows(entries[page * PAGE_SIZE : (page + 1) * PAGE_SIZE])
    nav: list[Button] = []
    if page > 0:
        nav.append(Button("◀️ 上一页", f"{FAQ}:{page - 1}"))
    if page < pages - 1:
        nav.append(Button("下一页 ▶️", f"{FAQ}:{page + 1}"))
    return Part("faq", page=page, buttons=(*rows, tuple(nav)) if nav else rows, edit=edit)


def compare_buttons(knowledge: Knowledge) -> Rows:
    """Buttons for the full answers behind the comparison, and the guided choice."""
    wanted = (
        ("📖 区别详解", "compare.difference"),
        ("💰 工资详解", "compare.salary"),
        ("🎯 适合谁详解", "compare.suitability"),
        ("🏅 哪个含金量高", "compare.value"),
    )
    found = [Button(label, f"{QUESTION}:{i}") for label, i in wanted if i in knowledge.by_id]
    rows = tuple(tuple(found[i : i + 2]) for i in range(0, len(found), 2))
    return (*rows, (Button("🧭 帮我选", f"{CHOOSE}:start"),))


def step_buttons(out: FlowOutput) -> Rows:
    """A button per option, then 上一步 (after the first step), 重新开始 and 取消."""
    view = out.step
    if view is None:
        return ()
    rows = tuple(
        (Button(f"{i}. {option.label}", f"{CHOOSE}:o:{view.id}:{option.id}"),)
        for i, option in enumerate(view.options, 1)
    )
    controls: list[Button] = []
    if view.number > 1:
        controls.append(Button("⬅️ 上一步", f"{CHOOSE}:back"))
    controls += [Button("🔄 重新开始", f"{CHOOSE}:restart"), Button("✖️ 取消", f"{CHOOSE}:cancel")]
    return (*rows, tuple(controls))


def result_buttons() -> Rows:
    """What to do after the result: the full comparison, ask a question, or choose again."""
    targets = {"compare": COMPARE, "ask": f"{CHOOSE}:ask", "restart": f"{CHOOSE}:restart"}
    return (tuple(Button(label, targets[a]) for a, label in NEXT_ACTIONS if a in targets),)


def sources_text(knowledge: Knowledge) -> str:
    """The articles, oldest first, with publisher, date and address, as plain text."""
    sources = sorted(knowledge.sources.values(), key=lambda s: s.date)
    lines = [f"我的回答只来自下面这{len(sources)}篇文章："]
    for i, source in enumerate(sources, 1):
        lines.append(f"{i}. 《{source.title}》，{source.publisher}，{source.date}\n   {source.url}")
    lines.append("文章里的数字和规定都是发布时的情况，报考前请向官方授权的机构确认最新要求。")
    return "\n".join(lines)
