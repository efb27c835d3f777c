"""What a message says: its certificates, topics and signals, found through the synonyms."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from .knowledge import CERTS, Knowledge
from .synonyms import Shift, Topic
from .textnorm import (
    MAX_QUERY_CHARS,
    Lexicon,
    Match,
    TypoCorrector,
    normalize,
    syllable,
    to_simplified,
)

_LATIN_RUN = re.compile(r"[a-z]{4,}")
# A question's closing particle typed in pinyin ("能考ma"): short, right after a character.
_LATIN_PARTICLE = re.compile(r"(?<=[\u4e00-\u9fff])[a-z]{2,4}(?=$|[\s，。？！,.?!~])")
MAX_SUBJECT = 6
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
# A clause with its closing punctuation: where one clause of a chat message ends and the next
# begins. The punctuation stays with the clause ("有用吗？" asks even without 吗).
_CLAUSE = re.compile(r"[^\s,.!?;:~，。！？；：、～…]+[\s,.!?;:~，。！？；：、～…]*")
_LATIN_SPACE = re.compile(r"(?<=[A-Za-z])\s+(?=[A-Za-z])")
# A quoted span: words someone else wrote (an advert's 『包拿证』), told rather than asked.
_QUOTED = re.compile(r"『[^』]*』|「[^」]*」|“[^”]*”|\"[^\"]*\"")
# A space or mark between two characters, and what stands for it until typos are corrected: a
# character the normalising keeps that has no reading, so no slip is read across it.
_PARTED = re.compile(r"(?<=[\u3400-\u9fff])[\s,，。.!！?？、;；:：~～…]+(?=[\u3400-\u9fff])")
_PART = "\u4dbf"
# The number of an item in a numbered list ("1互联网营销师几级 2能不能跨级"), at a clause start.
_LIST_MARK = re.compile(
    r"(?:^|(?<=[\s,.!?;:~，。！？；：、～…]))([1-9])[、.．)）:：]?(?=[^\d\s.．%％])"
)
_ASKING_MARKS = ("?", "？")
_ASKING_ENDS = ("不", "没", "没有")
# A verb asked in its yes-or-no form ("收不收", "行没行") asks too.
_A_NOT_A = re.compile(r"([\u4e00-\u9fff])[不没]\1")
# The same closing a title's head, its verb one character or two ("看不看", "包不包括").
_A_NOT_A_END = re.compile(r"([\u4e00-\u9fff])[不没]\1[\u4e00-\u9fff]?$")
# An alternative closing the clause asks which ("线上还是线下"); "还是想考" is no alternative.
_ALTERNATIVE = re.compile(
    r"还是(?!想|要|会|得|觉得|算|不|没|挺|很|有点|比较|一样)[\u4e00-\u9fff]{1,4}$"
)
# Between clauses searched apart: no pattern's . or [^，] reaches across it.
_CLAUSE_BREAK = "\n，"
# The forms of one question word: each way round (words are written with either).
_QUESTION_FORMS = (("什么", "啥"), ("啥", "什么"), ("怎么", "咋"), ("咋", "怎么"))
# A demonstrative between a verb and its object ("搞这个培训").
_DEMONSTRATIVE = re.compile("(这|那)(个|种|类|些)")
# Where a voice-typed question ends inside a run-on ("……是真的吗这个工资到底是多少啊"): a
# closing particle, and its trailing 啊/呀. Cantonese 呢 before a measure word is "this" (呢个).
_QUESTION_END = re.compile(
    r"(?:吗|嗎|咩|呢(?![个個张張度啲类類种種行间間排次样樣位]))[啊呀啦]?"
    # "……都是些什么机构啊是正规学校吗": a question word, then the 啊 that closes its question.
    r"|(?:什么|啥|哪些|哪个|多少|几个)[^\s，,。？?啊呀]{0,6}[啊呀]"
)
# "哪个", and how far after it the criterion of a choice is looked for.
_WHICH = re.compile("哪(一)?(个|张|种)")
WHICH_REACH = 8
# A number and 几 is a rough count ("六十几岁", "十几年", "好几种"), not a question.
_ROUGH_COUNT = re.compile(r"(?:[0-9０-９一二两三四五六七八九十百千]+|好)几")
# "那个什么授权机构": 什么 as a pause while a name is sought, not a question ("那个什么时候考",
# "这个什么意思" ask).
_HESITATION = re.compile(
    "(?:那个|那|这个)什么(?!时候|意思|价|用|样|$)|(?<=叫)(?:做)?什么(?!名)(?=[^，。？?]{2,10}的)"
    # "我在考虑要不要加盟一个" tells what the person weighs; it asks the bot nothing.
    "|(?<=考虑)(?:要不要|该不该)"
)
# A clause that opens by measuring against something ("比互联网营销师平均工资高多少倍") asks of
# the subject of the clause before it: it is not a question apart.
_MEASURED = re.compile(r"^(那|那么|是不是|会不会|能|要)?(比|跟[^，。？]{1,12}比)")
# What may end a question after its last word: particles and marks.
_ENDINGS = "吗嘛么呢啊呀吧哦喔啦呗咧不没?？!！。，,. "
# Longer than this (normalised), a message with several clauses is read as story, then question.
LONG_MESSAGE = 30
# A stretch with no punctuation longer than this is a voice-typed run-on: it is broken into
# clauses before its spoken breaks (然后, 但是), each piece at least RUN_ON_PIECE characters.
RUN_ON = 24
RUN_ON_PIECE = 4
# The greeting kind of a question asked of the bot itself ("你是谁").
ABOUT_BOT = "about"
LOOKALIKE = "lookalike"
# How close a misspelt full certificate name must be (互联网销营师 → 互联网营销师).
FUZZY_NAME_CUTOFF = 80.0
# At most this many characters left once every known word is taken out: the message has no
# subject of its own ("那要多少钱", "三级呢") and may continue the conversation.
ELLIPTICAL_REST = 2
RECENT_READINGS = 256  # messages whose reading is kept (one is read twice per ask)
# A message that names a topic and leaves at most this many other characters (digits aside) asks
# of that topic with no subject of its own ("标准啥时候正式发布的", "哪个实操更强点"): right
# after an answer, it goes on with the conversation. Latin letters left over are a name
# (iPhone, python), a subject of its own.
TOPICAL_REST = 5
_DIGITS = re.compile(r"[0-9０-９]")
_LATIN = re.compile(r"[a-z]")


@dataclass(frozen=True)
class Clause:
    """One clause of a message: its normalised text and whether it asks."""

    raw: str
    text: str
    asks: bool
    told: bool = False  # it tells what someone else said ("老板说要持证上岗")


@dataclass
class Analysis:
    """A message taken apart: the normalised text and everything found in it."""

    text: str
    certs: tuple[str, ...] = ()
    topics: dict[str, int] = field(default_factory=dict)  # topic -> strength (see analyze)
    compare: bool = False
    measured: bool = False  # something is measured against something else ("比……高")
    followup: bool = False
    greeting: str | None = None
    out_of_scope: str | None = None
    other_title: str | None = None
    title_joined: bool = False  # that title weighed against ours ("营销师跟电子商务师哪个好")
    core: str = ""
    tokens: str = ""
    final_topics: frozenset[str] = frozenset()  # topics of the last clause that has any
    named: bool = False  # final_topics are named ones (a person, an event): what it is about
    on_subject: bool = False  # names a certificate, a topic or a word of the field at all
    hinted: tuple[str, ...] = ()  # the one certificate words like 四级 or 广电 point to
    subject: str = ""  # of two certificates named, the one asked about (the other a reference)
    likened: bool = False  # the other one is named only as a point of reference ("跟营销师一样")
    foreign: str = ""  # with no certificate named, the words before the topic name another subject
    evidence: tuple[str, ...] = ()  # words showing the message is about the certificates' world
    elliptical: bool = False  # no subject of its own: it may continue the conversation
    topical: bool = False  # a topic and little else: right after an answer, it goes on with it
    remark: bool = False  # asks nothing and says more than known words ("这个好难", "考试加油")
    background: frozenset[str] = frozenset()  # topics only in clauses that tell, not ask
    unknown: float = 0.0  # share of the message's characters in no pair the knowledge uses
    asked: str = ""  # the part that asks (all of a short message); the story is left out
    sought: str = ""  # the asked part and, in a short message, what the person says they want
    opens: bool = False  # begins with a follow-up word ("那当时……"): it goes on from the last turn
    points_back: bool = False  # the asked part points at the certificate discussed ("那它……")
    formed: frozenset[str] = frozenset()  # topics asked in a question form ("有几个级别")
    role_subject: frozenset[str] = frozenset()  # jobs the question is asked of ("选品员工资多少")
    partly_missing: str = ""  # of two questions, what the articles lack for one ("要学多久")
    # The asking part's clauses, each with the topics it names, when there are several.
    parts: tuple[tuple[str, frozenset[str]], ...] = ()


def _colloquial(pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Topic words with each question word in both its forms: 什么 and colloquial 啥 ask the
    same ("教点什么", "教点啥"). A form listed under a topic of its own keeps that topic."""
    pairs = list(pairs)
    listed = {w for w, _ in pairs}
    out = list(pairs)
    for word, key in pairs:
        for a, b in _QUESTION_FORMS:
            if a in word and (twin := word.replace(a, b)) not in listed:
                listed.add(twin)
                out.append((twin, key))
    return out


