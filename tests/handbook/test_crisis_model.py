"""The model's second opinion on the crisis flag (handbook/crisis_model.py)."""

import pytest
from django.urls import reverse

from handbook import crisis_model, selectors

from . import evaluation

pytestmark = pytest.mark.django_db


def test_the_examples_are_the_labelled_sets() -> None:
    """handbook/data/crisis_examples.tsv is written from the evaluation sets
    (``python -m tests.handbook.evaluation``): a set added or changed shows here."""
    written = crisis_model.EXAMPLES_PATH.read_text(encoding="utf-8")
    assert written == evaluation.crisis_examples()
    pairs = crisis_model.examples()
    assert len(pairs) > 2000 and sum(label for _, label in pairs) > 500


# Crisis queries of the tenth set that no rule reads (measured before it was trained on, the model
# caught them): the model puts the crisis lines first.
UNRULED_CRISIS = [
    "ばり疲れた。通帳も印鑑も机に並べて、遠くに行こうと思う",
    "カッターないと落ち着かない。跡隠すために夏でも長袖",
    "大事にしてたゲーム機とか全部弟にあげた。もう要らんけん",
    "死にたみが深い",
]


@pytest.mark.parametrize("text", UNRULED_CRISIS)
def test_what_no_rule_reads_the_model_flags(snap: selectors.Snapshot, text: str) -> None:
    from handbook import crisis

    assert not crisis.assess(text).flag  # the rules alone miss it
    assert selectors.worries_search(snapshot=snap, text=text, limit=3).crisis


@pytest.mark.parametrize(
    "text", ["死ぬほど眠い、明日テスト", "昔は死にたかったけど今は大丈夫", "推しが尊すぎて消えたい"]
)
def test_what_the_rules_rule_out_the_model_never_flags(
    snap: selectors.Snapshot, monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    """A figure of speech, a past that is over, fan slang: the model is not asked."""
    monkeypatch.setattr(crisis_model, "probability", lambda _text: 1.0)
    assert not selectors.worries_search(snapshot=snap, text=text, limit=3).crisis


def test_the_model_only_raises_the_floor(
    snap: selectors.Snapshot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(crisis_model, "probability", lambda _text: 0.0)
    assert selectors.worries_search(snapshot=snap, text="死にたい", limit=3).crisis
    monkeypatch.setattr(crisis_model, "probability", lambda _text: 0.99)
    assert selectors.worries_search(snapshot=snap, text="お金がない", limit=3).crisis


def test_the_weights_are_read_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = crisis_model.Weights

    def counting(data: dict[str, object]) -> crisis_model.Weights:
        calls.append(1)
        return real(data)

    crisis_model.model.cache_clear()
    crisis_model.probability.cache_clear()
    monkeypatch.setattr(crisis_model, "Weights", counting)
    try:
        for text in ("眠れない", "死にたみが深い", "お金がない"):
            crisis_model.probability(text)
    finally:
        crisis_model.model.cache_clear()
        crisis_model.probability.cache_clear()
    assert calls == [1]


@pytest.fixture(scope="module")
def trained() -> object:
    pytest.importorskip("sklearn")
    return crisis_model.train(crisis_model.examples())


def test_the_shipped_weights_are_what_the_examples_teach(trained: object) -> None:
    """handbook/data/crisis_model.json is rewritten with the examples
    (``python -m tests.handbook.evaluation``); a stale file fails here."""
    import json

    shipped = json.loads(crisis_model.WEIGHTS_PATH.read_text(encoding="utf-8"))
    fresh = crisis_model.export(trained)
    assert fresh.keys() == shipped.keys()
    assert fresh["intercept"] == pytest.approx(shipped["intercept"], abs=1e-5)
    for name, _ in crisis_model.VIEWS:
        assert fresh[name].keys() == shipped[name].keys()
        for term, (idf, coef) in fresh[name].items():
            assert shipped[name][term] == pytest.approx([idf, coef], abs=1e-5), term


def test_scoring_the_weights_gives_the_trained_probabilities(trained: object) -> None:
    from handbook.search import analyse

    weights = crisis_model.model()
    pairs = [crisis_model.features(analyse(q)) for q, _ in crisis_model.examples()[::7]]
    expected = trained.predict_proba(pairs)[:, 1]  # type: ignore[attr-defined]
    got = [weights.probability(pair) for pair in pairs]
    assert got == pytest.approx(list(expected), abs=1e-4)


def test_a_flag_from_the_model_puts_the_crisis_lines_first(client, settings) -> None:
    from handbook.demo import seed_demo

    settings.HANDBOOK_USAGE_FLUSH_SECONDS = 3600
    seed_demo()
    text = UNRULED_CRISIS[0]
    assert client.get(reverse("handbook:api-search"), {"q": text}).json()["crisis"] is True
    html = client.get(reverse("handbook:home"), {"q": text}).content.decode()
    assert "data-crisis" in html
