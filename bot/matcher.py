"""Ranked, explainable matching of a chat message to a knowledge entry.

Every entry gets a score in 0..100 from three parts, each with a reason:
fuzzy similarity of the message to the entry's phrasings (certificate names taken out, so they
do not dominate), whether the message names the entry's topic, and whether it names the entry's
certificate. Above ANSWER_THRESHOLD the best entry is answered; below it the bot offers its best
guesses and says honestly that the question is not in its knowledge.
"""

from __future__ import annotations

import functools
import heapq
import re
from collections import defaultdict
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from rapidfuzz import fuzz, process

from .analysis import ABOUT_BOT, Analysis, Analyzer, shift_topic
from .knowledge import CERTS, Entry, Gap, Knowledge
from .ngram import NgramIndex
from .textmodel import FILE as MODEL_FILE
from .textmodel import TextModel

# Thresholds and weights: the only tuning knobs, all here.
ANSWER_THRESHOLD = 60.0  # at or above: answer the best entry
SUGGEST_THRESHOLD = 35.0  # at or above: offer as "您是不是想问"
MAX_SUGGESTIONS = 3
MAX_SAID = 200  # characters of the last question kept for a follow-up
FUZZY_WEIGHT = 0.6  # share of the score from string similarity
NEAR_EXACT = 92.0  # similarity at which the message is taken to be that phrasing
NEAR_EXACT_BONUS = 45.0
TOPIC_BONUS = 45.0  # the message names the entry's topic (a little less for a shorter signal)
EARLIER_CLAUSE = 0.85  # a topic only outside the clause that asks counts less
NAMED_SUBJECT = 0.5  # ...and much less when the message names a person or event it is about
TOPIC_MISS = 15.0  # the message names other topics only
CERT_MATCH = 15.0  # the message names the entry's certificate
CERT_WRONG = 45.0  # names the other certificate, which has its own entry on this topic
COMPARE_MATCH = 12.0  # the message compares both and the entry does too
SHORT_FOLLOWUP = 4  # a message this short (after removing names) may continue the last one
SHORT_COMPARISON = 6  # both names and this little else: the person asks how they differ
FUZZY_CUTOFF = 30.0  # similarity below this is noise, counted as 0
FULL_SCAN_LIMIT = 4000  # phrasings; above this, candidates come from a bigram index first
CANDIDATES = 60  # entries scored in full after the bigram prefilter

NGRAM_WEIGHT = 18.0  # cosine (0..1) of the message's n-grams to all of an entry's phrasings
BACKGROUND = 0.5  # a topic only in the story around a question ("我是大三学生……区别") counts less
RERANKED = 3  # the re-ranker reorders this many of the first candidates
# Words that speak of the person asking ("那你呢", "那咱们呢"), not of someone else.
_FIRST_PERSON = re.compile(r"[我你咱俺您]|自己|本人")
# 一级 after a demonstrative or a comparison names no level: "最低那一级", "高一级". (A
# message opening "那一级呢" asks of 一级.)
_NOT_A_LEVEL = "(?<![这哪每第同上下低高])(?<!.那)"
# What is left of "那罗永浩呢" without the name: it asks the last question of that person.
_BARE_SWAP = re.compile(
    r"(那|那么|那个|还有|另外)?(呢|嘞|咧|啦|又如何|又怎样|又怎么样|又点)?[?？!！。，,~～]*"
)
# Right before a title: the person holds it ("我有初级会计证", "考过教资").
_HELD = re.compile(r"(有|持有|拿了|拿过|拿到|考了|考过|考到)(个|一个|张|一张|本)?$")
_NO_LEVEL = re.compile("(?<=[这哪每第同上下低高])一级|(?<=.那)一级")


def _leading_topic(topics: dict[str, int]) -> str:
    """The topic named more strongly than any other, or "" when none is."""
    ranked = sorted(topics, key=topics.__getitem__, reverse=True)
    if len(ranked) > 1 and topics[ranked[0]] == topics[ranked[1]]:
        return ""
    return ranked[0] if ranked else ""


ReplyKind = Literal["answer", "both", "fallback", "greeting", "empty"]


@dataclass
class Context:
    """What the last turn was about, so a follow-up can be resolved. Kept by the caller."""

    entry_id: str | None = None
    topic: str | None = None
    certs: tuple[str, ...] = ()
    level: str = ""  # the level the conversation is about ("三级要什么条件"), if one was named
    role: str = ""  # the job the last question was asked of ("平台管理员也分五级吗"), a topic key
    # The last question as the matcher read it (normalised, never as typed; its person swapped
    # in, for "那罗永浩呢"): asked again of someone else, it is asked whole.
    said: str = ""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict."""
        return {**asdict(self), "certs": list(self.certs)}

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Context:
        """Rebuild from to_dict(); tolerant of missing or malformed fields."""
        if not isinstance(data, dict):
            return cls()
        certs = data.get("certs") or ()
        return cls(
            entry_id=data.get("entry_id") if isinstance(data.get("entry_id"), str) else None,
            topic=data.get("topic") if isinstance(data.get("topic"), str) else None,
            certs=tuple(c for c in certs if c in CERTS) if isinstance(certs, list | tuple) else (),
            level=level if isinstance(level := data.get("level"), str) else "",
            role=role if isinstance(role := data.get("role"), str) else "",
            said=said[:MAX_SAID] if isinstance(said := data.get("said"), str) else "",
        )


@dataclass(frozen=True)
class Candidate:
    """An entry with its score and the reasons for it."""

    entry: Entry
    score: float
    reasons: tuple[str, ...]
    similarity: float = 0.0
    topic: bool = False  # the message names the entry's topic
    shared: float = 0.0  # n-gram cosine to the entry's phrasings
    # The ranking's score before it is reported as 0..100: of two past 100 ("营销师工资": its
    # own entry, and the one comparing both), which is ahead.
    raw: float = 0.0


@dataclass(frozen=True)
class Reply:
    """The core's answer to one message; adapters render it."""

    kind: ReplyKind
    query: str
    entries: tuple[Entry, ...] = ()
    score: float = 0.0
    suggestions: tuple[Entry, ...] = ()
    note: str = ""
    # What the articles lack for another question the message asks: said after the answer.
    aside: str = ""
    context: Context = field(default_factory=Context)
    reasons: tuple[str, ...] = ()
    greeting: str | None = None
    features: tuple[tuple[str, float], ...] = ()  # what the confidence was computed from
    # The first candidates as the re-ranker saw them: (entry id, its features), ranking order.
    candidates: tuple[tuple[str, tuple[tuple[str, float], ...]], ...] = ()

    @property
    def entry_id(self) -> str | None:
        """The answering entry's id (the primary one for a side-by-side answer), else None."""
        return self.entries[0].id if self.entries else None


