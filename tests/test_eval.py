"""Accuracy on the evaluation questions must stay at or above 95%."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from bot.knowledge import Knowledge
from bot.matcher import Matcher
from bot.tools.evaluate import (
    DEFAULT_FILE,
    HOLDOUT_PREFIX,
    PASS_RATE,
    Case,
    evaluate,
    holdout_sets,
    load_cases,
    rates,
    reliability,
    side_by_side_rate,
    tuned_sets,
)


def test_eval_set_is_large_and_varied() -> None:
    cases = load_cases(DEFAULT_FILE)
    kinds = {c.kind for c in cases}
    assert len(cases) >= 200
    assert {"typo", "traditional", "noise", "followup", "out_of_scope", "compare"} <= kinds


def test_eval_ids_exist(knowledge: Knowledge) -> None:
    for case in load_cases(DEFAULT_FILE):
        for entry_id in case.expect:
            assert entry_id in knowledge.by_id, (case.question, entry_id)


def held_out(knowledge: Knowledge, path: Path) -> Matcher:
    """A matcher whose text model never learned from this set's own questions."""
    return Matcher(knowledge, leave_out=path.stem)


def test_accuracy_and_fallback_rate(knowledge: Knowledge) -> None:
    outcomes = evaluate(held_out(knowledge, DEFAULT_FILE), load_cases(DEFAULT_FILE))
    accuracy, fallback = rates(outcomes)
    failures = [(o.case.question, o.got) for o in outcomes if not o.ok]
    assert accuracy >= PASS_RATE, failures
    assert fallback >= PASS_RATE, failures


def test_rates_catch_a_broken_matcher(matcher: Matcher) -> None:
    """The measure itself must fail a bot that always answers, or never does."""
    cases = [
        Case("工资多少", ("ims.salary", "compare.salary"), "keyword"),
        Case("天气", (), "out_of_scope"),
    ]
    ok = evaluate(matcher, cases)
    assert rates(ok) == (1.0, 1.0)
    wrong = [type(o)(o.case, "ims.price", False) for o in ok]
    assert rates(wrong) == (0.0, 0.0)


def test_a_side_by_side_answer_counts_for_either_entry_only_in_its_own_figure(
    matcher: Matcher,
) -> None:
    cases = [Case("两个证的工作内容", ("amo.duties",), "compare")]
    outcome = evaluate(matcher, cases)[0]
    assert outcome.shown == ("ims.duties", "amo.duties")
    assert rates([outcome])[0] == 0.0  # the strict figure counts the first entry
    assert side_by_side_rate([outcome]) == 1.0


