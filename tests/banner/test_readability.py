"""The notice reads as plain language (clause 1.1), graded by textstat in every locale it has a formula for."""

import pytest
import textstat

from server.notice import default_texts

# The words a visitor reads in the notice, in the order shown.
NOTICE_KEYS = ("title", "intro", "technologies", "purposes", "gpc_honoured", "confirm_opted_out",
               "confirm_accepted", "details")
MAX_US_GRADE = 8.0
# Reading ease 60-70 is "plain" on every scale below (Flesch; Fernández-Huerta for Spanish;
# Flesch with Oborneva's constants for Russian); 70+ is "fairly easy".
MIN_READING_EASE = 60.0
# textstat's per-language formulas, for the locales we ship. The others (Portuguese, Chinese, Haitian and
# Cape Verdean Creole, Vietnamese, Khmer, Arabic, Korean) have none in textstat: their drafts await review.
GRADED = {
    "en": textstat.flesch_reading_ease,
    "es": textstat.fernandez_huerta,
    "ru": textstat.flesch_reading_ease,
}


def notice_text(lang):
    """The notice's sentences as one text, every heading and label ending as a sentence does."""
    parts = []
    for key in NOTICE_KEYS:
        part = default_texts(lang)[key].replace("{agency}", "State Office").strip()
        parts.append(part if part.endswith((".", "!", "?")) else part + ".")
    return " ".join(parts)


@pytest.fixture
def language():
    """Set textstat's language for one test, and put English back afterwards (the setting is global)."""
    yield textstat.set_lang
    textstat.set_lang("en")


def test_english_notice_is_us_grade_8_or_lower(language):
    language("en")
    grade = textstat.flesch_kincaid_grade(notice_text("en"))
    assert grade <= MAX_US_GRADE, f"Flesch-Kincaid grade {grade}"


@pytest.mark.parametrize("lang", sorted(GRADED))
def test_notice_is_plain_language(language, lang):
    language(lang)
    ease = GRADED[lang](notice_text(lang))
    assert ease >= MIN_READING_EASE, f"{lang}: reading ease {ease}"


def test_grading_tells_plain_from_dense_text(language):
    """The formula is really applied: dense officialese fails the same bar."""
    language("en")
    dense = ("Notwithstanding applicable jurisdictional considerations, telemetry instrumentation facilitates "
             "comprehensive longitudinal characterization of organizational informational interactions.")
    assert textstat.flesch_reading_ease(dense) < MIN_READING_EASE
    assert textstat.flesch_kincaid_grade(dense) > MAX_US_GRADE
