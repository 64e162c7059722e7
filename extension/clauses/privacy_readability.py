"""Clause 1.1: the agency's privacy policy is in "clear, non-technical English", graded by textstat."""

import re

import textstat
from selenium.common.exceptions import WebDriverException

from extension.clauses.findings import Finding
from extension.clauses.findings import finding

DEFAULT_MAX_GRADE = 10.0
HARDEST_SHOWN = 3
MIN_WORDS = 30  # fewer words than this is a link page, not a policy: nothing to grade
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"“(])")
WRAPPED = re.compile(r"\s*\n(?=\s*[a-z,;])")  # a line break inside a sentence (wrapped source text)
PRIVACY_LINK = re.compile(r"privacy|policy|confidentialit", re.I)
# The page's main text as a reader sees it: its main region when marked, else the body without navigation.
MAIN_TEXT_JS = """
const main = document.querySelector("main, [role=main], article") || document.body;
const blocks = Array.from(main.querySelectorAll("p, li, dd, td, blockquote, h1, h2, h3, h4, h5, h6"))
  .filter((el) => !el.closest("nav, header, footer, [aria-hidden=true]") && !el.querySelector("p, li"));
const text = blocks.length ? blocks.map((el) => el.innerText.trim()).filter(Boolean).join("\\n") : main.innerText;
return {url: location.href, title: document.title, text: text || ""};
"""
PAGE_LINKS_JS = """
return Array.from(document.querySelectorAll("a[href]")).map((a) => ({href: a.href, text: a.innerText || ""}));
"""


def privacy_link(notice_links: list, page_links: list) -> str | None:
    """The notice's privacy policy link, else the page's: by its words or its address."""
    for links in (notice_links, page_links):
        for link in links or []:
            href = link.get("href") or ""
            if href.startswith("http") and (PRIVACY_LINK.search(link.get("text") or "") or PRIVACY_LINK.search(href)):
                return href
    return None


def capture_policy(driver, visit, notice_links: list) -> dict:
    """Follow the privacy policy link (of the notice, or of the page shown now) and read its main text."""
    try:
        page_links = driver.execute_script(PAGE_LINKS_JS) or []
    except WebDriverException:
        page_links = []
    url = privacy_link(notice_links, page_links)
    if not url:
        return {"url": None, "text": ""}
    visit(driver, url)
    try:
        return driver.execute_script(MAIN_TEXT_JS)
    except WebDriverException as e:
        return {"url": url, "text": "", "error": (e.msg or str(e)).splitlines()[0]}


def sentences(text: str) -> list:
    """The text's sentences (lines that end without a full stop, such as headings, count as their own)."""
    found = []
    for line in WRAPPED.sub(" ", text).splitlines():
        found += [s.strip() for s in SENTENCE_END.split(line) if len(s.split()) >= 3]
    return found


def grade_text(text: str) -> dict:
    """Flesch-Kincaid grade of the whole text and of its hardest sentences."""
    graded = sorted(((textstat.flesch_kincaid_grade(s), s) for s in sentences(text)), reverse=True)
    return {"grade": round(textstat.flesch_kincaid_grade(text), 1), "words": textstat.lexicon_count(text),
            "hardest": [{"grade": round(g, 1), "sentence": s[:300]} for g, s in graded[:HARDEST_SHOWN]],
            "method": "Flesch-Kincaid grade (textstat)"}


def clause_1_1(url: str, policy: dict, notice_data: dict) -> Finding:
    """The privacy policy reads at grade 10 or below (or the agency's own limit, readability_max_grade)."""
    limit = float(notice_data.get("readability_max_grade") or DEFAULT_MAX_GRADE)
    evidence = {"policy_url": policy.get("url"), "max_grade": limit}
    if not policy.get("url"):
        return finding(url, "1.1", False, "No privacy policy link was found in the notice or on the page.", evidence)
    text = policy.get("text") or ""
    if textstat.lexicon_count(text) < MIN_WORDS:
        return finding(url, "1.1", False, f"The privacy policy at {policy['url']} has too little text to read "
                       f"({textstat.lexicon_count(text)} words).", evidence)
    graded = grade_text(text)
    evidence.update(graded)
    hardest = "; ".join(f"“{h['sentence'][:120]}” (grade {h['grade']})" for h in graded["hardest"][:2])
    if graded["grade"] > limit:
        return finding(url, "1.1", False, f"The privacy policy at {policy['url']} reads at grade {graded['grade']}, "
                       f"above grade {limit:g}: not clear, non-technical English. Hardest sentences: {hardest}.",
                       evidence)
    return finding(url, "1.1", True, f"The privacy policy at {policy['url']} reads at grade {graded['grade']} "
                   f"(at most {limit:g}). Hardest sentences: {hardest}.", evidence)