OTHER_SETS = [p for p in tuned_sets() if p != DEFAULT_FILE]
# A set first written blind and only then studied is held where it stands, not at 95%: its remaining
# failures are the honest frontier, and tuning it to 95% would make it one more tuned list (qa6 was
# the blind holdout B; qa8, qa9, qa10 were blind_a, blind_c, blind_e; qa11 to qa15 were the blind
# sets F to J, qa16 to qa20 the blind sets L, M, N, Q and R, qa21 to qa25 the blind sets U, V, W, X
# and Y, qa26 to qa31 the blind sets AC, AD, AE, AH, AI and AJ, qa32 and qa33 the blind sets AO and
# AP, qa34 to qa39 the blind sets AW, AX, BA, BB, BE and BF, qa40 to qa43 the blind sets BI, BJ, BM
# and BN, qa44 to qa49 the blind sets BQ, BR, BU, BV, BW and BX, qa50 to qa53 the blind sets CE, CF,
# CG and CH, qa54 to qa57 the blind sets CM, CN, CQ and CR, qa58 and qa59 the blind sets CW and CX,
# qa60 and qa61 the blind sets DA and DB, qa62 and qa63 the blind sets DG and DH, qa64 to qa67 the
# blind sets DQ, DR, DS and DT, qa68 and qa69 the blind sets EC and ED, qa70 to qa73 the blind sets
# EI, EJ, EK and EL, qa74 to qa79 the blind sets EM, EN, EQ, ER, ES and ET, qa80 to qa89 the blind
# sets EY, EZ, FA, FB, FC, FD, FE, FF, FG and FH, qa90 to qa99 the blind sets FQ, FR, FS, FT, FU,
# FV, FW, FX, FY and FZ, qa100 to qa105 the blind sets GA, GB, GC, GD, GE and GF, qa106 to qa113
# the blind sets GM, GN, GO, GP, GQ, GR, GS and GT, qa114 to qa119 the blind sets GU, GV, GW, GX,
# GY and GZ, qa120 to qa127 the blind sets HI, HJ, HK, HL, HM, HN, HO and HP, qa128 to qa135 the
# blind sets HQ, HR, HS, HT, HU, HV, HW and HX, qa136 to qa140 the blind sets HY, HZ, IA, IB and
# IC, qa141 to qa150 the blind sets IL, IM, IN, IO, IP, IQ, IR, IS, IT and IU, qa151 to qa158 the
# blind sets JB, JC, JD, JE, JF, JG, JH and JI, qa159 to qa162 the blind sets JP, JQ, JR and JS).
FLOORS = {
    "qa6": (0.85, 0.97),
    "qa7": (0.85, 0.80),
    "qa8": (0.85, 0.95),
    "qa9": (0.88, 0.92),
    "qa10": (0.90, 0.92),
    "qa11": (0.93, 0.93),
    "qa12": (0.95, 0.95),
    "qa13": (0.86, 0.94),
    "qa14": (0.83, 0.80),
    "qa15": (0.86, 0.75),
    "qa16": (0.88, 0.88),
    "qa17": (0.92, 0.86),
    "qa18": (0.90, 0.88),
    "qa19": (0.92, 0.85),
    "qa20": (0.90, 0.70),
    "qa21": (0.92, 0.92),
    "qa22": (0.87, 0.95),
    "qa23": (0.92, 0.95),
    "qa24": (0.88, 0.95),
    "qa25": (0.88, 0.95),
    "qa26": (0.89, 0.91),
    "qa27": (0.95, 0.97),
    "qa28": (0.92, 0.97),
    "qa29": (0.87, 0.94),
    "qa30": (0.93, 0.94),
    "qa31": (0.95, 0.94),
    "qa32": (0.86, 0.95),
    "qa33": (0.94, 0.97),
    "qa34": (0.94, 0.97),
    "qa35": (0.95, 0.94),
    "qa36": (0.86, 0.91),
    "qa37": (0.96, 0.91),
    "qa38": (0.90, 0.88),
    "qa39": (0.95, 0.91),
    "qa40": (0.94, 0.97),
    "qa41": (0.94, 0.97),
    "qa42": (0.96, 0.97),
    "qa43": (0.90, 0.97),
    "qa44": (0.94, 0.97),
    "qa45": (0.92, 0.94),
    "qa46": (0.93, 0.97),
    "qa47": (0.94, 0.94),
    "qa48": (0.98, 0.97),
    "qa49": (0.97, 0.97),
    "qa50": (0.97, 0.97),
    "qa51": (0.98, 0.97),
    "qa52": (0.96, 0.94),
    "qa53": (0.97, 0.94),
    "qa54": (0.96, 0.97),
    "qa55": (0.92, 0.94),
    "qa56": (0.98, 1.00),
    "qa57": (0.97, 1.00),
    "qa58": (0.94, 0.97),
    "qa59": (0.98, 1.00),
    "qa60": (0.98, 0.97),
    "qa61": (0.98, 0.97),
    "qa62": (0.96, 1.00),
    "qa63": (1.00, 0.97),
    "qa64": (0.98, 1.00),
    "qa65": (0.98, 1.00),
    "qa66": (0.98, 0.97),
    "qa67": (0.98, 1.00),
    "qa68": (0.97, 0.97),
    "qa69": (0.96, 1.00),
    "qa70": (0.98, 0.97),
    "qa71": (0.98, 1.00),
    "qa72": (0.98, 1.00),
    "qa73": (0.97, 1.00),
    "qa74": (1.00, 0.97),
    "qa75": (0.96, 1.00),
    "qa76": (1.00, 1.00),
    "qa77": (0.97, 1.00),
    "qa78": (0.98, 1.00),
    "qa79": (0.96, 1.00),
    "qa80": (0.98, 1.00),
    "qa81": (1.00, 1.00),
    "qa82": (0.96, 0.97),
    "qa83": (0.97, 1.00),
    "qa84": (0.97, 0.97),
    "qa85": (1.00, 1.00),
    "qa86": (0.97, 1.00),
    "qa87": (0.97, 1.00),
    "qa88": (1.00, 0.97),
    "qa89": (0.98, 1.00),
    "qa90": (0.97, 0.97),
    "qa91": (0.96, 0.97),
    "qa92": (0.98, 0.97),
    "qa93": (0.97, 0.94),
    "qa94": (1.00, 1.00),
    "qa95": (0.98, 1.00),
    "qa96": (1.00, 0.94),
    "qa97": (1.00, 0.97),
    "qa98": (1.00, 0.94),
    "qa99": (0.96, 0.97),
    "qa100": (1.00, 1.00),
    "qa101": (0.97, 1.00),
    "qa102": (1.00, 1.00),
    "qa103": (1.00, 0.97),
    "qa104": (1.00, 1.00),
    "qa105": (0.97, 0.94),
    "qa106": (1.00, 1.00),
    "qa107": (0.94, 0.97),
    "qa108": (0.96, 0.97),
    "qa109": (0.98, 1.00),
    "qa110": (0.96, 0.97),
    "qa111": (0.98, 0.94),
    "qa112": (1.00, 1.00),
    "qa113": (0.97, 0.97),
    "qa114": (0.98, 1.00),
    "qa115": (0.96, 1.00),
    "qa116": (0.97, 0.97),
    "qa117": (0.98, 1.00),
    "qa118": (0.95, 1.00),
    "qa119": (0.96, 0.97),
    "qa120": (0.96, 1.00),
    "qa121": (0.96, 1.00),
    "qa122": (0.97, 1.00),
    "qa123": (1.00, 1.00),
    "qa124": (1.00, 0.97),
    "qa125": (1.00, 1.00),
    "qa126": (0.96, 0.97),
    "qa127": (0.97, 0.97),
    "qa128": (0.98, 0.97),
    "qa129": (0.96, 1.00),
    "qa130": (0.98, 1.00),
    "qa131": (0.98, 1.00),
    "qa132": (1.00, 0.97),
    "qa133": (1.00, 0.97),
    "qa134": (0.97, 1.00),
    "qa135": (0.96, 0.97),
    "qa136": (0.98, 1.00),
    "qa137": (0.97, 0.97),
    "qa138": (0.97, 0.97),
    "qa139": (0.97, 1.00),
    "qa140": (0.96, 0.97),
    "qa141": (0.94, 0.97),
    "qa142": (0.94, 0.97),
    "qa143": (1.00, 1.00),
    "qa144": (0.97, 0.97),
    "qa145": (0.93, 1.00),
    "qa146": (0.93, 0.97),
    "qa147": (0.97, 0.97),
    "qa148": (0.87, 0.97),
    "qa149": (0.96, 1.00),
    "qa150": (0.95, 0.97),
    "qa151": (0.98, 1.00),
    "qa152": (0.97, 1.00),
    "qa153": (0.94, 0.97),
    "qa154": (0.94, 0.97),
    "qa155": (0.93, 1.00),
    "qa156": (0.93, 1.00),
    "qa157": (0.98, 1.00),
    "qa158": (0.94, 1.00),
    "qa159": (0.92, 1.00),
    "qa160": (0.94, 1.00),
    "qa161": (0.98, 0.97),
    "qa162": (0.97, 1.00),
}