def shift_topic(result: Analysis, shift: Shift) -> None:
    """Move what the analysis found of ``shift.source`` to ``shift.target``, in place."""

    def moved(keys: frozenset[str]) -> frozenset[str]:
        return frozenset(shift.target if k == shift.source else k for k in keys)

    strength = result.topics.pop(shift.source)
    result.topics[shift.target] = max(strength, result.topics.get(shift.target, 0))
    result.final_topics = moved(result.final_topics)
    result.background = moved(result.background)


class Analyzer:
    """Turns raw text into an Analysis using the knowledge's synonyms."""

    def __init__(self, knowledge: Knowledge) -> None:
        syn = knowledge.synonyms
        # The certificates with jobs of their own (互联网营销师's four).
        self._with_roles = frozenset(
            c for e in knowledge.entries if syn.topics[e.topic].role for c in e.certs
        )
        self._syn = syn
        # A Cantonese phrase of the typed-text replacements (即係) is just as often typed in
        # Simplified (即系): in that form it is replaced with the rest. Single characters are
        # not, as 係 in Simplified is the everyday 系.
        simplified = ((to_simplified(k), v) for k, v in syn.raw_replacements.items() if len(k) > 1)
        self._replace = Lexicon([*syn.replacements.items(), *simplified])
        self._raw_replace = Lexicon((k, v) for k, v in syn.raw_replacements.items())
        # "……是不是真的" closing a message only asks whether the claim before it is true.
        self._claim_tail = (
            re.compile(f"(?:{syn.claim_check.pattern})$") if syn.claim_check else None
        )
        # A lookalike holding one of the names (新媒体运营师 holds 媒体运营师) is found first.
        self._certs = Lexicon(
            [
                *((a, c) for c, aliases in syn.cert_aliases.items() for a in aliases),
                *((w, LOOKALIKE) for w in syn.lookalikes),
            ]
        )
        self._topics = Lexicon(
            _colloquial((w, t.key) for t in syn.topics.values() for w in (*t.words, *t.asks))
        )
        self._topic_evidence = frozenset(w for t in syn.topics.values() for w in t.words)
        self._topic_asks = frozenset(w for t in syn.topics.values() for w in t.asks)
        self._lookalikes = Lexicon((w, LOOKALIKE) for w in syn.lookalikes)
        self._openers = Lexicon((w, "open") for w in (*syn.followup_words, *syn.fillers))
        self._questions = Lexicon((w, "q") for w in syn.question_words)
        self._background = Lexicon((w, "bg") for w in syn.background_words)
        self._generic_titles = tuple(g for g in syn.generic_titles if len(g) >= 2)
        self._generic_set = frozenset(self._generic_titles)
        self._title_kinds = tuple(syn.title_kinds)
        self._kinds_longest = sorted(syn.title_kinds, key=len, reverse=True)
        leads = "|".join(re.escape(w) for w in sorted(syn.title_leads, key=len, reverse=True))
        self._title_leads = re.compile(f"(?:{leads})$") if leads else None
        self._compare = Lexicon((w, "compare") for w in syn.compare_words)
        # "五级跟四级有啥区别", "考初级还是中级": two levels weighed, not the two certificates.
        levels = "|".join(re.escape(w) for w in sorted(syn.title_levels, key=len, reverse=True))
        joins = "|".join(re.escape(w) for w in sorted(syn.title_joins, key=len, reverse=True))
        verbs = "|".join(re.escape(w) for w in sorted(syn.pursue_verbs, key=len, reverse=True))
        self._levels_joined = (
            re.compile(f"(?:{levels})的?(?:{joins})(?:{verbs})?(?:{levels})")
            if levels and joins
            else None
        )
        on_topic: dict[str, list[bool]] = {}
        for e in knowledge.entries:
            on_topic.setdefault(e.topic, []).append(e.is_comparison)
        # Topics only the entries comparing the two certificates answer ("选哪个").
        self._comparison_topics = frozenset(t for t, kinds in on_topic.items() if all(kinds))
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
        # Question words sound like everyday ones (那个 and 哪个 are both "nage"): a word holding
        # one is no typo target, or "能考那个营销师吗" would become "能考哪个……".
        targets = {w for w in vocabulary if not any(q in w for q in syn.typo_exempt)}
        shorts = [*syn.domain_words, *syn.typo_words]
        # Question forms only: a topic's asks that are neither its words nor words of the field.
        words = {w for t in syn.topics.values() for w in t.words} | set(syn.domain_words)
        forms = {w for t in syn.topics.values() for w in t.asks} - words
        self._typos = TypoCorrector(targets, shorts, corpus, forms)
        self._domain = Lexicon((w, "domain") for w in (*syn.domain_words, *syn.domain_phrases))
        self._pointers = Lexicon((w, "pointer") for w in syn.domain_phrases)
        self._points_back = Lexicon((w, "back") for w in syn.pointer_words)
        self._breaks = Lexicon((w, "break") for w in syn.spoken_breaks)
        self._hints = Lexicon((w, c) for c, words in syn.cert_hints.items() for w in words)
        # Latin-letter pinyin typed for a word (tiaojian → 条件, yingxiaoshi → 营销师).
        self._pinyin_words: dict[str, str] = {}
        for word in sorted(vocabulary, key=len, reverse=True):
            if len(word) >= 2 and all("\u4e00" <= c <= "\u9fff" for c in word):
                spelled = "".join(syllable(c) or "?" for c in word)
                if "?" not in spelled:
                    self._pinyin_words.setdefault(spelled, word)
        # The one-character question words typed in pinyin (ma → 吗, ne → 呢, sha → 啥).
        self._pinyin_particles: dict[str, str] = {}
        for word in syn.question_words:
            if len(word) == 1 and "\u4e00" <= word <= "\u9fff" and (sound := syllable(word)):
                self._pinyin_particles.setdefault(sound, word)
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
        # Every word the rules know: what is left once they are all taken out is the message's
        # own subject, if it has one.
        self._known_words = Lexicon(
            (w, "known")
            for w in (
                *vocabulary,
                *(w for t in syn.topics.values() for w in (*t.words, *t.asks)),
                *syn.compare_words,
                *syn.domain_phrases,
                *syn.followup_words,
                *syn.fillers,
                *syn.question_words,
                *syn.background_words,
                *(w for words in syn.greetings.values() for w in words),
                *(w for words in syn.cert_hints.values() for w in words),
            )
        )
        # Segmentation vocabulary for token scorers: every phrase the synonyms know. Each
        # phrase is written as one private-use character, so a token scorer compares words as
        # units and runs on strings a few characters long.
        self._segmenter = Lexicon((w, "w") for w in vocabulary)
        self._codes = {w: chr(0xF0000 + i) for i, w in enumerate(sorted(vocabulary)) if len(w) > 1}
        self._recent_readings = functools.lru_cache(maxsize=RECENT_READINGS)(self._reading)

    def _all_words(self) -> list[str]:
        syn = self._syn
        words = [a for aliases in syn.cert_aliases.values() for a in aliases]
        words += [w for t in syn.topics.values() for w in (*t.words, *t.asks)]
        words += list(syn.own_titles)
        return words

    def reading(self, raw: str) -> str:
        """The text as the analysis reads it: normalised, rewritten, typos corrected. A slip is
        never read across a space or mark that parts two characters ("研二 计算机" has no 二级).
        The last messages' readings are kept: the matcher reads a message once to analyse it and
        again to remember it."""
        return self._recent_readings(raw)

    def _reading(self, raw: str) -> str:
        text = self._spell_pinyin(self._read(_PARTED.sub(_PART, raw)))
        return self._typos.correct(text).replace(_PART, "")

    def _read(self, raw: str) -> str:
        """The typed text normalised, with the synonyms' replacements made."""
        return self._rewrite(normalize(self._rewrite(raw, self._raw_replace)))

    def _rewrite(self, text: str, lexicon: Lexicon | None = None) -> str:
        matches = (lexicon or self._replace).find(text)
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

    def _clauses(self, raw: str) -> list[Clause]:
        """The message's clauses, each normalised and marked when it asks something."""
        out = []
        # A space between two Latin words ("marketing job") is no clause break.
        raw = _LATIN_SPACE.sub("-", raw[: MAX_QUERY_CHARS * 2])
        pieces: list[tuple[str, bool]] = []
        at = 0
        for quote in _QUOTED.finditer(raw):
            pieces.extend((m.group(0), False) for m in _CLAUSE.finditer(raw[at : quote.start()]))
            pieces.append((quote.group(0), True))
            at = quote.end()
        pieces.extend((m.group(0), False) for m in _CLAUSE.finditer(raw[at:]))
        pieces = [(p, quoted) for piece, quoted in pieces for p in self._run_on(piece, quoted)]
        for piece, quoted in pieces:
            text = self.reading(piece)
            if not text:
                continue
            if quoted:
                # "『……包拿证』这价格正常吗" asks about the price; the quote is what was read.
                out.append(Clause(piece, text, False))
                continue
            # A closing 不/没 asks too ("难考不", "能报没"); a clause giving a reason ("因为我
            # ……就想转行嘛") does not, unless a question mark ends it.
            marked = piece.rstrip().endswith(_ASKING_MARKS)
            claim = self._syn.claim_check
            # "机器人你来评评理" asks whether what was said before is right. "学姐说……可以考
            # 全媒体运营师" tells what was said: only a question mark makes it ask.
            told = bool(self._syn.reported and self._syn.reported.match(text))
            plain = _HESITATION.sub("", _ROUGH_COUNT.sub("", text))
            asks = (
                marked
                or bool(claim and claim.fullmatch(text))
                or (
                    not told
                    and not text.startswith(self._syn.reason_openings)
                    and (
                        bool(self._questions.find(plain))
                        or text.endswith(_ASKING_ENDS)
                        or bool(_A_NOT_A.search(plain))
                        or bool(_ALTERNATIVE.search(text))
                    )
                )
            )
            out.append(Clause(piece, text, asks, told))
        return out

    def _run_on(self, piece: str, quoted: bool) -> list[str]:
        """A long stretch with no punctuation, broken before its spoken breaks (然后, 但是)."""
        if quoted or len(piece) <= RUN_ON:
            return [piece]
        cuts = [0]
        starts = {m.start for m in self._breaks.find(piece)}
        starts |= {m.end() for m in _QUESTION_END.finditer(piece)}
        for start in sorted(starts):
            if start - cuts[-1] >= RUN_ON_PIECE and len(piece) - start >= RUN_ON_PIECE:
                cuts.append(start)
        return [piece[a:b] for a, b in zip(cuts, [*cuts[1:], len(piece)], strict=True)]

    def _asking_part(self, clauses: list[Clause], text: str, sep: str = "") -> str:
        """The part of a message that asks: all of a short one; in a long one, the clauses that
        ask (or the last two, when none does). With ``sep``, its clauses are kept apart by it.

        Long chat messages tell a story before they ask ("我刚高考完……想问互联网营销师……"), and
        words in the story must not make the question look like something else.
        """
        claim = self._syn.claim_check
        asking: list[str] = []
        for i, clause in enumerate(clauses):
            if clause.asks and claim and claim.fullmatch(clause.text):
                # "……可以挂靠，真的假的？" asks about the claim before it.
                asking.extend(c.text for c in clauses[max(0, i - 2) : i])
            elif clause.asks:
                told = ""
                if claim and claim.search(clause.text):
                    # "老板说要持证上岗……我就想问问这个是真的吗": the claim checked is the
                    # one reported before, asked with it.
                    told = "".join(c.text for c in clauses[max(0, i - 2) : i] if c.told)
                asking.append(told + clause.text)
        if asking and len(asking) < len(clauses):
            # "互联网营销师的官方定义是什么？写论文要用": the purpose is no question of its own.
            return sep.join(asking[-2:])
        if len(text) <= LONG_MESSAGE or len(clauses) <= 2:
            return sep.join(c.text for c in clauses) if sep else text
        return sep.join(c.text for c in clauses[-2:])

    def _sought(self, clauses: list[Clause]) -> str:
        """A short message's question and what the person says they want before it, not who
        they are nor what follows it: "全媒体运营师想直接考高级，要满足什么条件" seeks 高级's
        conditions; "我是高级工，……要什么条件" and "……有要求吗，我怕自己太老" do not."""
        last = max((i for i, c in enumerate(clauses) if c.asks), default=len(clauses) - 1)
        kept = clauses[: last + 1]
        return "".join(c.text for c in kept if c.asks or not self._background.find(c.text))

    def _qualified(self, text: str, m: Match, clauses: list[Clause]) -> bool:
        """A short certificate name with a trade right before it in the same clause (保险营销员;
        not "就会刷手机 营销师这个考试……", where a break stands between them)."""
        if m.phrase not in self._syn.qualifiable_aliases or m.start < 2:
            return False
        named = text[m.start - 2 : m.end]
        return named[:2] in self._syn.trades and any(named in c.text for c in clauses)

    def names_anyone(self, raw: str) -> bool:
        """True when the message names a person or event the articles tell of by one of its
        words: "他当时说要做到多少营收" asks a thing about 罗永浩 (营收) but names nobody."""
        topics = self._syn.topics
        return any(
            topics[t].named and m.phrase in topics[t].words
            for m in self._topic_matches(self._read(raw))
            for t in m.labels
        )

    def names_a_job(self, raw: str) -> bool:
        """True when the message names one of the certificates' jobs ("选品员")."""
        topics = self._syn.topics
        return any(topics[t].role for m in self._topic_matches(self._read(raw)) for t in m.labels)

    def _topic_matches(self, text: str) -> list[Match]:
        """The topic words of a text, read for the most cover, without those the message sets
        aside ("除了当主播还能干啥") or only quotes as a claim to check (……是不是真的)."""
        found = self._topics.cover(text)
        spans = []
        if self._syn.set_aside is not None:
            # What is set aside is not asked only when the rest asks something else:
            # "除了学历还要啥" still asks about the requirements, and so does "三级除了学历
            # 还要啥" (the level only narrows it).
            spans += [
                (m.start(), m.end())
                for m in self._syn.set_aside.finditer(text)
                if any(f.start >= m.end() for f in found)
                # "有几个工种啊，我听说不光是主播还有别的": asked before it.
                or (
                    any(f.end <= m.start() for f in found)
                    and bool(self._questions.find(text[: m.start()]))
                )
            ]
        if self._syn.reference is not None:
            # What a thing is likened to is not asked either ("主要做什么？跟网红差不多吗"),
            # when something else is.
            for m in self._syn.reference.finditer(text):
                if any(f.end <= m.start() or f.start >= m.end() for f in found):
                    spans.append((m.start(), m.end()))
        tail = self._claim_tail.search(text) if self._claim_tail else None
        if tail and tail.start() > 0:
            spans.append((tail.start(), tail.end()))
        kept = [m for m in found if not any(a <= m.start and m.end <= b for a, b in spans)]
        return kept if kept else found

    def _topics_in(self, text: str) -> set[str]:
        found = {t for m in self._topic_matches(text) for t in m.labels}
        return found | {t.key for t in self._syn.topics.values() if self._pattern_hit(t, text)}

    @staticmethod
    def _pattern_spans(topic: Topic, text: str, clauses: list[Clause]) -> list[tuple[int, int]]:
        """Where the topic's patterns match the message, or each clause of it: a pattern that
        ends with the question ("有没有不用出镜的活$") ends a clause, not only the message."""
        spans = [m.span() for p in topic.patterns for m in p.finditer(text)]
        if spans or len(clauses) < 2 or not topic.patterns:
            return spans
        for clause in clauses:
            at = text.find(clause.text)
            if at >= 0:
                spans += [
                    (at + a, at + b)
                    for p in topic.patterns
                    for a, b in (m.span() for m in p.finditer(clause.text))
                ]
        return spans

    @staticmethod
    def _pattern_hit(topic: Topic, text: str) -> bool:
        return any(p.search(text) for p in topic.patterns)

    def _final_topics(self, clauses: list[Clause], topics: dict[str, int]) -> frozenset[str]:
        """Topics of the last clause that asks and names any, else of the last clause that
        names any: in a long message the question decides. A closing "是真的吗" only asks
        whether what came before is true."""
        claim = self._syn.claim_check
        usable = [c for c in clauses if not (claim and claim.fullmatch(c.text))]
        for wanted in (True, False):
            for clause in reversed(usable):
                if clause.asks or not wanted:
                    found = self._topics_in(clause.text) & topics.keys()
                    if found:
                        return frozenset(found)
        return frozenset()

    def _asked_in(self, clauses: list[Clause], result: Analysis) -> bool:
        """True when the final topics are named in a clause that asks."""
        return any(c.asks and self._topics_in(c.text) & result.final_topics for c in clauses)

    def _story_topics(self, clauses: list[Clause]) -> set[str]:
        """Topics named in clauses that tell about the person ("我是新闻学大三的学生")."""
        found: set[str] = set()
        for clause in clauses:
            if not clause.asks and self._background.find(clause.text):
                found |= self._topics_in(clause.text)
        return found

    def _other_title(self, clauses: list[Clause], text: str) -> str | None:
        """Another certificate or job title that the message asks about.

        Only the clauses that ask count (in a one-clause message, the whole of it), and in
        them only what does not follow a word that describes the person ("我是售货员"): a
        title in the story is who the person is, not what they ask about.
        """
        pattern = self._syn.other_title
        if pattern is None:
            return None
        asking = [c.text for c in clauses if c.asks] or [text]
        pointed = not self._certs.find(text) and any(self._followup.find(a) for a in asking)
        if pointed:
            # "物业让我们考消防设施操作员证，那个在哪报名": the question points back at it.
            asking = [c.text for c in clauses]
        for part in asking:
            cut = self._background.find(part)
            if pointed:
                # Only a clause that opens with a self-description ("我是售货员") tells who the
                # person is; "让我们考……" does not.
                cut = [m for m in cut if m.start == 0]
            if cut:
                # What follows the last self-description, up to its clause's end, is story.
                part = part[: cut[0].start]
            # Our own names leave a gap, so what stood around them is not read as one word.
            rest = self._own.remove(part, " ")
            for found in pattern.finditer(rest):
                title = found.group(0)
                if rest.startswith(self._syn.left_words, found.end()):
                    continue  # "厨师转行做带货主播": the job the person is leaving, story
                if not self._generic_title(title) and not self._runs_on(rest, found):
                    # "和会计师": the match may start with the word joining it to ours.
                    join = next((j for j in self._syn.title_joins if title.startswith(j)), "")
                    return title[len(join) :] if len(title) - len(join) >= 2 else title
        return None if self._certs.find(text) else self._pursued_title(pattern, text)

    def _pursued_title(self, pattern: re.Pattern[str], text: str) -> str | None:
        """A title right after a pursue verb, in any clause ("我老婆想考育婴师，在哪里报名"):
        with neither of ours named, the question is about that one."""
        text = self._own.remove(text, " ")
        for verb in self._syn.pursue_verbs:
            at = text.find(verb)
            while at >= 0:
                end = at + len(verb)
                title = pattern.match(text, end)
                # "考过教师资格证": one the person already holds is no subject.
                done = text[end : end + 1] in self._syn.done_marks
                if (
                    title
                    and not done
                    and not self._generic_title(title.group(0))
                    and not self._runs_on(text, title)
                ):
                    return title.group(0)
                at = text.find(verb, at + 1)
        return None

    def _runs_on(self, text: str, found: re.Match[str]) -> bool:
        """True when the title's last character begins an everyday word ("给员工报名": 员工)."""
        return f"{found.group(0)[-1]}{text[found.end() : found.end() + 1]}" in self._generic_set

    def _subject(self, text: str, certs: list[str]) -> tuple[str, bool]:
        """The certificate a message is about: the first one named, unless it is only named as
        a point of reference ("全媒体运营师有几级，像营销师那样" is about 全媒体运营师); and
        whether the other one is named only so."""
        if len(certs) < 2:
            return (certs[0] if certs else ""), False
        pattern = self._syn.reference
        spans = [m.span() for m in pattern.finditer(text)] if pattern else []
        found = [(m.start, m.labels) for m in self._certs.find(text)]
        outside = [
            c for at, labels in found if not any(a <= at < b for a, b in spans) for c in labels
        ]
        asked = [c for c in certs if c in outside]
        # "A跟B一样吗" asks whether the two are alike, which compares them; "A能不能跟B一样跨级考"
        # asks something of A.
        goes_on = any(text[b:].strip(_ENDINGS) for _, b in spans)
        return (asked[0] if asked else certs[0]), len(asked) == 1 and goes_on

    def _joined(self, text: str, title: str) -> bool:
        """True when a join word (和, 跟, 还是) stands between the title and one of our names."""
        joins = self._syn.title_joins
        at = text.find(title)
        if at < 0 or not joins:
            return False
        after = text[at + len(title) :]
        # "数据分析师证和……": past the kind of certificate that may follow the title.
        kind = next((k for k in self._kinds_longest if after.startswith(k)), "")
        after, before = after[len(kind) :], text[:at]
        return any(
            after.startswith(j) and self._own.find(after[len(j) : len(j) + 8]) for j in joins
        ) or any(
            before.endswith(j) and self._own.find(before[-len(j) - 8 : -len(j)]) for j in joins
        )

    def _generic_title(self, title: str) -> bool:
        """True for a word that only looks like another title: 裁员, 这个证, 考什么资格证, and
        our own certificate by an everyday name (直播证). What comes just before a kind of
        certificate decides: 护士资格证 names another one, 请问这两张证书 does not."""
        ending = next((k for k in self._kinds_longest if title.endswith(k)), "")
        before = title[: len(title) - len(ending)] if ending else ""
        level = next((lv for lv in self._syn.title_levels if before.endswith(lv)), "")
        if level and before[: -len(level)].strip():
            # "会计初级证": past a level, the word before it decides ("考初级证" is ours).
            return self._generic_title(before[: -len(level)] + ending)
        if title.endswith(self._generic_titles):
            return True
        for kind in self._title_kinds:
            if title.endswith(kind):
                head = title[: -len(kind)]
                if not head or (self._title_leads and self._title_leads.search(head)):
                    return True
                if _A_NOT_A_END.search(head):
                    # "老板看不看证", "包不包括证书费": a verb asked as a question, then its object
                    return True
                if any(m.end == len(head) for m in self._domain.find(head)):
                    return True
        return False

    def _spell_pinyin(self, text: str) -> str:
        """Latin runs that spell a known word in pinyin, written as that word."""
        text = _LATIN_PARTICLE.sub(
            lambda m: self._pinyin_particles.get(m.group(0), m.group(0)), text
        )
        return _LATIN_RUN.sub(lambda m: self._pinyin_words.get(m.group(0), m.group(0)), text)

    def _foreign_subject(self, text: str, first_topic: int) -> str:
        """The subject of "<subject><topic>" when the knowledge never uses it (淘宝客服工资多少).

        Only a short subject opening the message counts: further in, unknown words are far more
        often ordinary chat than another subject.
        """
        # Only whole filler words go: dropping single characters (么, 的) would glue
        # their neighbours into pairs nobody wrote.
        prefix = self._long_fillers.remove(self._greetings.remove(text[:first_topic]))
        syn = self._syn
        # "那我一个宝妈……": a follow-up word and the person's "我" open a sentence, not a subject.
        opened = prefix
        while opened and (opening := self._openers.find(opened[:2])) and opening[0].start == 0:
            opened = opened[opening[0].end :]
        if (
            any(w in prefix for w in syn.background_words)
            or (
                syn.not_subject
                and (syn.not_subject.search(prefix) or syn.not_subject.search(opened))
            )
            # "考下来一个月能挣多少": a form of the field, not a subject.
            or (syn.domain_pattern and syn.domain_pattern.search(prefix))
        ):
            # "我们这山沟沟里", "我六十几岁", "既然这么火", "我没啥正经……": the person, a place,
            # an age, a joining word or what the person has done, not a subject.
            return ""
        prefix = opened
        if prefix[:1] in self._syn.leading_verbs:
            prefix = prefix[1:]
        # "交的钱": a verb before 的 qualifies the topic word; a subject has two characters.
        if not 2 <= len(prefix.removesuffix("的")) <= MAX_SUBJECT or not _CJK_RUN.fullmatch(prefix):
            return ""
        if (
            "证" in prefix
            # "报了以后……", "学完……": a deed done, not a subject.
            or prefix[-1] in "了过完"
            or self._pointers.find(prefix)
            or any(w in prefix for w in (*syn.object_verbs, *syn.pronouns, *syn.background_words))
        ):
            # "老哥们说这证……", "等他明年……", "孙子说……": what someone said, or a person,
            # not a subject the message asks about; "证能个人报吗", "……这行前景": the
            # certificates themselves.
            return ""
        known = self._known_pairs
        pairs = [prefix[i : i + 2] not in known for i in range(min(2, len(prefix) - 1))]
        return prefix if all(pairs) else ""

    def _tidy(self, raw: str) -> str:
        """The message without what asks nothing of the certificates: the numbers of a
        numbered list ("1互联网营销师几级 2能不能跨级"), and a clause asking only how to answer
        ("一句话说清楚", "别长篇大论") beside one that asks something."""
        marks = list(_LIST_MARK.finditer(raw))
        if len(marks) >= 2 and [m.group(1) for m in marks] == [
            str(n) for n in range(1, len(marks) + 1)
        ]:
            for m in reversed(marks):
                raw = raw[: m.start()] + "，" + raw[m.end() :]
        request = self._syn.reply_request
        if request is None:
            return raw
        pieces = [m.group(0) for m in _CLAUSE.finditer(raw)]
        if len(pieces) < 2:
            return raw
        kept = [p for p in pieces if not request.fullmatch(self._read(p))]
        return "".join(kept) if kept and len(kept) < len(pieces) else raw

    def analyze(self, raw: str) -> Analysis:
        """Find certificates, topics and signals in a message."""
        raw = self._tidy(raw)
        text = self.reading(raw)
        result = Analysis(text=text)
        if not text:
            return result

        certs: list[str] = []
        qualified = ""
        clauses = self._clauses(raw)
        for m in self._certs.find(text):
            if LOOKALIKE in m.labels:
                # "新媒体运营师证书怎么考": another certificate whose name holds one of ours.
                if self._syn.other_title and self._syn.other_title.fullmatch(m.phrase):
                    qualified = m.phrase
                continue
            if self._qualified(text, m, clauses):
                # "保险营销员要考什么证": a trade before a short name makes it another job.
                qualified = text[m.start - 2 : m.end]
                continue
            for cert in m.labels:
                if cert not in certs:
                    certs.append(cert)
        if not certs and not qualified:
            text = self._fuzzy_cert(text, certs)
            result.text = text
        result.certs = tuple(sorted(certs))
        result.subject, result.likened = self._subject(text, certs)

        every_topic_word = self._topics.cover(text)
        topic_matches = self._topic_matches(text)
        # Strength: twice the length of the longest word naming the topic, plus one for each
        # further word (of two topics named by equally long words, the one named more often
        # weighs more). A topic found only by a pattern ("今年17") counts as a two-character word.
        longest: dict[str, int] = {}
        mentions: dict[str, int] = {}
        for m in topic_matches:
            for topic in m.labels:
                longest[topic] = max(longest.get(topic, 0), len(m.phrase))
                mentions[topic] = mentions.get(topic, 0) + 1
        for t in self._syn.topics.values():
            if t.key not in longest:
                spans = self._pattern_spans(t, text, clauses)
                if not spans:
                    continue
                if all(self._holds_word(span, t.key, topic_matches) for span in spans):
                    # "能直接报四级吗" holds 直接报四级: the word's topic is the more specific.
                    continue
                # A pattern's match counts like a word of its length (at most four).
                span = max(b - a for a, b in spans)
                longest[t.key], mentions[t.key] = min(max(span, 2), 4), 1
        topics = {t: 2 * longest[t] + mentions[t] - 1 for t in longest}
        # "三级报名多少钱", "级别越高越贵": the level narrows the question (price), it is not it.
        # Asked in its own question form ("有几个级别，我能报哪个"), it is asked.
        formed = {
            t for m in topic_matches if m.phrase not in self._topic_evidence for t in m.labels
        }
        topics = {
            t: n
            for t, n in topics.items()
            if t in formed or not any(r in topics for r in self._syn.topics[t].refines)
        }
        result.formed = frozenset(formed)
        weighed = self._levels_joined.search(text) if self._levels_joined else None
        levels_weighed = weighed is not None and len(certs) < 2
        if levels_weighed:
            topics = {t: n for t, n in topics.items() if t not in self._comparison_topics}

        asked = result.asked = self._asking_part(clauses, text)
        result.sought = asked if len(text) > LONG_MESSAGE else self._sought(clauses)
        worded = {t for m in topic_matches for t in m.labels}
        criteria = {
            t
            for m in _WHICH.finditer(asked)
            for t in self._topics_in(asked[m.end() : m.end() + WHICH_REACH])
            if t in worded and not self._syn.topics[t].generic
        }
        if criteria:
            # "考全媒体运营师还是互联网营销师哪个以后工资能高一点": the topic named after 哪个 is
            # what the choice is asked on; a topic only a pattern found (the choice) yields.
            topics = {t: n for t, n in topics.items() if t in worded or t in criteria}
        # Searched clause by clause: "是不是就是卖货 还有别的岗位没" asks more than what it is.
        focus_key = self._focus(self._asking_part(clauses, text, "\n"), len(certs), topics)
        if focus_key:
            # "互联网营销师就是带货主播吗": the form asks what the certificate is; what it is
            # likened to only informs.
            topics = {focus_key: max(topics.values(), default=0) + 1}
        result.compare = not levels_weighed and (bool(self._compare.find(text)) or len(certs) > 1)
        result.measured = bool(self._syn.measured and self._syn.measured.search(text))
        if not result.compare and certs and self._syn.compare_pattern is not None:
            # "跟互联网营销师比呢", "比全媒体高吗": one named as the measure of the other.
            marked = self._certs.remove(text, "@")
            result.compare = bool(self._syn.compare_pattern.search(marked))
        relation = self._syn.relation_words
        if relation and len(certs) < 2 and not result.compare:
            # "5G、数字经济……互联网营销师跟这些有啥关系": how one certificate bears on
            # something else asks of that, not how the two certificates differ.
            for key in [t for t in topics if self._syn.topics[t].generic]:
                phrases = {m.phrase for m in topic_matches if key in m.labels}
                if phrases and all(any(w in p for w in relation) for p in phrases):
                    del topics[key]
        named = {t for t in topics if self._syn.topics[t].named}
        if named and len(clauses) > 1 and len(text) > LONG_MESSAGE:
            # A person or event told of in the story ("俞敏洪都去带货了……我能开培训班吗") is
            # not what a long message asks about; named in the asking clause, it is.
            asked = "".join(c.text for c in clauses if c.asks) or clauses[-1].text
            if not any(p in asked for p in self._syn.pronouns):  # "……俞敏洪。他为啥……"
                named &= self._topics_in(asked)
        if named:
            result.final_topics = frozenset(named)
            result.named = True
        elif len(topics) > 1:
            result.final_topics = self._final_topics(clauses, topics)
            self._role_as_subject(result, clauses, topics)
            self._role_pointed(result, clauses, topics)
        # A question form ("有什么区别") yields to a specific topic, but only to one the message
        # asks about: "我是大三学生……两个有什么区别" asks the difference, not eligibility.
        focus = result.final_topics or frozenset(topics)
        generic = {t for t in topics if self._syn.topics[t].generic and t != focus_key}
        specific = set(topics) - generic
        roles = {
            t for t in topics if self._syn.topics[t].role and self._syn.topics[t].label in text
        }
        if result.compare and len(certs) == 1 and roles and not self._with_roles & set(certs):
            # "视频创推员跟全媒体运营哪个更对口": a job of the other certificate, weighed against
            # this one, stands for its certificate.
            result.certs = tuple(sorted({*certs, *self._with_roles}))
            topics = {t: n for t, n in topics.items() if t not in roles}
            result.final_topics -= roles
            result.role_subject -= roles
            specific -= roles
        story = set()
        if specific and focus <= generic:
            # Told, not asked: topics of clauses about the person, and in a long story those of
            # no asking clause (in a short message, "……传播矩阵，这是啥意思" asks of it).
            story = self._story_topics(clauses)
            asking_clauses = [c.text for c in clauses if c.asks]
            if (len(text) > LONG_MESSAGE and len(clauses) > 2) or (
                len(asking_clauses) < len(clauses)
                and any(self._certs.find(c) for c in asking_clauses)
            ):
                # In a long story, and where the question names its own certificate ("……想转行
                # 互联网营销师到底是干啥的"), topics of the clauses that do not ask are told.
                asking = {t for c in asking_clauses for t in self._topics_in(c)}
                story |= set(topics) - asking
        # The generic form is the question when everything specific is story about the person,
        # or when the message compares two things and asks only how they differ.
        asks_generic = focus <= generic and bool(focus) and (specific <= story or result.compare)
        if specific and asks_generic and not result.named:
            result.background = frozenset(specific)
        else:
            topics = {t: n for t, n in topics.items() if t not in generic or not specific}
            if result.final_topics and not result.named:
                # Topics only in clauses that tell about the person ("我儿子大学学的新闻……")
                # count less than those of the question.
                story_topics = self._story_topics(clauses)
                if (
                    len(text) > LONG_MESSAGE
                    and len(clauses) > 2
                    and self._asked_in(clauses, result)
                ):
                    # A long message whose question names its own topic: everything before it
                    # is the story ("……直播带货……我想开个培训机构，这个方向能不能做？").
                    story_topics = set(topics)
                result.background = frozenset(story_topics - result.final_topics)
        # A job the question is asked of is whom it is about, not its topic ("选品员工资多少").
        topics = {t: n for t, n in topics.items() if t not in result.role_subject}
        result.topics = topics
        # "搞这个培训" says what "搞培训" does. What the person says they want before a short
        # question counts too ("想自己开个培训机构 门槛高不高").
        plain = _DEMONSTRATIVE.sub("", asked)
        sought = result.sought
        for shift in self._syn.shifts:
            # "营销师培训以后会火吗": with 培训 in what it asks, the outlook asked is the
            # training market's (培训 in the story before the question does not count). A shift
            # that depends on the answer before is the matcher's (``Matcher._shifted``).
            if shift.after:
                continue
            if shift.source in topics and any(
                w in asked or w in plain or w in sought for w in shift.when
            ):
                shift_topic(result, shift)
        if result.final_topics:
            result.final_topics &= frozenset(topics)
        self._umbrella(result, topics)

        result.followup = bool(self._followup.find(text))
        opening = self._followup.find(text[:MAX_SUBJECT])
        result.opens = bool(opening) and opening[0].start == 0
        result.points_back = bool(self._points_back.find(result.asked))

        # What the certificate is likened to ("跟考CPA那样难吗") is not asked about.
        # Searched clause by clause: "哪些机构在做培训 是正规学校吗" asks who runs the classes,
        # then whether they are proper schools, not which school is a proper one.
        apart = self._asking_part(clauses, text, _CLAUSE_BREAK)
        pieces = [p for p in apart.split(_CLAUSE_BREAK) if p]
        if len(pieces) > 1:
            result.parts = tuple((p, frozenset(self._topics_in(p))) for p in pieces)
        likened = self._syn.reference.sub(" ", apart) if self._syn.reference else apart
        # A certificate's name never makes a question one the articles cannot answer, and it
        # often stands between the words that do ("下个月有没有互联网营销师考试").
        unnamed = self._certs.remove(likened)
        # With no clause that asks ("【……报名入口】官方指定 包过 7天拿证 +V"), no part of it is
        # the question more than another.
        told = not any(c.asks for c in clauses)
        for oos in self._syn.out_of_scope:
            if oos.anywhere or told:
                found = bool(oos.pattern.search(text))
            else:
                found = bool(
                    oos.pattern.search(likened)
                    or (unnamed != likened and oos.pattern.search(unnamed))
                )
            if found:
                result.out_of_scope = oos.reason
                if not (oos.anywhere or told) and self._asked_apart(clauses, oos.pattern):
                    # "考试线上还是线下 要学多久能考": one question is answered, and the reply
                    # says what the articles lack for the other.
                    result.out_of_scope, result.partly_missing = None, oos.reason
                break
        result.other_title = self._other_title(clauses, text) or qualified or None
        if result.other_title and certs and self._joined(text, result.other_title):
            # "电商师和营销师是一个东西吗", "数据分析师证和全媒体运营师证哪个含金量高": the other
            # title is compared with ours, so it is asked about too.
            result.compare = result.title_joined = True

        without_greetings = self._fillers.remove(self._greetings.remove(text))
        greeting_matches = self._greetings.find(text)
        if greeting_matches and not without_greetings:
            result.greeting = greeting_matches[0].labels[0]
        if not result.certs and self._syn.about_bot and self._syn.about_bot.search(text):
            # "你是谁", "你是不是机构的托": asked of the bot, not of the certificates.
            result.greeting = ABOUT_BOT

        if not result.certs:
            hinted = {c for m in self._hints.find(text) for c in m.labels}
            if len(hinted) == 1:
                result.hinted = tuple(hinted)
        result.evidence = self._evidence(text, result, every_topic_word)
        if not result.certs and not result.hinted and topic_matches and not result.compare:
            # Only a topic word and an unknown subject before it ("淘宝客服工资多少"); a word
            # of the field beside them ("普通话不好能干直播吗") keeps the message ours.
            first = topic_matches[0].start
            topic_words = {m.phrase for m in topic_matches}
            later = self._evidence(text[first:], result, self._topics.cover(text[first:]))
            # A topic's question form inside a longer one ("前途" in "有前途") is that form,
            # asked of any job.
            if all(
                word in topic_words
                or word in CERTS.values()
                or (word in self._topic_asks and any(word in p for p in topic_words))
                for word in later
            ):
                result.foreign = self._foreign_subject(text, first)
        result.on_subject = bool(result.evidence or result.topics)
        # A subject of its own ("会计工资多少") is not left out, however short the message.
        rest = _DIGITS.sub("", self._known_words.remove(text))
        result.elliptical = len(rest) <= ELLIPTICAL_REST and not result.foreign
        result.topical = bool(
            result.topics
            and len(rest) <= TOPICAL_REST
            and not _LATIN.search(rest)
            and not result.foreign
            and not result.other_title
        )
        # Neither a question nor bare keywords ("学费"): a remark, which continues nothing.
        result.remark = bool(rest) and not any(c.asks for c in clauses)
        result.unknown = self._unknown_share(text)
        core = self._fillers.remove(self._certs.remove(text))
        result.core = core
        result.tokens = " ".join(self._codes.get(t, t) for t in self._segmenter.segment(core))
        return result

    def _holds_word(self, span: tuple[int, int], key: str, matches: list[Match]) -> bool:
        """True when a pattern's match holds a word of another topic, longer than two
        characters (not a mere question form, nor a job: "能报直播销售员吗" asks who may)."""
        topics = self._syn.topics
        return any(
            span[0] <= m.start
            and m.end <= span[1]
            and len(m.phrase) > 2
            and m.phrase in self._topic_evidence
            and key not in m.labels
            and not any(topics[t].role for t in m.labels)
            for m in matches
        )

    def _asked_apart(self, clauses: list[Clause], pattern: re.Pattern[str]) -> bool:
        """True when another clause asks, on a topic of its own, what the missing detail's
        clause does not: two questions, one of them answerable."""
        hit = [c for c in clauses if c.asks and pattern.search(c.text)]
        rest = [
            c
            for c in clauses
            if c.asks and not pattern.search(c.text) and not _MEASURED.match(c.text)
        ]
        topics = self._syn.topics
        return bool(hit) and any(
            any(not topics[t].generic for t in self._topics_in(c.text)) for c in rest
        )

    def _role_as_subject(
        self, result: Analysis, clauses: list[Clause], topics: dict[str, int]
    ) -> None:
        """ "平台管理员也分五级吗", "选品员工资多少": a job named by its title is whom the
        question is about; another topic asked in the same clause is what it asks."""
        syn = self._syn
        roles: set[str] = set()
        asked_of: set[str] = set()
        for clause in clauses:
            named = {t for t in topics if syn.topics[t].role and syn.topics[t].label in clause.text}
            other = {
                t
                for t in self._topics_in(clause.text) & topics.keys()
                if not syn.topics[t].role and not syn.topics[t].generic and t != syn.roles_topic
            }
            if named and other and clause.asks:
                roles |= named
                asked_of |= other
        if roles:
            result.role_subject = frozenset(roles)
            result.final_topics = (result.final_topics - roles) or frozenset(asked_of)

    def _role_pointed(
        self, result: Analysis, clauses: list[Clause], topics: dict[str, int]
    ) -> None:
        """ "想做视频创推员，这个工种主要负责什么", "听说有个选品员 这活是干啥的": a clause
        pointing at a job ("这个工种", "这活") and asking what it is or does asks of the one job
        the message names, wherever it names it; so does asking only what something is in a
        message that names no certificate.
        (Asked another topic, "这个岗位工资高吗", the job stays where the clauses put it: made
        the subject, it lost more answers than it won.)"""
        syn = self._syn
        roles = {t for t in topics if syn.topics[t].role}
        pointing = any(c.asks and any(w in c.text for w in syn.role_pointer_words) for c in clauses)
        generic = {t for t in result.final_topics if syn.topics[t].generic}
        if not pointing and generic == result.final_topics:
            # "听说有个叫直播销售员的 这个是干啥的": asked only what something is, with no
            # certificate named, the job is the one thing named to be asked of.
            pointing = not self._certs.find("".join(c.text for c in clauses))
        if len(roles) != 1 or not pointing:
            return
        if result.final_topics - roles - generic <= {syn.roles_topic}:
            # What the job is and does is what its own entry says.
            result.final_topics = frozenset(roles)
            result.role_subject -= roles

    def _focus(self, asked: str, certs: int, topics: dict[str, int]) -> str:
        """The topic whose focus form the asking part has, when the part asks nothing else
        outside that form; else "". With both certificates named, the form compares them
        instead ("两个是一回事吗")."""
        if certs > 1:
            return ""
        # Clause by clause: a form closing a clause ("……就是主播？") closes it, whatever follows.
        lines, start = [], 0
        for line in asked.split("\n"):
            lines.append((start, line))
            start += len(line) + 1
        for topic in self._syn.topics.values():
            for pattern in topic.focus:
                found, at = next(
                    ((f, start) for start, line in lines if (f := pattern.search(line))), (None, 0)
                )
                if found is None:
                    continue
                form = found.group(0)
                if form.startswith(self._syn.title_joins) and self._certs.find(form):
                    # "它跟互联网营销师差在哪": one of ours set beside the other compares them.
                    continue
                outside = asked[: at + found.start()] + "\n" + asked[at + found.end() :]
                others = self._topics_in(outside) & topics.keys() - {topic.key}
                # A topic word it is likened to ("跟网红培训班差不多") is the subject compared,
                # unless it names a role ("就是带货主播吗": a job within the certificate).
                likened = {
                    t
                    for m in self._topics.cover(found.group(0))
                    if m.phrase in self._topic_evidence
                    for t in m.labels
                    if not self._syn.topics[t].role
                }
                if not likened and not any(not self._syn.topics[t].generic for t in others):
                    return topic.key
        return ""

    def _umbrella(self, result: Analysis, topics: dict[str, int]) -> None:
        """ "直播销售员和选品员分别干啥": several roles asked at once ask for the topic that
        covers them all; so does any asked of a certificate that has none."""
        umbrella = self._syn.roles_topic
        if not umbrella:
            return
        asked = result.final_topics or frozenset(topics)
        if result.certs and not self._with_roles & set(result.certs):
            # "全媒体运营师要自己写稿剪视频吗": work asked of a certificate with no jobs of its
            # own is asked of its duties.
            roles = {t for t in asked if self._syn.topics[t].role}
            if not roles:
                return
        else:
            # Named by their titles: "帮主播挑货" names one role and what it works for.
            roles = {
                t
                for t in asked
                if self._syn.topics[t].role and self._syn.topics[t].label in result.text
            }
            if len(roles) < 2:
                return
        strength = max(topics[t] for t in roles)
        for t in roles:
            del topics[t]
        topics[umbrella] = max(strength, topics.get(umbrella, 0))
        result.final_topics = (result.final_topics - roles) | {umbrella}
        result.background -= roles

    def _evidence(self, text: str, a: Analysis, topic_matches: list[Match]) -> tuple[str, ...]:
        """What shows the message is about the certificates' world: a certificate's name, a
        word only one of them uses, a word of the field, a topic word that is not a mere
        question form, a person or event the articles tell of. Question forms (哪个好, 多少钱,
        怎么报) are no such evidence."""
        text = self._lookalikes.remove(text)
        found = [CERTS[c] for c in a.certs]
        found += [m.phrase for m in self._hints.find(text)]
        found += [m.phrase for m in self._domain.find(text)]
        if self._syn.domain_pattern is not None:
            found += [m.group(0) for m in self._syn.domain_pattern.finditer(text)]
        found += [m.phrase for m in topic_matches if m.phrase in self._topic_evidence]
        return tuple(dict.fromkeys(found))

    def _unknown_share(self, text: str) -> float:
        """The share of characters that stand in no character pair the knowledge uses: high for
        a message about something else ("小米和vivo哪个好")."""
        cjk = [i for i, c in enumerate(text) if "\u4e00" <= c <= "\u9fff"]
        if not cjk:
            return 1.0 if text else 0.0
        known = self._known_pairs
        covered = {j for i in range(len(text) - 1) if text[i : i + 2] in known for j in (i, i + 1)}
        return sum(1 for i in cjk if i not in covered) / len(cjk)
