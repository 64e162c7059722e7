"""rules.json: one source for the driver, the clauses and the add-on's JavaScript, matching the same names."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from extension.rules import ACCEPT_NAME
from extension.rules import NOT_CONTENT_ATTRIBUTES
from extension.rules import OPT_OUT_COOKIE
from extension.rules import OPT_OUT_NAME
from extension.rules import RULES
from extension.rules import RULES_FILE
from extension.rules import cookie_name_matches
from server.cookies import OPT_OUT_COOKIE as SERVICE_OPT_OUT_COOKIE
from server.core.equal_access.rules import BUILTIN_IGNORE_ATTRIBUTES

OPT_OUT_NAMES = ["Opt out", "Opt-out of tracking", "Reject all", "Decline", "Refuse cookies", "Do not sell",
                 "No thanks", "No, thanks", "no thanks, just browsing", "Deny", "Refuse", "Necessary only",
                 "Only essential", "Use necessary cookies only", "Only allow essential cookies",
                 "Continue without accepting", "I Do Not Accept", "Don’t accept"]
# The banner's own opt-out label in each of the notice's 12 languages (consent_banner/locales), then a reject and a
# "necessary only" equivalent per language, as other platforms word them.
LOCALE_OPT_OUTS = ["Opt out", "رفض", "No participar", "Refize", "Rakusa", "បដិសេធ", "거부", "Recusar", "Отказаться",
                   "Từ chối", "选择退出", "選擇退出"]
OTHER_LANGUAGES = ["رفض الكل", "الضرورية فقط", "Rechazar todo", "Solo necesarias", "Continuar sin aceptar",
                   "Sèlman sa ki nesesè", "Kontinye san aksepte", "Só kes nesesáriu", "Kontinua sen aseita",
                   "តែខូគីចាំបាច់", "모두 거부", "필수 쿠키만 허용", "Rejeitar todos", "Apenas necessários",
                   "Continuar sem aceitar", "Отклонить все", "Только необходимые", "Продолжить без принятия",
                   "Chỉ cookie cần thiết", "Tiếp tục mà không chấp nhận", "全部拒绝", "仅必要", "全部拒絕", "僅必要"]
ACCEPT_NAMES = ["Accept", "Accept all cookies", "OK", "Got it", "I agree", "Allow", "Continue", "I Accept",
                "Allow selection"]
NEITHER = ["Privacy policy", "Terms of use", "Learn more", "Settings", "Cookie preferences", "Read more",
           "Necessary cookies", "Kontinye li", "Denver office", "Navegar el sitio", "Deutsch"]

# Runs the rules' patterns through JavaScript's RegExp, as facts.js compiles them.
NODE_MATCH = """
const rules = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const names = JSON.parse(process.argv[2]);
const test = (pattern) => names.map((n) => new RegExp(pattern, "i").test(n));
console.log(JSON.stringify({opt_out: test(rules.names.opt_out), accept: test(rules.names.accept),
  label: test(rules.banner_like.label), text: test(rules.banner_like.text), words: test(rules.notice_words)}));
"""


def js_matches(names: list) -> dict:
    """Which names each pattern matches in JavaScript (Node, the engine family of Chromium)."""
    node = shutil.which("node")
    assert node, "node is needed to check rules.json's patterns in JavaScript (npm installs axe-core with it)"
    done = subprocess.run([node, "-e", NODE_MATCH, str(RULES_FILE), json.dumps(names)], check=True,
                          capture_output=True, text=True, timeout=30)
    return json.loads(done.stdout)


def test_every_opt_out_name_is_one_in_python_and_in_javascript():
    opt_outs = OPT_OUT_NAMES + LOCALE_OPT_OUTS + OTHER_LANGUAGES
    names = opt_outs + ACCEPT_NAMES + NEITHER
    js = js_matches(names)
    python = [bool(OPT_OUT_NAME.search(n)) for n in names]
    assert python == js["opt_out"]
    assert python == [n in opt_outs for n in names], [n for n, hit in zip(names, python) if hit != (n in opt_outs)]


def test_the_banners_own_opt_out_label_is_an_opt_out_name_in_every_language():
    locales = sorted((Path(__file__).resolve().parents[2] / "consent_banner" / "locales").glob("*.json"))
    labels = {path.stem: json.loads(path.read_text(encoding="utf-8"))["texts"]["opt_out"] for path in locales}
    assert len(labels) == 12 and sorted(labels.values()) == sorted(LOCALE_OPT_OUTS)
    assert all(OPT_OUT_NAME.search(label) for label in labels.values())


def test_accept_names_agree_in_python_and_javascript():
    # "Continue without accepting" and "I Do Not Accept" are opt-outs: no accept name may take them.
    names = ACCEPT_NAMES + NEITHER + ["Opt out", "Continue without accepting", "I Do Not Accept", "Don't accept"]
    js = js_matches(names)
    python = [bool(ACCEPT_NAME.search(n)) for n in names]
    assert python == js["accept"] == [n in ACCEPT_NAMES for n in names]


def test_banner_like_patterns_compile_in_both():
    names = ["cookie-banner", "gdpr-consent", "site-header", "We use cookies", "tracking tools", "Welcome"]
    js = js_matches(names)
    for key, pattern in (("label", RULES["banner_like"]["label"]), ("text", RULES["banner_like"]["text"]),
                         ("words", RULES["notice_words"])):
        assert [bool(re.search(pattern, n, re.I)) for n in names] == js[key]


def test_the_opt_out_cookie_and_left_out_attributes_are_the_services():
    assert OPT_OUT_COOKIE == SERVICE_OPT_OUT_COOKIE == "consent_optout"
    assert set(NOT_CONTENT_ATTRIBUTES) == BUILTIN_IGNORE_ATTRIBUTES


@pytest.mark.parametrize("declared, name, matches", [
    ("_ga", "_ga", True),
    ("_ga", "_gat", False),
    ("_ga_*", "_ga_ABC123", True),
    ("_ga_*", "_ga_", True),
    ("_ga_*", "_ga", False),
    ("_ga_*", "_GA_ABC123", False),
    ("QSI_SI_*_intercept", "QSI_SI_abc_intercept", True),
    ("QSI_SI_*_intercept", "QSI_SI_abc_intercept2", False),
    ("a.b*", "axb1", False),
    ("*", "anything", True),
])
def test_cookie_name_patterns(declared, name, matches):
    assert cookie_name_matches(declared, name) is matches
