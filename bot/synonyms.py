"""The matching rules as data: ``knowledge/synonyms.yaml``, loaded and validated.

Every word list that steers matching lives in that file, beside the entries. The loader checks it
the way a content editor needs: an unknown section or field, a wrong type, a word listed twice or
under two topics, a reference to nothing — each reported as ``file:line: problem``, all at once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .yamlread import LINE_KEY, line_of

CERTS: dict[str, str] = {"ims": "互联网营销师", "amo": "全媒体运营师"}


@dataclass(frozen=True)
class Topic:
    """A subject people ask about, with the words that signal it."""

    key: str
    label: str
    words: tuple[str, ...]  # signal the topic and show the message is about the certificates
    asks: tuple[str, ...] = ()  # question forms: signal the topic, but are no evidence of domain
    patterns: tuple[re.Pattern[str], ...] = ()  # like words, for open forms ("今年17")
    generic: bool = False  # a question form ("是什么"), yielding to any specific topic
    named: bool = False  # a person or event: mentioned at all, it is what the message is about
    refines: tuple[str, ...] = ()  # in a follow-up, narrows these topics instead of replacing them
    role: bool = False  # one job within a certificate (选品员): its label is a title people use
    # The training business around a certificate (培训机构), not one of the certificate's own
    # facts: that the articles give it for one certificate says nothing missing of the other.
    market: bool = False
    # The topic whose side-by-side entry answers a comparison of this one ("哪个更有前景" is
    # answered by the entry weighing the two certificates' value).
    compared_in: str = ""
    # Forms that make this topic the question whatever else the message names ("就是主播吗"
    # asks what the certificate is; the words it is likened to only inform).
    focus: tuple[re.Pattern[str], ...] = ()


@dataclass(frozen=True)
class Shift:
    """With one of ``when`` in the message, topic ``source`` means topic ``target``; with
    ``after``, only in a follow-up to an answer on one of those topics."""

    when: tuple[str, ...]
    source: str
    target: str
    after: tuple[str, ...] = ()


@dataclass(frozen=True)
class OutOfScope:
    """A pattern for questions the articles cannot answer, with the reason shown to the user."""

    pattern: re.Pattern[str]
    reason: str
    anywhere: bool = False  # searched in the whole message, story included, not only the question


@dataclass(frozen=True)
class Synonyms:
    """Names for the certificates, words for topics, and the rules that read a message."""

    cert_aliases: Mapping[str, tuple[str, ...]]
    topics: Mapping[str, Topic]
    compare_words: tuple[str, ...]
    followup_words: tuple[str, ...]
    fillers: tuple[str, ...]
    greetings: Mapping[str, tuple[str, ...]]
    replacements: Mapping[str, str]
    domain_words: tuple[str, ...]
    out_of_scope: tuple[OutOfScope, ...]
    own_titles: tuple[str, ...] = ()
    cert_hints: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    generic_titles: tuple[str, ...] = ()
    # Kinds of certificate (资格证, 证书): a title ending in one is generic only when nothing but
    # lead-in words (title_leads: 这个, 什么, 考) come before it ("考什么资格证", not "护士资格证").
    title_kinds: tuple[str, ...] = ()
    title_leads: tuple[str, ...] = ()
    # Words that join another title to ours ("电商师和营销师", "数据分析师证跟全媒体运营师证"): the
    # message compares the two, so it asks about the other one too.
    title_joins: tuple[str, ...] = ()
    other_title: re.Pattern[str] | None = None
    prerequisite_titles: tuple[str, ...] = ()
    # How one thing bears on another ("有什么关系"): a generic question form only of two things
    # the message weighs, not of one certificate and something else.
    relation_words: tuple[str, ...] = ()
    question_words: tuple[str, ...] = ()
    background_words: tuple[str, ...] = ()
    left_words: tuple[str, ...] = ()  # right after a title: the person left that job (厨师转行)
    leading_verbs: tuple[str, ...] = ()
    title_levels: tuple[str, ...] = ()  # "会计初级证": a level between a title and its kind
    pursue_verbs: tuple[str, ...] = ()  # a title right after one is what the person is after
    done_marks: tuple[str, ...] = ()  # after a pursue verb: already done (考过, 拿了)
    object_verbs: tuple[str, ...] = ()
    claim_check: re.Pattern[str] | None = None
    reported: re.Pattern[str] | None = None  # a clause telling what someone said ("学姐说……")
    reply_request: re.Pattern[str] | None = None  # a clause asking how to answer ("一句话说清楚")
    measured: re.Pattern[str] | None = None  # one thing measured against another (比……高)
    about_bot: re.Pattern[str] | None = None  # a question about the bot itself (你是谁)
    not_subject: re.Pattern[str] | None = None  # words before a topic that name no subject
    difference_entry: str = ""
    domain_phrases: tuple[str, ...] = ()  # words of the field that are no typo targets
    domain_pattern: re.Pattern[str] | None = None  # open forms of the field ("拿了证")
    conversation: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # word lists by use
    typo_exempt: tuple[str, ...] = ()  # a word holding one of these is no typo target
    typo_words: tuple[str, ...] = ()  # two-character typo targets that are no evidence
    pronouns: tuple[str, ...] = ()  # stand for the person or event just talked about
    situations: tuple[str, ...] = ()  # after a pronoun: the person's own case ("她这种")
    lookalikes: tuple[str, ...] = ()  # everyday words that hold a word of the field
    qualifiable_aliases: tuple[str, ...] = ()  # short names that a trade before them takes over
    trades: tuple[str, ...] = ()  # trades whose own 营销员/营销师 are other jobs
    shifts: tuple[Shift, ...] = ()  # a qualifier that moves a topic to a narrower one
    # Replacements applied to the message as typed, before it is converted to Simplified
    # (Cantonese 係 would otherwise become the everyday 系).
    raw_replacements: Mapping[str, str] = field(default_factory=dict)
    set_aside: re.Pattern[str] | None = None  # a span whose topics are not asked ("除了主播")
    # A span naming a certificate only as a point of reference ("像营销师那样"): the other one
    # named is what the message is about.
    reference: re.Pattern[str] | None = None
    # A certificate named as what the other is measured against ("跟@比呢", "比@高吗"), each
    # certificate's name written as @: the message compares the two.
    compare_pattern: re.Pattern[str] | None = None
    roles_topic: str = ""  # the topic covering every role, asked when several roles are
    other_cert_words: tuple[str, ...] = ()  # "那另一个证呢": the certificate not being discussed
    pointer_words: tuple[str, ...] = ()  # "那它能跨级考吗": the certificate being discussed
    role_pointer_words: tuple[str, ...] = ()  # "这个工种": the one job the message names
    spoken_breaks: tuple[str, ...] = ()  # where a voice-typed run-on would have a comma (然后)
    reason_openings: tuple[str, ...] = ()  # a clause opening so gives a reason (因为)


# Section name -> kind. Kinds: words (a list of strings), pattern (one regex), id (an entry id).
_SECTIONS: dict[str, str] = {
    "certificates": "certificates",
    "cert_hints": "per_cert",
    "own_titles": "words",
    "generic_titles": "words",
    "title_kinds": "words",
    "title_leads": "words",
    "title_joins": "words",
    "other_title_pattern": "pattern",
    "prerequisite_titles": "words",
    "relation_words": "words",
    "compare_words": "words",
    "followup_words": "words",
    "fillers": "words",
    "question_words": "words",
    "background_words": "words",
    "left_words": "words",
    "leading_verbs": "words",
    "pursue_verbs": "words",
    "title_levels": "words",
    "done_marks": "words",
    "object_verbs": "words",
    "claim_check_pattern": "pattern",
    "reported_speech_pattern": "pattern",
    "reply_request_pattern": "pattern",
    "measured_pattern": "pattern",
    "about_bot_pattern": "pattern",
    "not_subject_pattern": "pattern",
    "greetings": "greetings",
    "replacements": "replacements",
    "raw_replacements": "replacements",
    "set_aside_pattern": "pattern",
    "reference_pattern": "pattern",
    "compare_pattern": "pattern",
    "roles_topic": "topic",
    "other_cert_words": "words",
    "pointer_words": "words",
    "role_pointer_words": "words",
    "spoken_breaks": "words",
    "reason_openings": "words",
    "domain_words": "words",
    "domain_phrases": "words",
    "domain_pattern": "pattern",
    "difference_entry": "id",
    "out_of_scope": "out_of_scope",
    "topics": "topics",
    "conversation": "word lists by use",
    "typo_exempt": "words",
    "typo_words": "words",
    "pronouns": "words",
    "situations": "words",
    "lookalikes": "words",
    "qualifiable_aliases": "words",
    "trades": "words",
    "shifts": "topic shifts",
}
_REQUIRED = ("certificates", "topics", "compare_words", "followup_words", "fillers")
_TOPIC_FIELDS = {
    "label": "text",
    "words": "words",
    "asks": "words",
    "patterns": "patterns",
    "generic": "flag",
    "named": "flag",
    "refines": "words",
    "role": "flag",
    "market": "flag",
    "focus": "patterns",
    "compared_in": "text",
}


class _Reader:
    """Collects problems while reading one synonyms file."""

    def __init__(self, name: str, problems: list[str]) -> None:
        self.name = name
        self.problems = problems

    def problem(self, line: int, message: str) -> None:
        self.problems.append(
            f"{self.name}:{line}: {message}" if line else f"{self.name}: {message}"
        )

    def words(self, value: Any, what: str, line: int) -> tuple[str, ...]:
        """A list of non-empty strings, each once; anything else is reported."""
        if value is None:
            return ()
        if not isinstance(value, list):
            self.problem(line, f"{what} must be a list of words, not {type(value).__name__}")
            return ()
        out: list[str] = []
        for item in value:
            at = line_of(item, line)
            if not isinstance(item, str) or not item.strip():
                self.problem(at, f"{what}: {item!r} is not a word")
            elif item.strip() in out:
                self.problem(at, f"{what}: '{item.strip()}' is listed twice")
            else:
                out.append(item.strip())
        return tuple(out)

    def pattern(self, value: Any, what: str, line: int) -> re.Pattern[str] | None:
        """A compiled regular expression, or None with the problem reported."""
        if not isinstance(value, str) or not value:
            self.problem(line_of(value, line), f"{what} must be a regular expression")
            return None
        try:
            return re.compile(value)
        except re.error as exc:
            self.problem(line_of(value, line), f"{what}: bad pattern: {exc}")
            return None

    def patterns(self, value: Any, what: str, line: int) -> tuple[re.Pattern[str], ...]:
        """A list of regular expressions; anything else is reported."""
        if value is None:
            return ()
        if not isinstance(value, list):
            self.problem(line, f"{what} must be a list of patterns")
            return ()
        compiled = (self.pattern(p, what, line) for p in value)
        return tuple(p for p in compiled if p is not None)

    def flag(self, value: Any, what: str, line: int) -> bool:
        if value is None:
            return False
        if not isinstance(value, bool):
            self.problem(line, f"{what} must be true or false, not {value!r}")
            return False
        return value

    def per_cert(self, value: Any, what: str, line: int) -> dict[str, tuple[str, ...]]:
        if not isinstance(value, dict):
            self.problem(line, f"{what} must map certificates to word lists")
            return {}
        out: dict[str, tuple[str, ...]] = {}
        for cert, words in value.items():
            if cert == LINE_KEY:
                continue
            if cert not in CERTS:
                self.problem(line_of(cert, line), f"{what}: unknown certificate '{cert}'")
                continue
            out[str(cert)] = self.words(words, f"{what} '{cert}'", line_of(cert, line))
        return out


def _topics(r: _Reader, value: Any, line: int) -> dict[str, Topic]:
    if not isinstance(value, dict):
        r.problem(line, "topics must be a mapping of topic keys")
        return {}
    topics: dict[str, Topic] = {}
    for key, item in value.items():
        if key == LINE_KEY:
            continue
        at = line_of(item, line_of(key, line))
        if not isinstance(item, dict):
            r.problem(at, f"topic '{key}' must be a mapping")
            continue
        for unknown in sorted(str(k) for k in item if k not in _TOPIC_FIELDS and k != LINE_KEY):
            r.problem(line_of(unknown, at), f"topic '{key}' has unknown field '{unknown}'")
        label = item.get("label")
        words = r.words(item.get("words"), f"topic '{key}' words", at)
        asks = r.words(item.get("asks"), f"topic '{key}' asks", at)
        if not isinstance(label, str) or not label.strip():
            r.problem(at, f"topic '{key}' needs a 'label'")
            continue
        if not words and not asks and not item.get("patterns"):
            r.problem(at, f"topic '{key}' needs some 'words'")
            continue
        patterns = r.patterns(item.get("patterns"), f"topic '{key}' patterns", at)
        focus = r.patterns(item.get("focus"), f"topic '{key}' focus", at)
        compared_in = item.get("compared_in", "")
        if not isinstance(compared_in, str):
            r.problem(at, f"topic '{key}' compared_in must be a topic name")
            compared_in = ""
        topics[str(key)] = Topic(
            key=str(key),
            label=label.strip(),
            words=words,
            asks=asks,
            patterns=patterns,
            focus=focus,
            generic=r.flag(item.get("generic"), f"topic '{key}' generic", at),
            named=r.flag(item.get("named"), f"topic '{key}' named", at),
            refines=r.words(item.get("refines"), f"topic '{key}' refines", at),
            role=r.flag(item.get("role"), f"topic '{key}' role", at),
            market=r.flag(item.get("market"), f"topic '{key}' market", at),
            compared_in=compared_in,
        )
    # A word under two topics makes the topic depend on which list happens to be read first.
    owner: dict[str, str] = {}
    for topic in topics.values():
        for word in (*topic.words, *topic.asks):
            if word in owner and owner[word] != topic.key:
                r.problem(
                    line_of(word, line),
                    f"'{word}' is a word of topic '{owner[word]}' and of topic '{topic.key}'",
                )
            else:
                owner[word] = topic.key
            if word in topic.words and word in topic.asks:
                r.problem(
                    line_of(word, line), f"topic '{topic.key}': '{word}' is in words and asks"
                )
    for topic in topics.values():
        if topic.compared_in and topic.compared_in not in topics:
            r.problem(
                line_of(topic.compared_in, line),
                f"topic '{topic.key}' compared_in unknown topic '{topic.compared_in}'",
            )
        for ref in topic.refines:
            if ref not in topics:
                r.problem(line_of(ref, line), f"topic '{topic.key}' refines unknown topic '{ref}'")
    return topics


def _out_of_scope(r: _Reader, value: Any, line: int) -> tuple[OutOfScope, ...]:
    if not isinstance(value, list):
        r.problem(line, "out_of_scope must be a list of pattern/reason items")
        return ()
    out = []
    for item in value:
        at = line_of(item, line)
        if not isinstance(item, dict) or not item.get("pattern") or not item.get("reason"):
            r.problem(at, "out_of_scope items need 'pattern' and 'reason'")
            continue
        extra = sorted(str(k) for k in item if k not in ("pattern", "reason", "anywhere", LINE_KEY))
        for unknown in extra:
            r.problem(at, f"out_of_scope item has unknown field '{unknown}'")
        pattern = r.pattern(item["pattern"], "out_of_scope pattern", at)
        if pattern is not None:
            anywhere = r.flag(item.get("anywhere"), "out_of_scope anywhere", at)
            out.append(OutOfScope(pattern, str(item["reason"]).strip(), anywhere))
    return tuple(out)


def _greetings(r: _Reader, value: Any, line: int) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, dict):
        r.problem(line, "greetings must map kinds (hello, thanks, bye) to word lists")
        return {}
    return {
        str(kind): r.words(words, f"greetings '{kind}'", line_of(kind, line))
        for kind, words in value.items()
        if kind != LINE_KEY
    }


def _shifts(r: _Reader, value: Any, line: int, topics: Mapping[str, Topic]) -> tuple[Shift, ...]:
    if not isinstance(value, list):
        r.problem(line, "shifts must be a list of {when, from, to} items")
        return ()
    out = []
    for item in value:
        at = line_of(item, line)
        if not isinstance(item, dict) or set(item) - {"when", "from", "to", "after", LINE_KEY}:
            r.problem(at, "shifts items have 'when', 'from', 'to' and optionally 'after'")
            continue
        when = r.words(item.get("when"), "shifts 'when'", at)
        after = r.words(item.get("after") or [], "shifts 'after'", at)
        source, target = item.get("from"), item.get("to")
        for ref in (source, target, *after):
            if ref not in topics:
                r.problem(at, f"shifts: unknown topic {ref!r}")
        if when and source in topics and target in topics and set(after) <= set(topics):
            out.append(Shift(when, str(source), str(target), after))
    return tuple(out)


def _word_lists(r: _Reader, value: Any, line: int) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, dict):
        r.problem(line, "conversation must map uses to word lists")
        return {}
    return {
        str(use): r.words(words, f"conversation '{use}'", line_of(use, line))
        for use, words in value.items()
        if use != LINE_KEY
    }


def _replacements(r: _Reader, value: Any, line: int, what: str = "replacements") -> dict[str, str]:
    if not isinstance(value, dict):
        r.problem(line, f"{what} must map words to words")
        return {}
    out: dict[str, str] = {}
    for key, target in value.items():
        if key == LINE_KEY:
            continue
        if not isinstance(key, str) or not isinstance(target, str) or not key or not target:
            r.problem(line_of(key, line), f"{what}: {key!r}: {target!r} must be two words")
        else:
            out[key] = target
    return out


def _certificates(r: _Reader, value: Any, line: int) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, dict):
        r.problem(line, "certificates must map ims and amo to their aliases")
        return {}
    out: dict[str, tuple[str, ...]] = {}
    for cert, item in value.items():
        if cert == LINE_KEY:
            continue
        at = line_of(item, line_of(cert, line))
        if cert not in CERTS:
            r.problem(at, f"unknown certificate '{cert}'")
            continue
        aliases = r.words(item.get("aliases") if isinstance(item, dict) else None, cert, at)
        if not aliases:
            r.problem(at, f"certificate '{cert}' needs a list of aliases")
        else:
            out[str(cert)] = aliases
    return out


def parse_synonyms(data: Any, name: str, problems: list[str]) -> Synonyms | None:
    """Validate the parsed synonyms file; None (with problems recorded) when it is unusable."""
    r = _Reader(name, problems)
    if not isinstance(data, dict):
        r.problem(0, "expected a mapping")
        return None
    for key in data:
        if key != LINE_KEY and key not in _SECTIONS:
            r.problem(line_of(key), f"unknown section '{key}'")
    missing = [k for k in _REQUIRED if k not in data]
    if missing:
        r.problem(0, f"missing section(s): {', '.join(missing)}")
        return None

    def at(key: str) -> int:
        return next((line_of(k) for k in data if k == key), 0)

    def words(key: str) -> tuple[str, ...]:
        return r.words(data.get(key), key, at(key))

    def pattern(key: str) -> re.Pattern[str] | None:
        return r.pattern(data[key], key, at(key)) if key in data else None

    roles_topic = data.get("roles_topic") or ""
    if not isinstance(roles_topic, str):
        r.problem(at("roles_topic"), "roles_topic must be a topic key")
        roles_topic = ""
    difference = data.get("difference_entry") or ""
    if not isinstance(difference, str):
        r.problem(at("difference_entry"), "difference_entry must be an entry id")
        difference = ""
    topics = _topics(r, data["topics"], at("topics"))
    if roles_topic and roles_topic not in topics:
        r.problem(at("roles_topic"), f"roles_topic: unknown topic '{roles_topic}'")
        roles_topic = ""
    return Synonyms(
        cert_aliases=_certificates(r, data["certificates"], at("certificates")),
        topics=topics,
        compare_words=words("compare_words"),
        followup_words=words("followup_words"),
        fillers=words("fillers"),
        greetings=_greetings(r, data.get("greetings") or {}, at("greetings")),
        replacements=_replacements(r, data.get("replacements") or {}, at("replacements")),
        raw_replacements=_replacements(
            r, data.get("raw_replacements") or {}, at("raw_replacements"), "raw_replacements"
        ),
        set_aside=pattern("set_aside_pattern"),
        reference=pattern("reference_pattern"),
        compare_pattern=pattern("compare_pattern"),
        roles_topic=roles_topic,
        other_cert_words=words("other_cert_words"),
        pointer_words=words("pointer_words"),
        role_pointer_words=words("role_pointer_words"),
        spoken_breaks=words("spoken_breaks"),
        reason_openings=words("reason_openings"),
        domain_words=words("domain_words"),
        out_of_scope=_out_of_scope(r, data.get("out_of_scope") or [], at("out_of_scope")),
        own_titles=words("own_titles"),
        cert_hints=r.per_cert(data.get("cert_hints") or {}, "cert_hints", at("cert_hints")),
        generic_titles=words("generic_titles"),
        title_kinds=words("title_kinds"),
        title_leads=words("title_leads"),
        title_joins=words("title_joins"),
        other_title=pattern("other_title_pattern"),
        prerequisite_titles=words("prerequisite_titles"),
        relation_words=words("relation_words"),
        question_words=words("question_words"),
        background_words=words("background_words"),
        left_words=words("left_words"),
        leading_verbs=words("leading_verbs"),
        pursue_verbs=words("pursue_verbs"),
        title_levels=words("title_levels"),
        done_marks=words("done_marks"),
        object_verbs=words("object_verbs"),
        claim_check=pattern("claim_check_pattern"),
        reported=pattern("reported_speech_pattern"),
        reply_request=pattern("reply_request_pattern"),
        measured=pattern("measured_pattern"),
        about_bot=pattern("about_bot_pattern"),
        not_subject=pattern("not_subject_pattern"),
        difference_entry=str(difference),
        domain_phrases=words("domain_phrases"),
        domain_pattern=pattern("domain_pattern"),
        typo_exempt=words("typo_exempt"),
        typo_words=words("typo_words"),
        pronouns=words("pronouns"),
        situations=words("situations"),
        lookalikes=words("lookalikes"),
        qualifiable_aliases=words("qualifiable_aliases"),
        trades=words("trades"),
        shifts=_shifts(r, data.get("shifts") or [], at("shifts"), topics),
        conversation=_word_lists(r, data.get("conversation") or {}, at("conversation")),
    )
