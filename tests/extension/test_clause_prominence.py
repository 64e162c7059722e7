"""Prominence (extension/clauses/prominence.py) and the control 1.3.3 judges (opt_out.py), on hand-made facts."""

import pytest
from clause_records import NOTICE
from clause_records import URL
from clause_records import facts
from clause_records import journey
from clause_records import verdict

from extension.clauses.opt_out import choice_controls
from extension.clauses.opt_out import clause_1_3_3
from extension.clauses.prominence import prominence

VIEWPORT = {"width": 1280, "height": 900}
WHITE = {"layers": ["rgb(255, 255, 255)"], "image": False}
BLUE = {"layers": ["rgb(11, 83, 148)"], "image": False}


def button(name, width=180, height=48, size=16, weight=600, color="rgb(255, 255, 255)", background=BLUE, y=800,
           boxed=True, tag="button", visible=True, action=None, control_id=None):
    """A control as facts.js measures it, with the style facts prominence reads."""
    return {"action": action, "name": name, "id": control_id, "tag": tag, "visible": visible, "tabbable": True,
            "boxed": boxed, "rect": {"x": 0, "y": y, "width": width, "height": height}, "fontSize": size,
            "fontWeight": weight, "color": color, "background": background}


ACCEPT = button("Accept All Cookies", width=180)


def test_a_narrower_button_as_tall_in_the_same_font_and_colours_is_as_prominent():
    assert prominence(button("Reject All", width=104), [ACCEPT], VIEWPORT) == []


def test_a_ghost_button_with_good_contrast_is_as_prominent_as_a_filled_one():
    ghost = button("Deny", width=120, color="rgb(16, 50, 207)", background=WHITE)
    assert prominence(ghost, [ACCEPT], VIEWPORT) == []


@pytest.mark.parametrize("opt_out, words", [
    (button("Reject All", y=950), "not on the first screen without scrolling"),
    (button("Reject All", visible=False), "not on the first screen without scrolling"),
    (button("Reject All", size=12), "its text is smaller than that of “Accept All Cookies”"),
    (button("Reject All", weight=300),
     "its text is lighter than that of “Accept All Cookies” (weight 300 against 600)"),
    (button("Reject All", color="rgb(150, 170, 200)"), "its text contrast is"),
    (button("Reject All", height=30), "it is smaller than “Accept All Cookies” (30 px high against 48 px)"),
    (button("Reject All", width=20, height=48), "under WCAG 2.5.8's 24×24 px"),
    (button("Reject All", width=40), "far narrower than its label explains"),
    (button("Reject all", width=80, height=40, boxed=False, color="rgb(11, 83, 148)", background=WHITE, tag="a"),
     "it is a text link, smaller than the button “Accept All Cookies”"),
])
def test_a_less_prominent_opt_out_is_named_with_how(opt_out, words):
    problems = prominence(opt_out, [ACCEPT], VIEWPORT)
    assert any(words in problem for problem in problems), problems


def test_the_target_floor_applies_where_another_choice_meets_it():
    small_accept = button("OK", width=40, height=21)
    assert prominence(button("Opt out", width=60, height=21), [small_accept], VIEWPORT) == []
    assert "under WCAG 2.5.8" in prominence(button("Opt out", width=60, height=21), [ACCEPT], VIEWPORT)[0]


def test_semi_bold_beside_regular_and_a_wrapped_neighbour_do_not_count():
    wrapped = button("Accept all cookies and continue", height=60)
    assert prominence(button("Reject All", weight=400, height=48), [button("Accept", weight=600), wrapped],
                      VIEWPORT) == []


def test_the_control_autoconsent_clicked_is_judged_not_the_first_named_one():
    link = button("Opt-out preferences", width=110, height=19, size=13, boxed=False, tag="a")
    deny = button("Deny", width=150, control_id="deny")
    page_facts = facts(controls=[link, button("Accept", width=150), deny])
    control, others = choice_controls(page_facts, {"clicks": [{"name": "Deny", "tag": "button", "id": None}]})
    assert control is deny and [o["name"] for o in others] == ["Accept"]
    finding = clause_1_3_3(URL, journey(before={"facts": page_facts}, opt_out={
        "found": True, "clicked": True, "clicks": [{"name": "Deny", "tag": "button", "id": None}]}), NOTICE)
    assert verdict(finding) == "pass", finding.reason


def test_without_a_click_the_most_prominent_shown_opt_out_is_judged():
    link = button("Opt-out preferences", width=110, height=19, size=13, boxed=False, tag="a")
    deny = button("Deny", width=150)
    control, _ = choice_controls(facts(controls=[link, button("Accept"), deny]), {"clicks": []})
    assert control is deny


def test_an_accept_named_opt_out_is_not_another_choice():
    civic = facts(controls=[button("I Accept"), button("I Do Not Accept"), button("Continue without accepting")])
    control, others = choice_controls(civic, None)
    assert control["name"] in {"I Do Not Accept", "Continue without accepting"}
    assert [o["name"] for o in others] == ["I Accept"]


def test_tab_must_reach_the_judged_control():
    deny = button("Deny", width=150)
    page_facts = facts(controls=[button("Accept"), deny])
    reached = {"reached": True, "focused": [{"name": "Accept", "tag": "button"}, {"name": "Deny", "tag": "button"}]}
    missed = {"reached": True, "focused": [{"name": "Accept", "tag": "button"},
                                           {"name": "Opt-out preferences", "tag": "a"}]}
    assert verdict(clause_1_3_3(URL, journey(before={"facts": page_facts}, keyboard=reached), NOTICE)) == "pass"
    failed = clause_1_3_3(URL, journey(before={"facts": page_facts}, keyboard=missed), NOTICE)
    assert verdict(failed) == "fail" and "Tab key" in failed.reason


def test_without_a_platform_the_control_the_driver_clicked_is_judged():
    small = button("Opt out", width=60, height=21, size=12)
    page_facts = facts(controls=[button("Accept"), button("Reject all"), small])
    control, _ = choice_controls(page_facts, {"found": True, "clicked": True, "name": "Opt out", "by": "name"})
    assert control is small
