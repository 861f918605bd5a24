"""Every base rule, relational rule, base fact and inference form has a phrase for people."""

from derive.core.facts import BASE_FACTS
from derive.core.rules import BASE_RULES, RELATIONAL_RULES
from derive.phrases import FACTS, FORMS, RULES, phrase, statement
from derive.trusted import FORMS as TRUSTED_FORMS


def test_every_rule_fact_and_form_has_a_phrase():
    for name in [*BASE_RULES, *RELATIONAL_RULES]:
        assert phrase(name) and statement(name), name
    for f in BASE_FACTS:
        assert f.name in FACTS and statement(f.name), f.name
    for name, _s, _r in TRUSTED_FORMS:
        assert name in FORMS, name


def test_no_phrase_for_what_the_core_does_not_have():
    assert set(RULES) <= set(BASE_RULES) | set(RELATIONAL_RULES)
    assert set(FACTS) <= {f.name for f in BASE_FACTS}
    assert set(FORMS) <= {n for n, _s, _r in TRUSTED_FORMS}


def test_phrases_are_short_and_balanced():
    for name, (p, s) in {**RULES, **FACTS}.items():
        assert len(p) <= 60, name
        assert p.count("$") % 2 == 0, name
        assert s.count("{") == s.count("}"), name