class Matcher:
    """Matches messages against the knowledge. Holds only the index; no conversation state."""

    def __init__(
        self, knowledge: Knowledge, leave_out: str | None = None, model_file: Path | None = None
    ) -> None:
        """``leave_out``: a set of examples the text model must not learn from (the set an
        evaluation is about to ask). ``model_file``: where the trained text model is kept from
        one start to the next (see ``TextModel.kept``); without it the model is trained."""
        self.knowledge = knowledge
        self.analyzer = Analyzer(knowledge)
        self._other_words = knowledge.synonyms.other_cert_words
        # "小米和vivo哪个好": a join word before the which-question sets up a pair of its own
        # (a measure word such as 比 does not).
        joins = [re.escape(j) for j in knowledge.synonyms.title_joins if "比" not in j]
        self._own_pair = re.compile(f"(?:{'|'.join(joins)}).*[哪谁]") if joins else None
        self._owner: list[int] = []
        self._cores: list[str] = []
        self._tokens: list[str] = []
        self._token_sets: list[str] = []  # each phrasing's distinct words, sorted, joined
        self._token_rows: dict[str, list[int]] = defaultdict(list)  # word -> phrasing rows
        self._entry_topics: dict[str, list[Entry]] = defaultdict(list)
        self._position = {entry.id: i for i, entry in enumerate(knowledge.entries)}
        texts: dict[int, list[str]] = defaultdict(list)
        for i, entry in enumerate(knowledge.entries):
            self._entry_topics[entry.topic].append(entry)
            for phrasing in entry.phrasings:
                a = self.analyzer.analyze(phrasing)
                texts[i].append(a.text)
                self._owner.append(i)
                self._cores.append(a.core)
                self._tokens.append(a.tokens)
        self._ngrams = NgramIndex(texts)
        # (A question asked in several sets is read once.)
        read = functools.cache(self.analyzer.reading)
        docs = [(read(p), e.id) for e in knowledge.entries for p in e.phrasings] + [
            (read(x.text), x.entry or "")
            for name, examples in knowledge.examples.items()
            if name != leave_out
            for x in examples
        ]
        # The model trained on the shipped knowledge comes with it (``kb model`` writes it); it
        # is read when it was trained on exactly these questions, else the model is trained.
        root = knowledge.root if leave_out is None else None
        shipped = root / MODEL_FILE if root is not None else None
        self._text = (
            TextModel.kept(docs, model_file, shipped=shipped)
            if model_file or shipped
            else TextModel(docs)
        )
        self._all_rows = list(range(len(self._cores)))
        if len(self._cores) <= FULL_SCAN_LIMIT:  # (after a prefilter, rows are few already)
            for row, tokens in enumerate(self._tokens):
                words = set(tokens.split())
                self._token_sets.append(" ".join(sorted(words)))
                for word in words:
                    self._token_rows[word].append(row)
        self._no_similarity = dict.fromkeys(range(len(knowledge.entries)), 0.0)
        # The levels a message may name ("三级", "初级工"), not 一级 after 那 or 高.
        levels = sorted(knowledge.synonyms.title_levels, key=len, reverse=True)
        self._levels = re.compile(
            "|".join((_NOT_A_LEVEL if lv.startswith("一") else "") + re.escape(lv) for lv in levels)
            or "(?!)"
        )
        # The words a follow-up opens with ("那", "那么"), longest first.
        self._openings = sorted(knowledge.synonyms.followup_words, key=len, reverse=True)
        self._bigrams: dict[str, set[int]] = defaultdict(set)
        self._rows_of: dict[int, list[int]] = defaultdict(list)  # entry -> its phrasing rows
        for j, owner in enumerate(self._owner):
            self._rows_of[owner].append(j)
        if len(self._cores) > FULL_SCAN_LIMIT:
            for j, core in enumerate(self._cores):
                for k in range(len(core) - 1):
                    self._bigrams[core[k : k + 2]].add(self._owner[j])

    # --- public -------------------------------------------------------------------------------

    @property
    def text_model(self) -> TextModel:
        """The text model the matcher re-ranks with."""
        return self._text

    def ask(self, raw: str, context: Context | None = None) -> Reply:
        """Answer one message, given the context of the previous turn."""
        context = context or Context()
        reply = self._ask(raw, context)
        if reply.kind in ("greeting", "empty"):
            return reply
        # The question is remembered as read, or as asked again of someone else.
        said = reply.context.said
        if not said or said == context.said:
            said = self.analyzer.reading(reply.query)[:MAX_SAID]
        return replace(reply, context=replace(reply.context, said=said))

    def _ask(self, raw: str, context: Context) -> Reply:
        query = raw.strip()
        a = self.analyzer.analyze(self._resolve_pronoun(query, context))
        if not a.text:
            return Reply(kind="empty", query=query, context=context)
        if a.greeting and (not a.topics or a.greeting == ABOUT_BOT):
            return Reply(kind="greeting", query=query, context=context, greeting=a.greeting)
        swapped = self._swapped_person(a, context)
        if swapped:
            # "那罗永浩呢" after "李佳琦是几级" asks his level: what the articles lack of him
            # is said so, rather than answering who he is. Asked of him, a question about
            # another's deed ("那俞敏洪呢" after 罗永浩's class) is not asked again.
            reply = self._ask(swapped, Context())
            if reply.context.topic in a.topics:
                return replace(reply, query=query, context=replace(reply.context, said=swapped))

        a = self._shifted(a, context)
        certs, topics, inherited = self._resolve_followup(a, context)
        ranked = self.rank(a, certs, topics)
        # A message with no subject of its own, or one that points back (那个, 这些), continues
        # the conversation in progress.
        # So does one that asks of a topic and little else ("标准啥时候正式发布的"); a remark
        # ("这个好难") never does.
        continues = (
            bool(context.entry_id) and (a.elliptical or a.followup or a.topical) and not a.remark
        ) or self._weighs_pair(a, context)
        named_level = self._levels.search(a.text)
        level = named_level.group(0) if named_level else ""
        # A question naming its certificate and a topic of its own ("互联网营销师算不算主播")
        # starts afresh; "那互联网营销师呢", "那营销师要多少钱" go on with the level asked before.
        afresh = bool(a.certs) and bool(a.topics) and not a.opens
        if continues and context.level and not level and not afresh:
            # "咁要几多钱" after "三级要咩条件": the level named before is still the one asked
            # of, so a detail the articles lack for it (三级's price) is said so.
            level = context.level
            a = replace(a, sought=level + a.sought)
        if not (a.evidence or inherited or continues):
            # The domain gate: question words alone ("哪个好", "多少钱") say nothing about what
            # the message is about. Guesses only for a message with no subject of its own.
            guesses = ranked if a.elliptical and not a.unknown else []
            if topics and not context.topic:
                # "几级" then "全媒体呢", "考个最低那级要多少钱" then "那四级呢": the question
                # said what is asked, the next one which certificate it is asked of.
                asked = max(topics, key=topics.__getitem__)
                context = Context(topic=asked)
            return self._fallback(query, guesses, "", context, ("no word of the certificates",))
        stranger = self._stranger(a, context) if continues else ""
        if stranger:
            # "那薇娅呢" after an answer about 李佳琦: someone else in that place, whom the
            # articles never name. Answering about 李佳琦 again would pass him off as her.
            return self._fallback(
                query,
                [],
                f"两篇资料没有讲到{stranger}。",
                context,
                ("names what the articles do not",),
            )
        told = self._told_of_before(a, context) if continues else None
        if told is not None:
            # "学费多少啊" after an answer about 罗永浩's class: asked of that class, whose fee
            # the articles do not give, not of the certificate's price.
            before = self.knowledge.by_id[context.entry_id or ""]
            return self._fallback(
                query,
                [Candidate(before, 100.0, ())],
                told,
                context,
                ("a specific the articles lack",),
            )
        if not (topics or certs or inherited or continues) and a.elliptical:
            # One word of the field and nothing else ("证书"): nothing says what is asked.
            return self._fallback(query, ranked, "", context, ("names no topic",))
        if a.out_of_scope:
            return self._fallback(
                query, ranked, a.out_of_scope, context, ("a detail the articles do not give",)
            )
        if a.other_title and (not a.certs or a.compare) and not self._prerequisite_mention(a):
            # "会计师工资多少", and "人力资源管理师和营销师哪个好考": half of it is unknown.
            return self._fallback(query, [], "", context, (f"asks about {a.other_title}",))
        if a.foreign and not certs:
            # "淘宝客服工资多少": a topic we know, about a subject we do not.
            return self._fallback(query, [], "", context, (f"about {a.foreign}",))

        direct = self._direct(a, certs, topics, context, inherited)
        features: tuple[tuple[str, float], ...] = ()
        candidates: tuple[tuple[str, tuple[tuple[str, float], ...]], ...] = ()
        if direct is not None:
            best = Candidate(direct, 100.0, ("a bare name or a follow-up's topic",))
        elif ranked and ranked[0].score >= SUGGEST_THRESHOLD:
            # A follow-up that takes its topic from the last answer ("那三级呢" after a price).
            # So does one naming the other certificate whose topic came from the last turn
            # ("那全媒体运营师四级呢" after a price).
            goes_on = (
                continues
                and set(topics) <= {context.topic}
                and (not a.certs or not a.topics.keys() & topics.keys())
            )
            # The certificate carried over is read with the message, where it has an entry on
            # what is asked (where it has none, its name would only pull towards another topic:
            # "多少钱" after a 全媒体运营师 answer is no question about its pay).
            carried = (
                certs if inherited and all(self._entry_for(t, certs[0]) for t in topics) else ()
            )
            read = self._text_input(a, context, goes_on, carried)
            candidates = self.candidate_features(read, a, certs, topics, ranked)
            ranked = self._own_before_comparison(self._rerank(ranked, candidates), a)
            unit = self._unit(ranked, certs)
            text = sum(self._text_of(read, unit, candidates))
            features = self.features(a, ranked, continues, text, len(unit))
            sure, threshold = self._probability(ranked[0], features)
            if sure < threshold:
                why = f"confidence {sure:.2f} below {threshold:.2f}"
                # Of two questions, the one whose detail the articles lack is said so.
                reply = self._fallback(query, ranked, a.partly_missing, context, (why,), features)
                if (goes_on and ranked[0].entry.id == context.entry_id) or (
                    ranked[0].topic and a.certs
                ):
                    # "那三级呢" after a price: the conversation, not the score, says which
                    # entry is meant; a detail that entry declares missing is said so. So is
                    # a topic asked of a certificate the articles say nothing of on it
                    # ("全媒体运营师能不能跟营销师一样跨级考"), however unsure the match.
                    lacking = self._missing(query, ranked[0], certs, a, ranked, context, features)
                    if lacking is not None and lacking.kind == "fallback":
                        reply = replace(lacking, reasons=(*lacking.reasons, why))
                leading = _leading_topic(topics)
                if reply.context is context and a.partly_missing and leading:
                    # "全媒体运营师报名费多少 学生有优惠吗", told what is missing: the next
                    # "那互联网营销师呢" asks the same (the price) of the other one.
                    reply = replace(reply, context=self._asked_context(leading, certs))
                # The score is the confidence it fell short with, as an answer's is.
                return replace(
                    reply,
                    candidates=candidates,
                    score=round(100 * sure, 1),
                    context=replace(reply.context, role=self._role_asked(a)),
                )
            best = Candidate(ranked[0].entry, 100 * sure, (*ranked[0].reasons, f"p={sure:.2f}"))
        else:
            return self._fallback(query, ranked, "", context, ("nothing close",))
        reply = self._missing(
            query, best, certs, a, ranked, context, features, inherited
        ) or self._answer(query, best, certs, a, ranked, features, context)
        after = replace(reply.context, level=level, role=self._role_asked(a))
        return replace(reply, candidates=candidates, context=after)

    def _missing(
        self,
        query: str,
        best: Candidate,
        certs: tuple[str, ...],
        a: Analysis,
        ranked: list[Candidate],
        context: Context,
        features: tuple[tuple[str, float], ...] = (),
        inherited: bool = False,
    ) -> Reply | None:
        """An honest fallback when the message asks for a specific the articles lack: a
        certificate or a job they say nothing of on this topic, or a detail the entry itself
        declares missing (the price of 三级). It says what is missing and offers the nearest
        entry first, instead of answering as if the nearest were what was asked."""
        entry = best.entry
        note = ""
        # Named, pointed to (四级, 广电), or carried over from the conversation ("多少钱" after
        # a 全媒体运营师 answer): the person asks about that one certificate.
        named = len(certs) == 1 and (certs in (a.certs, a.hinted) or inherited)
        compared = self._comparison_for(entry.topic)
        if named and certs[0] not in entry.certs and compared is not None:
            # "全媒体运营师有冇用": the entry comparing both speaks of it.
            return self._answer(
                query, Candidate(compared, best.score, best.reasons), certs, a, ranked, features
            )
        if (
            a.likened
            and not entry.is_comparison
            and a.subject not in entry.certs
            and self._entry_for(entry.topic, a.subject) is None
        ):
            # "全媒体运营师能不能跟营销师一样跨级考": asked of the one the articles say nothing
            # of on this, the other only likened to.
            named, certs = True, (a.subject,)
        other = self._only_of_the_other(a, entry, certs) if named else None
        if other is not None:
            # "全媒体运营师多少钱": the one topic asked, the articles give only for the other
            # certificate; an entry of its own on another topic (its pay) is no answer.
            best, entry = Candidate(other, best.score, best.reasons), other
        if named and certs[0] not in entry.certs:
            near = "、".join(CERTS[c] for c in entry.certs)
            note = f"两篇资料都没有讲到{CERTS[certs[0]]}的这一点；最接近的是{near}的情况。"
        else:
            note = self._role_note(a, entry) or ""
            gap = None if note else self._gap(entry, a)
            if gap is not None and self._asked_beside(gap, a, entry):
                # "全媒体运营月薪多少 够不够在北京租房": the pay is asked in a clause of its own,
                # the city only in another; the answer, and what the articles lack for it.
                partly = replace(a, partly_missing=gap.note)
                return self._answer(query, best, certs, partly, ranked, features, context)
            note = note or (gap.note if gap else "")
        if not note:
            return None
        nearest = [best, *(c for c in ranked if c.entry.id != entry.id)]
        # The conversation is now about what was asked, answered or not: "那互联网营销师四级呢"
        # after "全媒体运营证报名费多少" asks the same of the other one.
        asked = Context(entry_id=entry.id, topic=entry.topic, certs=certs or entry.certs)
        return self._fallback(
            query, nearest, note, asked, ("a specific the articles lack",), features
        )

    def _text_input(
        self, a: Analysis, context: Context, goes_on: bool, inherited: tuple[str, ...] = ()
    ) -> str:
        """What the text model reads: the message as the analysis read it; a follow-up that
        goes on with the last answer's topic ("那三级呢") after the question it goes on from, as
        the person meant it; one that takes its certificate from the conversation ("在校生能报
        吗" after a 全媒体运营师 answer) with that certificate's name before it."""
        before = self.knowledge.by_id.get(context.entry_id or "") if goes_on else None
        if before is not None:
            return self.analyzer.reading(before.question) + a.text
        if len(inherited) == 1:
            return CERTS[inherited[0]] + a.text
        return a.text

    def _unit(self, ranked: list[Candidate], certs: tuple[str, ...]) -> list[Candidate]:
        """The candidates the answer is made of: the first, and with no one certificate asked
        of, its topic's entry for the other certificate next to it ("考下来能拿多少工资" is
        answered with both pays, so the two are one answer, not rivals)."""
        top = ranked[0].entry
        if len(certs) == 1 or top.is_comparison or len(ranked) < 2:
            return ranked[:1]
        runner = ranked[1].entry
        pair = runner.topic == top.topic and not runner.is_comparison and runner.certs != top.certs
        return ranked[:2] if pair else ranked[:1]

    def _text_of(
        self,
        query: str,
        unit: list[Candidate],
        candidates: tuple[tuple[str, tuple[tuple[str, float], ...]], ...],
    ) -> list[float]:
        """The text model's probability of each of the answer's candidates."""
        read = {entry_id: dict(features)["text"] for entry_id, features in candidates}
        wanted = [c.entry.id for c in unit]
        if not all(w in read for w in wanted):
            read = self._text.probabilities(query, wanted)
        return [read.get(w, 0.0) for w in wanted]

    def features(
        self,
        a: Analysis,
        ranked: list[Candidate],
        continues: bool,
        text: float = 0.0,
        unit: int = 1,
    ) -> tuple[tuple[str, float], ...]:
        """The parts of the best match that its confidence is computed from: against the
        first candidate that is not part of the same answer (``unit`` candidates make it)."""
        top = ranked[0]
        runner = ranked[unit].score if len(ranked) > unit else 0.0
        return (
            ("score", top.score / 100),
            ("margin", (top.score - runner) / 100),
            ("similarity", top.similarity / 100),
            ("topic", float(top.topic)),
            ("evidence", min(len(a.evidence), 3) / 3 if not continues else 1.0),
            ("unknown", a.unknown),
            ("elliptical", float(a.elliptical)),
            ("length", min(len(a.text), 60) / 60),
            ("shared", top.shared),
            ("text", text),
            ("partial", float(bool(a.partly_missing))),
        )

    def candidate_features(
        self,
        query: str,
        a: Analysis,
        certs: tuple[str, ...],
        topics: dict[str, int],
        ranked: list[Candidate],
    ) -> tuple[tuple[str, tuple[tuple[str, float], ...]], ...]:
        """What the re-ranker weighs for each of the first candidates."""
        head = ranked[:RERANKED]
        if len(head) < 2:
            return ()
        # The text model reads phrasings, not which certificate is named: with one named, it
        # weighs only the entries that can speak of that one ("互联网营销师男的多还是女的多"
        # must not read as the 全媒体运营师 entry its examples ask that of).
        named = set(a.certs) if len(a.certs) == 1 else set(CERTS)
        speaking = [c.entry for c in head if named & set(c.entry.certs)]
        # Most wordings it learnt were asked of 互联网营销师: with the other one named, what a
        # wording says of one certificate's entry it says of the named one's on the same topic
        # ("全媒体运营师以后没前途 是真的吗" reads like the 互联网营销师 outlook questions).
        twins: dict[str, str] = {}
        if len(named) == 1:
            for e in (e for e in speaking if not e.is_comparison):
                for other in set(CERTS) - named:
                    twin = self._entry_for(e.topic, other)
                    if twin is not None:
                        twins[twin.id] = e.id
        probability = self._text.probabilities(query, [*(e.id for e in speaking), *twins])
        for twin_id, own in twins.items():
            probability[own] = probability.get(own, 0.0) + probability.pop(twin_id, 0.0)
        top = head[0].raw
        roles = self.knowledge.synonyms.topics
        # "平台管理员一个月工资多少" asks the pay (of that job), not what the job is; "带货主播
        # 平时干啥" asks what the job is (the topic covering the roles).
        umbrella = self.knowledge.synonyms.roles_topic
        asked_besides_roles = any(
            not roles[t].role and not roles[t].generic and t != umbrella
            for t in (a.final_topics or topics)
        )
        rows = []
        for i, c in enumerate(head):
            e = c.entry
            rows.append(
                (
                    e.id,
                    (
                        ("score", c.raw / 100),
                        ("behind", (top - c.raw) / 100),
                        ("similarity", c.similarity / 100),
                        ("topic", float(c.topic)),
                        ("shared", c.shared),
                        ("first", float(i == 0)),
                        ("second", float(i == 1)),
                        ("comparison", float(e.is_comparison)),
                        ("certificate", float(bool(certs) and set(e.certs) <= set(certs))),
                        ("asked", float(e.topic in a.final_topics)),
                        ("text", probability.get(e.id, 0.0)),
                        ("role_aside", float(roles[e.topic].role and asked_besides_roles)),
                    ),
                )
            )
        return tuple(rows)

    def _rerank(
        self,
        ranked: list[Candidate],
        candidates: tuple[tuple[str, tuple[tuple[str, float], ...]], ...],
    ) -> list[Candidate]:
        """The first candidates reordered by the fitted re-ranker (knowledge/confidence.yaml):
        the ranking's scores weighed against the text model's reading of the whole message."""
        calibration = self.knowledge.calibration
        reranker = calibration.rerank if calibration else None
        if reranker is None or not candidates or ranked[0].similarity >= NEAR_EXACT:
            # (A message that is one of the first entry's own phrasings stays with it.)
            return ranked
        scores = [reranker.score(dict(features)) for _, features in candidates]
        best = max(range(len(scores)), key=scores.__getitem__)  # (the first of equals)
        if best == 0:
            return ranked
        moved = replace(
            ranked[best], reasons=(*ranked[best].reasons, "re-ranked by the text model")
        )
        return [moved, *ranked[:best], *ranked[best + 1 :]]

    def _own_before_comparison(self, ranked: list[Candidate], a: Analysis) -> list[Candidate]:
        """ "互联网营销师嘅人工高唔高": one certificate named and nothing compared with it asks
        that certificate's own entry on the topic, not the one weighing the two."""
        top = ranked[0].entry
        if len(a.certs) != 1 or a.compare or a.measured or not top.is_comparison:
            return ranked
        own = self._entry_for(top.topic, a.certs[0])
        at = next((i for i, c in enumerate(ranked) if c.entry is own), None) if own else None
        if at is None:
            return ranked
        moved = replace(ranked[at], reasons=(*ranked[at].reasons, "the named certificate's own"))
        return [moved, *ranked[:at], *ranked[at + 1 :]]

    def _probability(
        self, top: Candidate, features: tuple[tuple[str, float], ...]
    ) -> tuple[float, float]:
        """(P(right), the threshold to answer at): fitted when knowledge/confidence.yaml is
        there, else the raw score against ANSWER_THRESHOLD."""
        calibration = self.knowledge.calibration
        if calibration is None:
            return top.score / 100, ANSWER_THRESHOLD / 100
        return calibration.probability(dict(features)), calibration.threshold

    def _only_of_the_other(self, a: Analysis, entry: Entry, certs: tuple[str, ...]) -> Entry | None:
        """The other certificate's entry on the one specific topic asked, when the answer
        found is on another topic and the certificate asked about has no entry on it."""
        if len(a.topics) != 1 or len(certs) != 1:
            return None
        topic = next(iter(a.topics))
        if topic == entry.topic or not self._of_a_certificate(topic):
            return None
        if self._entry_for(topic, certs[0]) is not None:
            return None
        if self._comparison_for(topic) is not None:
            return None
        return next(iter(self._entry_topics.get(topic, ())), None)

    def _of_a_certificate(self, topic: str) -> bool:
        """True for a topic that is a certificate's own matter (its exam, its price), not the
        training market, a job, a person or event, or a question form."""
        kind = self.knowledge.synonyms.topics[topic]
        return not (kind.generic or kind.role or kind.market or kind.named)

    def _told_of_before(self, a: Analysis, context: Context) -> str | None:
        """After an answer about a person or event, what its entry says the articles lack, when
        a follow-up naming nothing of its own asks for it; else None."""
        before = self.knowledge.by_id.get(context.entry_id or "")
        topic = self.knowledge.synonyms.topics.get(before.topic) if before else None
        if before is None or topic is None or not topic.named or a.certs or a.named:
            return None
        return self._lacking(before, a)

    @classmethod
    def _lacking(cls, entry: Entry, a: Analysis) -> str | None:
        gap = cls._gap(entry, a)
        return gap.note if gap else None

    @staticmethod
    def _gap(entry: Entry, a: Analysis) -> Gap | None:
        """The first specific the entry declares missing that the message asks for (words in
        what it seeks, none of the words that show it asks what the entry says)."""
        sought = _NO_LEVEL.sub("", a.sought)  # "最低那一级" names no level
        return next(
            (
                gap
                for gap in entry.lacks
                if gap.asked_in(sought) and not any(w in a.text for w in gap.unless)
            ),
            None,
        )

    def _asked_beside(self, gap: Gap, a: Analysis, entry: Entry) -> bool:
        """Whether the missing specific is asked only in a question of its own after the one
        the entry answers ("月薪多少 够不够在北京租房"); one that comes first says what the rest
        is asked of ("三级呢 多少钱"), and one on the entry's own topic is the question ("还能考吗
        有没有年龄上限"). Of a person or an event ("罗永浩那个培训班叫啥 学费多少"),
        every detail asked is the question."""
        topics = self.knowledge.synonyms.topics
        narrowing = {t for t, kind in topics.items() if entry.topic in kind.refines}
        holding = [gap.asked_in(part) for part, _ in a.parts]
        if not holding or holding[0] or not a.parts[0][1] or topics[entry.topic].named:
            return False
        # A level alone ("多少钱 三级呢") is what the question is asked of, not a question.
        return any(holding) and all(
            entry.topic not in own and not (own and own <= narrowing)
            for (_, own), held in zip(a.parts, holding, strict=True)
            if held
        )

    def _stranger(self, a: Analysis, context: Context) -> str:
        """The name in a bare follow-up after an answer about a person or event ("那薇娅呢",
        "那杭州呢" after 金华), when not one of its words is known to the bot; else ""."""
        topic = self.knowledge.synonyms.topics.get(context.topic or "")
        bare = a.elliptical or (a.followup and a.text.endswith("呢"))
        if topic is None or not topic.named or not bare or a.unknown < 1.0:
            return ""
        if a.topics or a.certs or a.hinted or a.evidence:
            return ""
        # What is left once the follow-up's opening word ("那", "还有") goes.
        opening = next((w for w in self._openings if a.core.startswith(w) and w != a.core), "")
        name = a.core[len(opening) :]
        if not 2 <= len(name) <= 6 or _FIRST_PERSON.search(name):
            return ""
        return name if all("\u4e00" <= ch <= "\u9fff" for ch in name) else ""

    def _swapped_person(self, a: Analysis, context: Context) -> str:
        """The last question with its person or event swapped for the one this message names
        and nothing else ("那罗永浩呢" after "李佳琦是几级": "罗永浩是几级"), else ""."""
        topics = self.knowledge.synonyms.topics
        if not context.said or not a.named or len(a.topics) != 1:
            return ""
        new = next(iter(a.topics))
        word = self._named_word(new, a.text)
        if not topics[new].named or not word or not _BARE_SWAP.fullmatch(a.text.replace(word, "")):
            return ""
        before = self.analyzer.analyze(context.said)
        old = [t for t in before.topics if topics[t].named]
        # The last question asked something of its one person ("是几级"), and that person is
        # of the same kind as this one (both people, say, not a person and a document).
        if len(old) != 1 or old[0] == new or len(before.topics) < 2:
            return ""
        kinds = [{e.id.split(".")[0] for e in self._entry_topics.get(t, ())} for t in (old[0], new)]
        if not kinds[0] & kinds[1]:
            return ""
        return before.text.replace(self._named_word(old[0], before.text), word)

    def _named_word(self, topic: str, text: str) -> str:
        words = sorted(self.knowledge.synonyms.topics[topic].words, key=len, reverse=True)
        return next((w for w in words if w in text), "")

    def _resolve_pronoun(self, query: str, context: Context) -> str:
        """ "那他一年挣多少" after an answer about a person: 他 is that person, so the rules about
        people (what the articles do not tell of them) apply. After one about a job, or a
        question asked of one, 他 is that job."""
        syn = self.knowledge.synonyms
        topic = syn.topics.get(context.topic or "")
        if topic is None or not (topic.named or topic.role):
            # "咁佢日常做啲咩嘢" after "平台管理员是不是只有三级": 佢 is that job.
            topic = syn.topics.get(context.role)
        if topic is None or self.analyzer.names_anyone(query) or self.analyzer.names_a_job(query):
            return query
        for pronoun in sorted(syn.pronouns, key=len, reverse=True):
            # "其他省出了没有": 其他 is "other", no pronoun.
            found = re.search(f"(?<!其){re.escape(pronoun)}", query)
            if found and query.startswith(syn.situations, found.end()):
                # "那她这种适合考哪个证": the person asked for, in her own case.
                return query
            if found:
                return query[: found.start()] + topic.label + query[found.end() :]
        return query

    def _shifted(self, a: Analysis, context: Context) -> Analysis:
        """ "是不是门槛很低" after an answer about who runs the training asks the training's
        threshold, not the exam's requirements: the shifts that hold after such an answer."""
        goes_on = bool(context.entry_id) and (a.elliptical or a.followup or a.topical)
        for shift in self.knowledge.synonyms.shifts:
            if not (
                shift.after
                and goes_on
                and context.topic in shift.after
                and shift.source in a.topics
                and any(w in a.asked for w in shift.when)
            ):
                continue
            a = replace(a, topics=dict(a.topics))  # (the analysis may be shared: a copy moves)
            shift_topic(a, shift)
        return a

    def _role_asked(self, a: Analysis) -> str:
        """The one job a question is asked of ("平台管理员是不是只有三级"), if there is one; a
        job someone in the story wants ("他想转行做直播带货") is none."""
        topics = self.knowledge.synonyms.topics
        roles = {t for t in (*a.final_topics, *a.role_subject) if topics[t].role}
        return roles.pop() if len(roles) == 1 and not roles & a.background else ""

    def search(self, raw: str, limit: int = 10) -> list[Entry]:
        """Entries for a search box (inline mode), best first: what ``ask`` answers, the other
        entries ranked as plausible, then the answer's related questions; for a question ``ask``
        cannot answer, only its guesses."""
        reply = self.ask(raw)
        if reply.kind not in ("answer", "both"):
            return list(reply.suggestions[:limit])
        a = self.analyzer.analyze(raw)
        ranked = [c.entry for c in self.rank(a, a.certs, a.topics) if c.score >= SUGGEST_THRESHOLD]
        return list(dict.fromkeys([*reply.entries, *ranked, *reply.suggestions]))[:limit]

    def rank(self, a: Analysis, certs: tuple[str, ...], topics: dict[str, int]) -> list[Candidate]:
        """All plausible entries, best first, each with its score and reasons."""
        rows = self._prefilter(a) if len(self._cores) > FULL_SCAN_LIMIT else self._all_rows
        fuzzy = self._fuzzy(a, rows)
        # Past the prefilter only its candidates are scored: the n-grams need no more.
        only = None if rows is self._all_rows else {self._owner[j] for j in rows}
        shared = self._ngrams.similarity(a.text, only)
        entries = self.knowledge.entries
        if a.compare and len(certs) != 1:
            # "哪个更有前景": the entry weighing the two answers a topic with no comparison
            # of its own (the topic's compared_in).
            topics = dict(topics)
            for key, weight in list(topics.items()):
                compared = self._comparison_for(key)
                if compared is not None:
                    topics.setdefault(compared.topic, weight)
        strongest = max(topics.values(), default=1)
        out: list[tuple[float, str, Entry, list[str]]] = []
        for i, fz in fuzzy.items():
            entry = entries[i]
            score = FUZZY_WEIGHT * fz + NGRAM_WEIGHT * shared.get(i, 0.0)
            reasons = [f"similarity {fz:.0f}"]
            if shared.get(i, 0.0) >= 0.3:
                reasons.append(f"shares pieces of its phrasings ({shared[i]:.2f})")
            if fz >= NEAR_EXACT:
                # The message is (almost) one of the entry's own phrasings: that beats any
                # topic word it happens to contain.
                score += NEAR_EXACT_BONUS
                reasons.append("near-exact phrasing")
            elif topics:
                if entry.topic in topics:
                    bonus = TOPIC_BONUS * (0.8 + 0.2 * topics[entry.topic] / strongest)
                    if a.final_topics and entry.topic not in a.final_topics:
                        bonus *= NAMED_SUBJECT if a.named else EARLIER_CLAUSE
                    if entry.topic in a.background:
                        bonus *= BACKGROUND
                    score += bonus
                    reasons.append(f"topic {entry.topic}")
                else:
                    score -= TOPIC_MISS
            score += self._cert_adjustment(entry, certs, a.compare, reasons, topics)
            out.append((-score, entry.id, entry, reasons))
        out.sort(key=lambda row: row[:2])
        # Scores are ranked raw and reported as a 0..100 confidence.
        return [
            Candidate(
                e,
                max(0.0, min(100.0, -neg)),
                tuple(r),
                fuzzy[self._position[e.id]],
                e.topic in topics,
                shared.get(self._position[e.id], 0.0),
                -neg,
            )
            for neg, _, e, r in out
        ]

    # --- scoring ------------------------------------------------------------------------------

    def _fuzzy(self, a: Analysis, rows: list[int]) -> dict[int, float]:
        """Best string similarity per entry index, over the candidate rows."""
        # Every entry takes part (so topic and certificate alone can carry a short message);
        # similarity below the cutoff counts as none, which saves most of the work.
        if rows is self._all_rows:
            best = dict(self._no_similarity)
        else:
            best = dict.fromkeys((self._owner[j] for j in rows), 0.0)
        if not a.core:
            return best
        owner = self._owner
        for row, value in self._similar(a.core, rows, self._cores, fuzz.ratio, FUZZY_CUTOFF):
            if value > best[owner[row]]:
                best[owner[row]] = value
        for row, value in self._word_similarity(a, rows).items():
            if 0.9 * value > best[owner[row]]:
                best[owner[row]] = 0.9 * value
        return best

    def _word_similarity(self, a: Analysis, rows: list[int]) -> dict[int, float]:
        """rapidfuzz's token_set_ratio of the message's words against each row's, above the
        cutoff, computed in two parts for speed with the same result: for a row sharing no word
        with the message, token_set_ratio is plain ratio of the two sorted word sets (its
        intersection is empty), which is a fraction of the cost; only the rows sharing a word
        (a tenth or so) need token_set_ratio itself."""
        words = set(a.tokens.split())
        if not words:
            return {}
        cutoff = FUZZY_CUTOFF / 0.9
        if rows is not self._all_rows:
            return dict(self._similar(a.tokens, rows, self._tokens, fuzz.token_set_ratio, cutoff))
        sharing = set().union(*(self._token_rows.get(word, ()) for word in words))
        apart = [j for j in rows if j not in sharing and self._token_sets[j]]
        scores = dict(
            self._similar(" ".join(sorted(words)), apart, self._token_sets, fuzz.ratio, cutoff)
        )
        scores.update(
            self._similar(a.tokens, sorted(sharing), self._tokens, fuzz.token_set_ratio, cutoff)
        )
        return scores

    @staticmethod
    def _similar(
        query: str, rows: list[int], texts: list[str], scorer: Any, cutoff: float
    ) -> list[tuple[int, float]]:
        """(row, similarity) for the rows whose text scores at least ``cutoff``."""
        choices = texts if len(rows) == len(texts) else [texts[j] for j in rows]
        found = process.extract(query, choices, scorer=scorer, score_cutoff=cutoff, limit=None)
        return [(rows[pos], value) for _, value, pos in found]

    def _prefilter(self, a: Analysis) -> list[int]:
        """Phrasing rows of the entries sharing most bigrams with the message, or its topics."""
        votes: dict[int, int] = defaultdict(int)
        core = a.core
        for k in range(len(core) - 1):
            for owner in self._bigrams.get(core[k : k + 2], ()):
                votes[owner] += 1
        for topic in a.topics:
            for entry in self._entry_topics.get(topic, ())[:CANDIDATES]:
                votes[self._position[entry.id]] += 1
        # (nlargest keeps the order sorted() would: of equal votes, the first counted.)
        chosen = {o for o, _ in heapq.nlargest(CANDIDATES, votes.items(), key=lambda kv: kv[1])}
        return sorted(j for owner in chosen for j in self._rows_of[owner])

    def _cert_adjustment(
        self,
        entry: Entry,
        certs: tuple[str, ...],
        compare: bool,
        reasons: list[str],
        topics: dict[str, int],
    ) -> float:
        if compare and (len(certs) != 1):
            if entry.is_comparison:
                reasons.append("compares both")
                return COMPARE_MATCH
            return -5.0
        if not certs:
            return 3.0 if entry.is_comparison else 0.0
        if len(certs) == 1:
            cert = certs[0]
            if cert in entry.certs:
                if entry.is_comparison:
                    if entry.topic == _leading_topic(topics) and not self._entry_for(
                        entry.topic, cert
                    ):
                        # The certificate has no entry of its own on the topic chiefly asked:
                        # the one weighing the two is what the articles say of it
                        # ("考全媒体运营师有用吗").
                        reasons.append(f"speaks of {cert} too")
                        return CERT_MATCH
                    return 0.0
                reasons.append(f"certificate {cert}")
                return CERT_MATCH
            if self._entry_for(entry.topic, cert) is not None:
                reasons.append(f"other certificate than {cert}")
                return -CERT_WRONG
            return -5.0
        return COMPARE_MATCH if entry.is_comparison else -5.0

    # --- decisions ----------------------------------------------------------------------------

    def _asked_too(self, a: Analysis, entries: tuple[Entry, ...]) -> list[Entry]:
        """Entries for the topics the message asks besides the answered one, for the same
        certificate(s): the topics it names, then those only its question forms ask."""
        answered = {e.topic for e in entries}
        certs = {c for e in entries for c in e.certs}
        asked = a.formed | a.final_topics
        found = []
        for topic in dict.fromkeys([*a.topics, *sorted(a.formed)]):
            if topic in answered or topic not in asked:
                continue
            # Only about the answered certificate(s): "五级跟四级有啥区别", answered for
            # 互联网营销师 offers nothing comparing the two certificates.
            near = [e for e in self._entry_topics.get(topic, ()) if set(e.certs) <= certs]
            if near:
                # Both answered: the entry comparing them ("有啥区别 工资哪个高").
                found.append(min(near, key=lambda e: e.is_comparison != (len(certs) > 1)))
        return found

    def _asked_context(self, topic: str, certs: tuple[str, ...]) -> Context:
        """The conversation after a question on one topic that was not answered: about that
        topic, and the certificate asked of, with the entry that would speak of it."""
        entry = (self._entry_for(topic, certs[0]) if len(certs) == 1 else None) or next(
            iter(self._entry_topics.get(topic, ())), None
        )
        if entry is None:
            return Context(topic=topic, certs=certs)
        return Context(entry_id=entry.id, topic=topic, certs=certs or entry.certs)

    def _entry_for(self, topic: str, cert: str) -> Entry | None:
        for entry in self._entry_topics.get(topic, ()):
            if entry.certs == (cert,):
                return entry
        return None

    def _weighs_pair(self, a: Analysis, context: Context) -> bool:
        """True when a comparison names no pair of its own ("哪个比较适合我这种靠写字吃饭的人")
        right after an answer about both certificates: the two it weighs are those.
        "小米和vivo哪个好" sets up its own pair."""
        return (
            a.compare
            and len(context.certs) == 2
            and bool(context.entry_id)
            and not a.certs
            and not a.other_title
            and not a.remark
            and not (self._own_pair and self._own_pair.search(a.text))
        )

    def _resolve_followup(
        self, a: Analysis, context: Context
    ) -> tuple[tuple[str, ...], dict[str, int], bool]:
        """Fill in the certificate, or the topic, from the previous turn."""
        certs, topics = a.certs, dict(a.topics)
        inherited = False
        other = [c for c in CERTS if c not in context.certs]
        if not certs and len(other) == 1 and any(w in a.text for w in self._other_words):
            # "那另一个证呢": the certificate not being discussed, on the same topic.
            certs, inherited = (other[0],), True
            if not topics and context.topic:
                topics = {context.topic: 1}
        elif not certs and a.hinted and not a.compare:
            certs = a.hinted
        elif (
            not certs
            and len(context.certs) == 1
            and not a.compare
            and a.opens
            and topics
            and not a.named
            and all(
                self._entry_for(t, context.certs[0]) or self._of_a_certificate(t) for t in topics
            )
        ):
            # "那当时一共发布了几个新职业" after a 全媒体运营师 answer goes on about it, when
            # the articles have that certificate's own entry on what it asks, or what it asks
            # is a certificate's own matter ("那考试是线上考吗": the reply says they lack it).
            certs, inherited = context.certs, True
        elif not certs and len(context.certs) == 1 and not a.compare and a.points_back:
            # "那它能跨级考吗" after a 全媒体运营师 answer is asked of it, even where the
            # articles tell that only of the other certificate (the reply then says so).
            certs, inherited = context.certs, True
        elif (
            not certs
            and context.certs
            and not a.compare
            and (a.elliptical or (a.topical and len(context.certs) == 1))
            and not a.remark
            and not a.named
        ):
            # A question with no subject of its own ("要多少钱", "可以跳级考吗") continues the
            # certificate being discussed; one with its own ("我普通话不好能干直播吗", a person
            # or event named: "罗永浩也开过直播培训班？") stands on its own.
            certs, inherited = context.certs, True
        elif a.compare and len(certs) == 1 and context.certs and certs != context.certs:
            # "为啥比互联网营销师低这么多" after a 全媒体运营师 answer compares the two.
            certs = tuple(sorted({*certs, *context.certs}))
        told = self.knowledge.synonyms.topics.get(context.topic or "")
        if (
            topics
            and told is not None
            and told.named
            and not (a.certs or a.hinted or a.evidence or a.named or a.compare)
            and (a.elliptical or a.topical)
        ):
            # "啥时候开的" after an answer about 罗永浩's class: a bare question form, with no
            # word of its own, asks it of what was just told.
            return certs, {told.key: 1}, inherited
        if not topics and context.topic and (a.certs or a.followup or a.compare):
            # "那全媒体运营师呢", "那个呢": same topic; "哪个高" after two salaries compares
            # them. A lone word ("证书") is not a follow-up.
            topics = {context.topic: 1}
        elif (
            topics
            and context.topic
            and a.followup
            and (not a.certs or a.elliptical)
            and not a.formed & topics.keys()
        ):
            syn = self.knowledge.synonyms
            refined = syn.topics
            before = refined.get(context.topic)
            if all(context.topic in refined[t].refines for t in topics):
                # "那四级呢" after the eligibility answer: eligibility, for that level; so is
                # "那全媒体运营师四级呢" after a price. Asked in its own form ("那有几个级别呢"),
                # the level is the question.
                topics = {context.topic: 1}
            elif (
                before is not None
                and not (before.role or before.generic or before.key == syn.roles_topic)
                and all(refined[t].role for t in topics)
            ):
                # "那平台管理员呢" after the levels: the levels, asked of that job (the
                # certificate's entry tells it, or says what it lacks for the job); after what
                # the certificate is or does, the job's own entry answers.
                topics = {context.topic: 1}
        return certs, topics, inherited

    def _direct(
        self,
        a: Analysis,
        certs: tuple[str, ...],
        topics: dict[str, int],
        context: Context,
        inherited: bool,
    ) -> Entry | None:
        """An entry chosen without scoring: a bare certificate name, or a follow-up's topic."""
        if (len(a.certs) > 1 or a.compare) and not topics and len(a.core) <= SHORT_COMPARISON:
            return self.knowledge.by_id.get(self.knowledge.synonyms.difference_entry)
        if inherited and len(certs) == 1 and len(topics) == 1 and len(a.tokens.split()) == 1:
            # "学费" after an answer on 互联网营销师: one word of a topic, asked of it.
            own = self._entry_for(next(iter(topics)), certs[0])
            if own is not None:
                return own
        # "那另一个证呢": the other certificate, as if named (its words make no longer a core).
        switched = inherited and not a.certs and certs != context.certs
        if not (a.certs or switched) or a.topics:
            return None
        if a.certs and len(a.core) > SHORT_FOLLOWUP:
            return None
        if topics and context.topic in topics and len(certs) == 1:
            return self._entry_for(context.topic, certs[0]) or self._topic_any(context.topic)
        if a.compare and context.topic in topics:
            # "跟互联网营销师比呢" after one's pay: the entry comparing the two on it, or else
            # both on the topic, ranked.
            return self._comparison_for(context.topic)
        if a.compare:
            return self.knowledge.by_id.get(self.knowledge.synonyms.difference_entry)
        if len(certs) == 1:
            return self._entry_for("definition", certs[0])
        return None

    def _comparison_for(self, topic: str) -> Entry | None:
        known = self.knowledge.synonyms.topics.get(topic)
        # One step only: a topic compared in another is not compared further along.
        for key in (topic, known.compared_in if known else ""):
            found = next((e for e in self._entry_topics.get(key, ()) if e.is_comparison), None)
            if found is not None:
                return found
        return None

    def _topic_any(self, topic: str) -> Entry | None:
        found = self._entry_topics.get(topic)
        return found[0] if found else None

    def _prerequisite_mention(self, a: Analysis) -> bool:
        """True for "三级要教师资格证吗": a title the knowledge names as a requirement."""
        # A level named ("考三级还得有教师资格证吗", "有教资没有电子商务师证，三级要两个都有吗")
        # makes the title a requirement asked about.
        syn = self.knowledge.synonyms
        if a.title_joined:
            # "互联网营销师跟电子商务师哪个证更好考": weighed against ours, it is no requirement.
            return False
        # (A level the requirements narrow is no topic of its own: look for its words.)
        level = "levels" in a.topics or any(w in a.text for w in syn.topics["levels"].words)
        # So does a phrase pointing at a certificate of ours ("考这个证要不要先有教师资格证",
        # "还有啥证能顶"); a word such as 报名 does not ("教师资格证怎么报名").
        field = any(w in syn.domain_phrases for w in a.evidence)
        # A title the person holds ("考三级要啥条件 我有初级会计证算不算") is theirs to weigh
        # against the requirements, whichever title it is.
        at = a.text.find(a.other_title) if a.other_title else -1
        held = at > 0 and bool(_HELD.search(a.text[:at]))
        return (level or field or bool(a.hinted)) and (
            held or any(t in a.text for t in syn.prerequisite_titles)
        )

    def _answer(
        self,
        query: str,
        best: Candidate,
        certs: tuple[str, ...],
        a: Analysis,
        ranked: list[Candidate],
        features: tuple[tuple[str, float], ...] = (),
        context: Context | None = None,
    ) -> Reply:
        entry = best.entry
        entries: tuple[Entry, ...] = (entry,)
        kind: ReplyKind = "answer"
        note = ""
        if len(certs) != 1 and not entry.is_comparison:
            # The certificate the message is about comes first ("全媒体运营师有几级，像营销师
            # 那样" leads with 全媒体运营师).
            # Named by neither, the one being discussed comes first ("要满几岁才能报" after
            # a 全媒体运营师 answer).
            discussed = context.certs[0] if context and len(context.certs) == 1 else ""
            order = sorted(CERTS, key=lambda c: c != (a.subject or discussed))
            pair = [self._entry_for(entry.topic, c) for c in order]
            compared = self._comparison_for(entry.topic)
            if a.compare and compared is not None:
                # "那工资跟营销师比差多少": the entry that compares beats two side by side.
                entry, entries = compared, (compared,)
            elif all(pair):
                entries = tuple(e for e in pair if e is not None)
                kind = "both"
        elif len(certs) == 1 and certs[0] not in entry.certs:
            # Inherited from the conversation, not named: the topic belongs to the other one.
            note = f"这一点资料里只讲了{'、'.join(CERTS[c] for c in entry.certs)}。"
        # "能不能直接在网上报名 官网在哪里": the answer, then what the articles lack for the
        # other question.
        aside = f"您问的另一点，{a.partly_missing}" if a.partly_missing else ""
        shown = {e.id for e in entries}
        # The message's other questions come first ("分几级 要什么条件", answered on the
        # conditions, offers the levels), then the entry's own related ones.
        offered = [*self._asked_too(a, entries), *(self.knowledge.by_id[r] for r in entry.related)]
        related = [e for e in dict.fromkeys(offered) if e.id not in shown][:MAX_SUGGESTIONS]
        context = Context(
            entry_id=entry.id,
            topic=entry.topic,
            certs=certs if certs else tuple(c for e in entries for c in e.certs),
        )
        return Reply(
            kind=kind,
            query=query,
            entries=entries,
            score=round(best.score, 1),
            suggestions=tuple(related),
            note=note,
            aside=aside,
            context=context,
            reasons=best.reasons,
            features=features,
        )

    def _role_note(self, a: Analysis, entry: Entry) -> str:
        """ "选品员一个月能拿多少": a job title named, and an answer that never mentions it, is
        about the whole certificate; say so."""
        topics = self.knowledge.synonyms.topics
        for key in (*a.topics, *a.role_subject):
            role = topics[key]
            said = f"{entry.lead}{entry.answer}"
            if (
                role.role
                and key != entry.topic
                # "招带货主播，看营销师证还是全媒体运营师证": the job is the setting of another
                # question, not what it asks about.
                and (not a.final_topics or key in a.final_topics or key in a.role_subject)
                # "网红带货主播培训我该报哪个": an answer on another topic the message names has
                # the job for its setting, unless the question is asked of the job.
                and (key in a.role_subject or entry.topic not in a.topics)
                and role.label in a.asked
                and role.label not in said
            ):
                whole = "、".join(CERTS[c] for c in entry.certs)
                return f"两篇资料没有单独讲{role.label}的这一点；最接近的是{whole}整体的情况。"
        return ""

    def _fallback(
        self,
        query: str,
        ranked: list[Candidate],
        reason: str,
        context: Context,
        why: tuple[str, ...] = (),
        features: tuple[tuple[str, float], ...] = (),
    ) -> Reply:
        guesses = tuple(c.entry for c in ranked if c.score >= SUGGEST_THRESHOLD)[:MAX_SUGGESTIONS]
        score = ranked[0].score if ranked else 0.0
        return Reply(
            kind="fallback",
            query=query,
            score=round(score, 1),
            suggestions=guesses,
            note=reason,
            context=context,
            reasons=("fallback", *why),
            features=features,
        )
