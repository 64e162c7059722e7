"""consent-qa's recognition rules, read from addon/rules.json: the add-on reads the same file, so they cannot drift."""

import json
import re
from functools import lru_cache
from pathlib import Path

RULES_FILE = Path(__file__).resolve().parent / "addon" / "rules.json"


def load_rules(path: Path = RULES_FILE) -> dict:
    """The rules file as data (the driver hands the same data to facts.js in the page's isolated world)."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


RULES = load_rules()
HOOKS = RULES["hooks"]
OPT_OUT_NAME = re.compile(RULES["names"]["opt_out"], re.I)
ACCEPT_NAME = re.compile(RULES["names"]["accept"], re.I)
NOTICE_WORDS = re.compile(RULES["notice_words"], re.I)
OPT_OUT_COOKIE = RULES["opt_out_cookie"]
NOT_CONTENT_ATTRIBUTES = tuple(HOOKS["not_content"])
WILDCARD = RULES["cookie_names"]["wildcard"]


@lru_cache(maxsize=1024)
def cookie_name_pattern(declared: str) -> re.Pattern:
    """A declared cookie name (maybe with wildcards, `_ga_*`) as a whole-name pattern; cached per name."""
    return re.compile(".*".join(re.escape(part) for part in declared.split(WILDCARD)), re.S)


def cookie_name_matches(declared: str, name: str) -> bool:
    """Whether a cookie's name is the declared one, or fits it when the declared one has wildcards."""
    if WILDCARD not in declared:
        return declared == name
    return cookie_name_pattern(declared).fullmatch(name) is not None
