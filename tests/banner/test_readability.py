"""The default English notice reads at US grade 8 or lower (Flesch–Kincaid), as clause 1.1 asks."""

import re

import pytest

from server.notice import default_texts

# The words a visitor reads in the notice, in the order shown.
NOTICE_KEYS = ("title", "intro", "technologies", "purposes", "gpc_honoured", "confirm_opted_out",
               "confirm_accepted", "details")
MAX_GRADE = 8.0


def syllables(word):
    """Count vowel groups, less a silent final e: the usual estimate behind Flesch–Kincaid."""
    word = word.lower()
    groups = re.findall(r"[aeiouy]+", word)
    count = len(groups)
    if re.search(r"[^aeiouyl]e$", word) and count > 1:
        count -= 1
    return max(count, 1)


def fk_grade(text):
    """Flesch–Kincaid grade level: 0.39 words per sentence + 11.8 syllables per word - 15.59."""
    sentences = [s for s in re.split(r"[.!?:]+(?:\s|$)", text) if s.strip()]
    words = re.findall(r"[A-Za-z]+(?:'[a-z]+)?", text)
    return 0.39 * len(words) / len(sentences) + 11.8 * sum(map(syllables, words)) / len(words) - 15.59


@pytest.mark.parametrize(("word", "count"), [("cookie", 2), ("privacy", 3), ("site", 1), ("use", 1),
                                              ("tracking", 2), ("control", 2)])
def test_syllable_estimate(word, count):
    assert syllables(word) == count


def test_grade_formula_on_known_text():
    # 2 sentences, 8 words, 8 syllables: 0.39*4 + 11.8*1 - 15.59 = -2.23
    assert fk_grade("The cat sat down. The dog ran off.") == pytest.approx(-2.23, abs=0.01)


def test_default_english_notice_is_grade_8_or_lower():
    texts = default_texts("en")
    notice = " ".join(texts[key].replace("{agency}", "State Office") for key in NOTICE_KEYS)
    grade = fk_grade(notice)
    assert grade <= MAX_GRADE, f"grade {grade:.1f}"
