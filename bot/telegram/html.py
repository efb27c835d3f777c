"""Telegram HTML: the core's replies rendered with every piece of text escaped, and splitting.

Telegram accepts a small set of tags and the entities ``&lt; &gt; &amp; &quot;``; anything else
in a message is rejected. So text from the knowledge, from the flow and from the person is always
passed through :func:`esc`, and tags are only ever added here, around escaped text.
"""

from __future__ import annotations

import html
import re

from telegram.error import BadRequest

from ..knowledge import Knowledge, Source
from ..matcher import Reply
from ..render import (
    EMPTY,
    GREETINGS,
    SOURCE_LINE,
    SOURCE_SEPARATOR,
    answer_body,
    fallback_text,
    lead_text,
    sources_of,
)

MAX_MESSAGE = 4096  # Telegram's limit for one message's text
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)([^>]*)>")
_ENTITY = re.compile(r"&(?:[a-zA-Z]+|#[0-9]+|#x[0-9a-fA-F]+);")
_LINK = re.compile(r"<a\s[^>]*href=\"([^\"]*)\"[^>]*>(.*?)</a>", re.DOTALL)
_ANY_TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def esc(text: str) -> str:
    """Escape text for a Telegram HTML message."""
    return html.escape(text, quote=False)


def plain_text(markup: str) -> str:
    """Telegram HTML as plain text: links as "title (address)", tags dropped, entities decoded."""
    text = _LINK.sub(lambda m: f"{m.group(2)} ({m.group(1)})", markup)
    return html.unescape(_ANY_TAG.sub("", text))


def is_parse_error(error: BadRequest) -> bool:
    """True when Telegram refused a text because it could not parse its entities (our markup)."""
    return "can't parse entities" in error.message.lower()


def bold(text: str) -> str:
    """Escaped text in bold."""
    return f"<b>{esc(text)}</b>"


def italic(text: str) -> str:
    """Escaped text in italics."""
    return f"<i>{esc(text)}</i>"


def link(text: str, url: str) -> str:
    """An escaped link."""
    return f'<a href="{html.escape(url, quote=True)}">{esc(text)}</a>'


def expandable(html_text: str) -> str:
    """HTML (already escaped) in a quote Telegram shows collapsed until it is tapped."""
    return f"<blockquote expandable>{html_text}</blockquote>"


def source_line_html(sources: list[Source]) -> str:
    """ "来源：<a>山东专升本信息网</a>，2023-01-18", each publisher linked to its article."""
    linked = SOURCE_SEPARATOR.join(
        f"{link(s.short_publisher, s.url)}，{esc(s.date)}" for s in sources
    )
    return esc(SOURCE_LINE.split("{", 1)[0]) + linked


def answer_html(knowledge: Knowledge, reply: Reply) -> str:
    """An answer: the lead, the detail folded in an expandable quote, what the articles lack for
    another question asked, and one source line.

    Closed, the message is the lead, the first lines of the quote and the source line; the
    certificate headings of a side-by-side answer are in bold.
    """
    parts = []
    if reply.note:
        parts.append(italic(reply.note))
    if reply.kind == "both":
        parts.append("\n".join(_bold_label(esc(line)) for line in lead_text(reply).splitlines()))
        detail = "\n".join(_bold_label(esc(line)) for line in answer_body(reply).splitlines())
    else:
        parts.append(esc(lead_text(reply)))
        detail = esc(answer_body(reply))
    parts.append(expandable(detail))
    if reply.aside:
        parts.append(italic(reply.aside))
    parts.append(source_line_html(sources_of(knowledge, reply.entries)))
    return "\n".join(parts)


def _bold_label(line: str) -> str:
    """A line's leading "【…】" certificate heading in bold."""
    if line.startswith("【") and "】" in line:
        head, _, rest = line.partition("】")
        return f"<b>{head}】</b>{rest}"
    return line


def reply_html(knowledge: Knowledge, reply: Reply) -> str:
    """The text of a reply of any kind (the buttons come separately)."""
    if reply.kind == "empty":
        return esc(EMPTY)
    if reply.kind == "greeting":
        return esc(GREETINGS.get(reply.greeting or "hello", GREETINGS["hello"]))
    if reply.kind == "fallback":
        return esc(fallback_text(reply))
    return answer_html(knowledge, reply)


# --- splitting -------------------------------------------------------------------------------


def split_html(text: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Split an HTML message into parts of at most ``limit`` characters.

    Cuts at a blank line if it can, else at a line end, else between characters; never inside a
    tag or an entity. A tag open at a cut is closed at the end of one part and opened again at
    the start of the next, so every part is valid on its own.
    """
    parts: list[str] = []
    rest = text.strip("\n")
    while _length(rest) > limit:
        cut, stack = _cut_point(rest, limit)
        head = rest[:cut].rstrip("\n") + "".join(f"</{name}>" for name, _ in reversed(stack))
        reopen = "".join(f"<{name}{attrs}>" for name, attrs in stack)
        parts.append(head)
        rest = reopen + rest[cut:].lstrip("\n")
    if rest:
        parts.append(rest)
    return parts


def _length(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units); tags counted too, to be safe."""
    return len(text.encode("utf-16-le")) // 2


def _cut_point(text: str, limit: int) -> tuple[int, list[tuple[str, str]]]:
    """The best place to cut ``text`` so that the first part fits, with the tags open there."""
    stack: list[tuple[str, str]] = []
    best: dict[str, tuple[int, list[tuple[str, str]], int]] = {}
    used = 0
    i = 0
    while i < len(text):
        # Room needed to close whatever is open if we cut here.
        closing = sum(len(name) + 3 for name, _ in stack)
        if used + closing > limit:
            break
        if i > 0:
            snapshot = (i, list(stack), used)
            if text.startswith("\n\n", i) and not stack:
                best["paragraph"] = snapshot
            if text[i] == "\n":
                best["line" if not stack else "line_in_tag"] = snapshot
            best["char"] = snapshot
        tag = _TAG.match(text, i) if text[i] == "<" else None
        entity = _ENTITY.match(text, i) if text[i] == "&" else None
        if tag:
            closing_tag, name, attrs = tag.group(1), tag.group(2).lower(), tag.group(3)
            if closing_tag:
                if stack and stack[-1][0] == name:
                    stack.pop()
            else:
                stack.append((name, attrs))
            step = tag.end() - i
        elif entity:
            step = entity.end() - i
        else:
            step = 1
        used += _length(text[i : i + step])
        i += step
    # Prefer a blank line, then a line end, if the part stays at least half full; then any line
    # end at all; a cut inside a line only for a line longer than the limit.
    for kind, least in (
        ("paragraph", limit // 2),
        ("line", limit // 2),
        ("line_in_tag", limit // 2),
        ("line", 1),
        ("line_in_tag", 1),
        ("char", 1),
    ):
        if kind in best and best[kind][2] >= least:
            cut, open_tags, _ = best[kind]
            return cut, open_tags
    raise ValueError("message cannot be split: a single tag is longer than the limit")
