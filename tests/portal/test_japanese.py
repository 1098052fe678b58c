"""The shared Japanese analyser: folding, readings, normalised forms and ruby."""

from kitakyushu_pf import japanese


def test_fold_meets_katakana_half_width_and_hiragana():
    assert japanese.fold("カトウ") == japanese.fold("ｶﾄｳ") == japanese.fold("かとう") == "かとう"


def test_reading_turns_kanji_into_hiragana():
    assert japanese.reading("借金が返せない") == "しゃっきんがかえせない"


def test_normalised_forms_meet_variants():
    (child,) = [t for t in japanese.tokens("子どもが") if t.is_content]
    (hit,) = [t for t in japanese.tokens("叩いて") if t.is_content]
    assert child.normalized == "子供"
    assert hit.normalized == "叩く"


def test_proper_nouns_are_marked():
    names = [
        t.surface for t in japanese.tokens("田中さんは小倉北区大手町に住む") if t.is_proper_noun
    ]
    assert names == ["田中", "小倉北区大手町"]


def test_ruby_segments_round_trip_and_read_only_kanji():
    text = "お金がなくて\n生活が苦しい"
    segments = japanese.ruby_segments(text)
    assert "".join(s for s, _ in segments) == text
    assert ("お金", "おかね") in segments
    assert all(r is None for s, r in segments if not japanese.has_kanji(s))


def test_long_text_is_analysed_in_chunks():
    text = "生活が苦しい。\n" * 4000
    found = japanese.tokens(text)
    assert found[-1].end <= len(text)
    assert sum(1 for t in found if t.surface == "生活") == 4000