@pytest.mark.parametrize("path", OTHER_SETS, ids=lambda p: p.stem)
def test_every_other_set_stays_above_the_bar(knowledge: Knowledge, path: Path) -> None:
    """The sets written later (some by people who never saw the matcher) must not regress."""
    cases = load_cases(path)
    assert all(entry_id in knowledge.by_id for c in cases for entry_id in c.expect)
    accuracy, fallback = rates(evaluate(held_out(knowledge, path), cases))
    floor = FLOORS.get(path.stem, (PASS_RATE, PASS_RATE))
    assert accuracy >= floor[0] and fallback >= floor[1], (path.name, accuracy, fallback)


@pytest.mark.parametrize("path", holdout_sets(), ids=lambda p: p.stem)
def test_blind_holdouts_are_report_only_but_valid(knowledge: Knowledge, path: Path) -> None:
    """A frozen blind set is held to no bar (nobody tunes on it), but must stay runnable."""
    cases = load_cases(path)
    assert len(cases) >= 100
    assert any(not c.expect for c in cases) and any(c.expect for c in cases)
    assert all(entry_id in knowledge.by_id for c in cases for entry_id in c.expect)
    assert path not in tuned_sets()


def test_confidence_is_reliable_on_the_tuned_set(knowledge: Knowledge) -> None:
    """Among answers given at confidence >= t, the share that is right does not fall as t
    rises (within one question's noise): the score means something."""
    table = reliability(evaluate(held_out(knowledge, DEFAULT_FILE), load_cases(DEFAULT_FILE)))
    shares = [share for _, n, share in table if n >= 20]
    assert len(shares) >= 3
    assert all(later >= earlier - 0.02 for earlier, later in itertools.pairwise(shares))


def test_the_text_model_learns_from_exactly_the_tuned_sets(knowledge: Knowledge) -> None:
    """knowledge/examples.yaml is what `python -m bot fit --write` makes of the tuned sets as they
    are now: a set edited since, or a blind holdout copied in, shows here."""
    tuned = {p.stem: load_cases(p) for p in tuned_sets()}
    assert set(knowledge.examples) == set(tuned)
    assert not any(name.startswith(HOLDOUT_PREFIX) for name in knowledge.examples)
    for name, cases in tuned.items():
        taught = [(x.text, x.entry) for x in knowledge.examples[name]]
        assert taught == [(c.question, c.expect[0] if c.expect else None) for c in cases], name


def test_an_evaluation_leaves_its_own_set_out_of_the_text_model(knowledge: Knowledge) -> None:
    case = next(c for c in load_cases(DEFAULT_FILE) if c.expect)
    labels = [e.id for e in knowledge.entries]
    seen = Matcher(knowledge)._text.probabilities(case.question, labels)
    unseen = held_out(knowledge, DEFAULT_FILE)._text.probabilities(case.question, labels)
    # Learned from the question itself, the model is surer of its answer than without it.
    assert seen[case.expect[0]] > unseen[case.expect[0]]
