"""What a message says: its certificates, topics and signals, found through the synonyms."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from .knowledge import CERTS, Knowledge
from .textnorm import MAX_QUERY_CHARS, Lexicon, TypoCorrector, normalize, syllable

# A title ending in 师/员 or a certificate name that is not one of ours ("教师资格证" aside, which
# the knowledge mentions). Seen without either of our certificates, it means the person asks about
# something else.
_OTHER_TITLE = re.compile(
    r"[\u4e00-\u9fff]{1,5}?(师|员)|[\u4e00-\u9fff]{0,4}(资格证|上岗证|从业证|驾照|驾驶证|会计证|技工证)"
)
# Words ending in 师/员/证 that are not titles or certificates.
_GENERIC_TITLES = frozenset(
    [
        "老师",
        "师傅",
        "师兄",
        "师姐",
        "会员",
        "成员",
        "人员",
        "员工",
        "学员",
        "职员",
        "一员",
        "店员",
        "考证",
        "拿证",
        "办证",
        "领证",
        "发证",
        "颁证",
        "持证",
        "有证",
        "个证",
        "张证",
        "本证",
        "该证",
        "此证",
        "这证",
        "那证",
        "哪证",
        "两证",
        "俩证",
        "的证",
        "啥证",
        "么证",
        "级证",
        "考个证",
        "这个证",
        "那个证",
        "哪个证",
        "什么证",
        "两个证",
        "职业证",
        "技能证",
        "等级证",
        "资格证",
        "下证",
        "出证",
        "查证",
        "验证",
        "证明",
        "工作证明",
        "取证",
        "保证",
        "论证",
        "认证",
        "求证",
        "印证",
        "凭证",
        "例证",
        "实证",
        "见证",
        "样证",
        "两个证书",
        "这个证书",
        "那个证书",
        "哪个证书",
        "什么证书",
        "职业技能证书",
        "证书",
        "等级证书",
        "技能证书",
        "职业证书",
        "资格证书",
        "有证书",
        "拿证书",
        "考证书",
        "个证书",
        "本证书",
        "照片",
        "照着",
        "按照",
        "参照",
        "关照",
    ]
)


_LATIN_RUN = re.compile(r"[a-z]{4,}")
# "学纹绣要多少钱": a verb may come before the subject.
_LEADING_VERBS = frozenset("学考做当干搞去")
# A prefix ending in one of these makes the topic its object ("最近老看到新职业教育这个说法"),
# not a thing that has the topic ("淘宝客服工资").
_OBJECT_VERBS = ("看到", "听到", "听说", "见到", "知道", "了解", "关于", "对于", "提到", "刷到")
MAX_SUBJECT = 6
_TRUE_OR_NOT = re.compile(r"(这|那)?(是|是不是)?真的(吗|嘛|么|假的)?|是不是真的|真的还是假的")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
# Where one clause of a chat message ends and the next begins.
_CLAUSE_BREAK = re.compile(r"[\s,.!?;:~，。！？；：、～…]+")
# Longer than this (normalised), a message with several clauses is read as story, then question.
LONG_MESSAGE = 30
# How close a misspelt full certificate name must be (互联网销营师 → 互联网营销师).
FUZZY_NAME_CUTOFF = 80.0


@dataclass
class Analysis:
    """A message taken apart: the normalised text and everything found in it."""

    text: str
    certs: tuple[str, ...] = ()
    topics: dict[str, int] = field(default_factory=dict)  # topic -> strength (see analyze)
    compare: bool = False
    followup: bool = False
    greeting: str | None = None
    out_of_scope: str | None = None
    other_title: str | None = None
    core: str = ""
    tokens: str = ""
    final_topics: frozenset[str] = frozenset()  # topics of the last clause that has any
    named: bool = False  # final_topics are named ones (a person, an event): what it is about
    on_subject: bool = False  # names a certificate, a topic or a word of the field at all
    hinted: tuple[str, ...] = ()  # the one certificate words like 四级 or 广电 point to
    foreign: str = ""  # with no certificate named, the words before the topic name another subject


class Analyzer:
    """Turns raw text into an Analysis using the knowledge's synonyms."""

    def __init__(self, knowledge: Knowledge) -> None:
        syn = knowledge.synonyms
        self._syn = syn
        self._replace = Lexicon((k, v) for k, v in syn.replacements.items())
        self._certs = Lexicon((a, c) for c, aliases in syn.cert_aliases.items() for a in aliases)
        self._topics = Lexicon((w, t.key) for t in syn.topics.values() for w in t.words)
        self._compare = Lexicon((w, "compare") for w in syn.compare_words)
        self._followup = Lexicon((w, "followup") for w in syn.followup_words)
        self._fillers = Lexicon((w, "filler") for w in syn.fillers)
        self._long_fillers = Lexicon((w, "filler") for w in syn.fillers if len(w) > 1)
        self._greetings = Lexicon((w, kind) for kind, words in syn.greetings.items() for w in words)
        self._own = Lexicon(
            [(a, "own") for aliases in syn.cert_aliases.values() for a in aliases]
            + [(w, "own") for w in syn.own_titles]
        )
        # Topic words asking 什么 (教什么) are no typo targets: everyday phrases sound too much
        # like them (叫什么 would become 教什么).
        vocabulary = {w for w in (*self._all_words(), *syn.domain_words) if "什么" not in w}
        corpus = "\n".join(
            normalize(text) for e in knowledge.entries for text in (*e.phrasings, e.answer)
        )
        self._typos = TypoCorrector(vocabulary, syn.domain_words, corpus)
        self._domain = Lexicon((w, "domain") for w in syn.domain_words)
        self._hints = Lexicon((w, c) for c, words in syn.cert_hints.items() for w in words)
        # Latin-letter pinyin typed for a word (tiaojian → 条件, yingxiaoshi → 营销师).
        self._pinyin_words: dict[str, str] = {}
        for word in sorted(vocabulary, key=len, reverse=True):
            if len(word) >= 2 and all("\u4e00" <= c <= "\u9fff" for c in word):
                spelled = "".join(syllable(c) or "?" for c in word)
                if "?" not in spelled:
                    self._pinyin_words.setdefault(spelled, word)
        self._known_pairs = {
            text[i : i + 2]
            for text in (corpus, *vocabulary, *syn.fillers, *syn.compare_words, *syn.followup_words)
            for i in range(len(text) - 1)
        } | {
            w[i : i + 2]
            for words in syn.greetings.values()
            for w in words
            for i in range(len(w) - 1)
        }
        # Segmentation vocabulary for token scorers: every phrase the synonyms know. Each
        # phrase is written as one private-use character, so a token scorer compares words as
        # units and runs on strings a few characters long.
        self._segmenter = Lexicon((w, "w") for w in vocabulary)
        self._codes = {w: chr(0xF0000 + i) for i, w in enumerate(sorted(vocabulary)) if len(w) > 1}

    def _all_words(self) -> list[str]:
        syn = self._syn
        words = [a for aliases in syn.cert_aliases.values() for a in aliases]
        words += [w for t in syn.topics.values() for w in t.words]
        words += list(syn.own_titles)
        return words

    def _rewrite(self, text: str) -> str:
        matches = self._replace.find(text)
        if not matches:
            return text
        parts, last = [], 0
        for m in matches:
            parts.append(text[last : m.start])
            parts.append(m.labels[0])
            last = m.end
        parts.append(text[last:])
        return "".join(parts)

    def _fuzzy_cert(self, text: str, certs: list[str]) -> str:
        """Find a full certificate name typed with a dropped, extra or swapped character."""
        for cert, name in CERTS.items():
            if len(text) < len(name) - 1:
                continue
            found = fuzz.partial_ratio_alignment(name, text, score_cutoff=FUZZY_NAME_CUTOFF)
            if found is not None and found.dest_end - found.dest_start >= len(name) - 1:
                certs.append(cert)
                return text[: found.dest_start] + name + text[found.dest_end :]
        return text

    def _question_part(self, raw: str, text: str) -> str:
        """The part of a message that asks: all of a short one, the last two clauses of a long one.

        Long chat messages tell a story before they ask ("我刚高考完……想问互联网营销师……"), and
        words in the story must not make the question look like something else.
        """
        if len(text) <= LONG_MESSAGE:
            return text
        clauses = [c for c in _CLAUSE_BREAK.split(raw[: MAX_QUERY_CHARS * 2]) if c.strip()]
        if len(clauses) <= 2:
            return text
        return self._typos.correct(self._rewrite(normalize("".join(clauses[-2:]))))

    def _final_topics(self, raw: str, topics: dict[str, int]) -> frozenset[str]:
        """Topics of the last clause that names any: in a long message the question comes last.
        A closing "是真的吗" only asks whether what came before is true."""
        clauses = _CLAUSE_BREAK.split(raw[: MAX_QUERY_CHARS * 2])
        for clause in reversed(clauses):
            text = self._typos.correct(self._rewrite(normalize(clause)))
            if _TRUE_OR_NOT.fullmatch(text):
                continue
            found = {t for m in self._topics.find(text) for t in m.labels if t in topics}
            if found:
                return frozenset(found)
        return frozenset()

    def _spell_pinyin(self, text: str) -> str:
        """Latin runs that spell a known word in pinyin, written as that word."""
        return _LATIN_RUN.sub(lambda m: self._pinyin_words.get(m.group(0), m.group(0)), text)

    def _foreign_subject(self, text: str, first_topic: int) -> str:
        """The subject of "<subject><topic>" when the knowledge never uses it (淘宝客服工资多少).

        Only a short subject opening the message counts: further in, unknown words are far more
        often ordinary chat than another subject.
        """
        # Only whole filler words go: dropping single characters (么, 的) would glue
        # their neighbours into pairs nobody wrote.
        prefix = self._long_fillers.remove(self._greetings.remove(text[:first_topic]))
        if prefix[:1] in _LEADING_VERBS:
            prefix = prefix[1:]
        if not 2 <= len(prefix) <= MAX_SUBJECT or not _CJK_RUN.fullmatch(prefix):
            return ""
        if prefix.endswith(_OBJECT_VERBS):
            return ""
        known = self._known_pairs
        pairs = [prefix[i : i + 2] not in known for i in range(min(2, len(prefix) - 1))]
        return prefix if all(pairs) else ""

    def analyze(self, raw: str) -> Analysis:
        """Find certificates, topics and signals in a message."""
        text = self._typos.correct(self._spell_pinyin(self._rewrite(normalize(raw))))
        result = Analysis(text=text)
        if not text:
            return result

        certs: list[str] = []
        for m in self._certs.find(text):
            for cert in m.labels:
                if cert not in certs:
                    certs.append(cert)
        if not certs:
            text = self._fuzzy_cert(text, certs)
            result.text = text
        result.certs = tuple(sorted(certs))

        topic_matches = self._topics.find(text)
        # Strength: twice the length of the longest word naming the topic, plus one for each
        # further word (of two topics named by equally long words, the one named more often
        # weighs more).
        longest: dict[str, int] = {}
        mentions: dict[str, int] = {}
        for m in topic_matches:
            for topic in m.labels:
                longest[topic] = max(longest.get(topic, 0), len(m.phrase))
                mentions[topic] = mentions.get(topic, 0) + 1
        result.topics = {t: 2 * longest[t] + mentions[t] - 1 for t in longest}
        specific = {t for t in result.topics if not self._syn.topics[t].generic}
        if specific:
            result.topics = {t: n for t, n in result.topics.items() if t in specific}

        result.compare = bool(self._compare.find(text)) or len(certs) > 1
        result.followup = bool(self._followup.find(text))

        asked = self._question_part(raw, text)
        for oos in self._syn.out_of_scope:
            if oos.pattern.search(asked):
                result.out_of_scope = oos.reason
                break

        rest = self._own.remove(text)
        for found in _OTHER_TITLE.finditer(rest):
            title = found.group(0)
            if not any(title.endswith(g) and len(g) >= 2 for g in _GENERIC_TITLES):
                result.other_title = title
                break

        without_greetings = self._fillers.remove(self._greetings.remove(text))
        greeting_matches = self._greetings.find(text)
        if greeting_matches and not without_greetings:
            result.greeting = greeting_matches[0].labels[0]

        named = {t for t in result.topics if self._syn.topics[t].named}
        if named:
            result.final_topics = frozenset(named)
            result.named = True
        elif len(result.topics) > 1:
            result.final_topics = self._final_topics(raw, result.topics)
        if not result.certs:
            hinted = {c for m in self._hints.find(text) for c in m.labels}
            if len(hinted) == 1:
                result.hinted = tuple(hinted)
            elif topic_matches and not result.compare:
                result.foreign = self._foreign_subject(text, topic_matches[0].start)
        result.on_subject = bool(result.certs or result.topics or self._domain.find(text))
        core = self._fillers.remove(self._certs.remove(text))
        result.core = core
        result.tokens = " ".join(self._codes.get(t, t) for t in self._segmenter.segment(core))
        return result
