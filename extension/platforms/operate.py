"""Recognise another consent platform on the page (autoconsent's rules) and take its own opt-out path."""

import time
from functools import cache
from pathlib import Path

from selenium.common.exceptions import WebDriverException

from extension.platforms.autoconsent import selectors_for

HERE = Path(__file__).resolve().parent
DETECT_TIMEOUT = 3.0
# autoconsent has finished looking (or found a banner that is shown): no need to wait further.
SETTLED = ("openPopupDetected", "nothingDetected", "done", "optOutSucceeded", "optOutFailed")


@cache
def script(name: str) -> str:
    """A script the driver injects, kept beside this module."""
    return (HERE / name).read_text(encoding="utf-8")


def platform_state(driver) -> dict | None:
    """What autoconsent found on the current page so far (None without the bridge)."""
    try:
        return driver.execute_script(script("state.js"))
    except WebDriverException:
        return None


def detect_platform(driver, facts: dict, limit: float = DETECT_TIMEOUT) -> dict | None:
    """The consent platform whose banner is shown, or None (our own banner, or none autoconsent knows)."""
    notice = (facts or {}).get("notice") or {}
    if notice.get("hook") == "data-consent-notice":
        return None  # the Commonwealth's banner: judged by the contract's hooks
    deadline = time.monotonic() + limit
    state = platform_state(driver)
    while state is not None and not state.get("popup") and time.monotonic() < deadline:
        if state.get("lifecycle") in SETTLED:
            break
        time.sleep(0.1)
        state = platform_state(driver)
    if not state or not state.get("popup"):
        return None
    name = state["popup"]
    return {"name": name, "detected": state.get("detected", []), "selectors": selectors_for(name),
            "by": "DuckDuckGo autoconsent"}


def asks_again(driver, limit: float = 1.5) -> str | None:
    """The platform whose banner autoconsent finds shown again on this page (after the choice), or None."""
    deadline = time.monotonic() + limit
    state = platform_state(driver)
    while state is not None and not state.get("popup") and time.monotonic() < deadline:
        if state.get("lifecycle") == "nothingDetected":
            break
        time.sleep(0.1)
        state = platform_state(driver)
    return (state or {}).get("popup")


def platform_opt_out(driver, platform: dict) -> dict:
    """The platform's opt-out (reject) path as autoconsent's rule takes it; what was clicked names the control."""
    try:
        state = driver.execute_async_script(script("opt_out.js"))
    except WebDriverException as e:
        state = {"error": (e.msg or str(e)).splitlines()[0]}
    outcome = (state or {}).get("optOut") or {}
    clicks = (state or {}).get("clicks", [])
    return {"found": bool(outcome.get("result")), "clicked": bool(outcome.get("result")), "where": "notice",
            "by": f"{platform['name']}'s opt-out path (autoconsent)", "name": clicks[0]["name"] if clicks else None,
            "platform": platform["name"], "clicks": clicks, "self_test": (state or {}).get("selfTest"),
            "error": (state or {}).get("error")}


def reached_by_keyboard(keyboard: dict, opt_out: dict) -> dict:
    """A platform's control counts as reached when Tab focused the very control autoconsent clicked."""
    names = {click["name"] for click in opt_out.get("clicks", []) if click.get("name")}
    if names and not keyboard.get("reached"):
        keyboard = {**keyboard, "reached": any(entry.get("name") in names for entry in keyboard.get("focused", []))}
    return keyboard
