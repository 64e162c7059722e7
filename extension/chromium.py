"""What every Chromium session shares, local or remote: flags, prefs, the extension's id, clean-up."""

import base64
import hashlib
import json
import os
import shutil
import signal
import sys
import time
from dataclasses import dataclass
from dataclasses import field
from functools import cache
from pathlib import Path

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.support.ui import WebDriverWait

ADDON_DIR = Path(__file__).resolve().parent / "addon"
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
# Short enough that a hung driver fails a check instead of stalling a run.
COMMAND_TIMEOUT = 45
PAGE_LOAD_TIMEOUT = 20
SCRIPT_TIMEOUT = 15

BASE_ARGS = (
    "--headless=new",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,900",
    # Present as an ordinary visitor's browser: some banners hide from navigator.webdriver (issue 14).
    "--disable-blink-features=AutomationControlled",
)
# Debian's new-tab page navigates outside and hangs ~5 % of sessions with an
# extension loaded; these prefs (not an about:blank argument) prevent it.
BASE_PREFS = {
    "session.restore_on_startup": 4,
    "session.startup_urls": ["about:blank"],
    # Third-party cookies are blocked by default in this build; QA must see them.
    "profile.cookie_controls_mode": 0,
}
GPC_FEATURES = ("GlobalPrivacyControl", "GlobalPrivacyControlForce")
# A page's alert(), confirm(), prompt() or beforeunload must not keep it from being checked (issue 19.9):
# WebDriver accepts every dialog instead of failing the next command with "unexpected alert open".
PROMPT_BEHAVIOUR = "accept"
ROOT_WARNING = ("warning: running as root, so Chromium runs the untrusted pages it checks without its sandbox "
                "(--no-sandbox) beside this process's database and SMTP credentials; run as an unprivileged user")
_warned = []


class SetupError(RuntimeError):
    """The browser or its driver cannot be started: a set-up problem, not a finding."""


def extension_id(manifest_path: Path = ADDON_DIR / "manifest.json") -> str:
    """Derive the fixed extension id from the manifest key, as Chromium does."""
    key = json.loads(Path(manifest_path).read_text())["key"]
    digest = hashlib.sha256(base64.b64decode(key)).hexdigest()[:32]
    return "".join(chr(ord("a") + int(c, 16)) for c in digest)


EXTENSION_ID = extension_id()
RECORD_PAGE = f"chrome-extension://{EXTENSION_ID}/record.html"


@cache
def injected(name: str) -> str:
    """A script the driver runs through Selenium (kept with the add-on in addon/injected/, not in Python strings)."""
    return (ADDON_DIR / "injected" / name).read_text(encoding="utf-8")


def merge_features(args: list[str], features: tuple[str, ...]) -> list[str]:
    """Fold features into one --enable-features flag: Chromium honours only the last one."""
    wanted = list(features)
    kept = []
    for arg in args:
        if arg.startswith("--enable-features="):
            wanted = arg.split("=", 1)[1].split(",") + wanted
        else:
            kept.append(arg)
    if wanted:
        unique = list(dict.fromkeys(f for f in wanted if f))
        kept.append("--enable-features=" + ",".join(unique))
    return kept


def sandboxed() -> bool:
    """Chromium's sandbox needs a non-root user: Chromium refuses to start as root unless told --no-sandbox.

    Debian's Chromium sandboxes itself through unprivileged user namespaces (no setuid helper is shipped);
    verified here as `nobody`: renderers run under seccomp without --no-sandbox. A remote endpoint gets the same
    flags, so its chromedriver must run as an unprivileged user when this process does.
    """
    return os.geteuid() != 0


def warn_if_unsandboxed(stream=None) -> None:
    """As root, say once per process (on standard error) that pages run without the sandbox, and why it matters."""
    if sandboxed() or _warned:
        return
    _warned.append(True)
    print(ROOT_WARNING, file=stream or sys.stderr, flush=True)


def chrome_options(*, extension: bool, gpc: bool, headless: bool, prefs: dict | None, extra_args: tuple,
                   user_data_dir: str | None) -> Options:
    """Build the options shared by local and remote browsers."""
    options = Options()
    options.binary_location = CHROMIUM
    args = [a for a in BASE_ARGS if headless or a != "--headless=new"]
    if not sandboxed():
        warn_if_unsandboxed()
        args.append("--no-sandbox")
    if user_data_dir:
        args.append(f"--user-data-dir={user_data_dir}")
    if extension:
        args.append(f"--load-extension={ADDON_DIR}")
    args.extend(extra_args)
    args = merge_features(args, GPC_FEATURES if gpc else ())
    for arg in args:
        options.add_argument(arg)
    options.add_experimental_option("prefs", {**BASE_PREFS, **(prefs or {})})
    # No "controlled by automated software" bar and no enable-automation switch: what a visitor runs.
    options.add_experimental_option("excludeSwitches", ["enable-automation"])
    options.unhandled_prompt_behavior = PROMPT_BEHAVIOUR
    return options


def child_pids(pid: int) -> list[int]:
    """List the process tree under pid (chromium and its helpers) from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name may contain spaces; the parent id follows the closing parenthesis.
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


@dataclass
class Browser:
    """A started browser: the Selenium driver plus what is needed to clean up after it."""

    driver: webdriver.Remote
    extension: bool
    temp_dir: str | None = None
    service: Service | None = None
    remote: bool = False
    _pids: list[int] = field(default_factory=list)

    @property
    def extension_id(self) -> str:
        """The test extension's fixed id."""
        return EXTENSION_ID

    def wait_ready(self, timeout: float = 15) -> None:
        """Wait for one message round trip to the extension's worker: events before it starts are lost."""
        if not self.extension:
            return
        self.driver.get(RECORD_PAGE)

        def answered(driver):
            try:
                answer = driver.execute_async_script(injected("ask_worker.js"), {"op": "ping"})
                return isinstance(answer, dict) and answer.get("ok") is True
            except WebDriverException:
                return False

        WebDriverWait(self.driver, timeout, poll_frequency=0.1).until(
            answered, f"the test extension's service worker did not answer within {timeout} s")

    def quit(self) -> None:
        """Quit the driver, end any browser process that survived it, remove temp dirs."""
        pids = []
        if self.service is not None and self.service.process is not None:
            pids = [self.service.process.pid] + child_pids(self.service.process.pid)
        pids = list(dict.fromkeys(self._pids + pids))
        try:
            self.driver.quit()
        except Exception:  # noqa: BLE001 - a hung driver must not stop the clean-up below
            pass
        deadline = time.monotonic() + 3
        for pid in pids:
            while _alive(pid) and time.monotonic() < deadline:
                time.sleep(0.05)
            if _alive(pid):
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
        if self.temp_dir:
            shutil.rmtree(self.temp_dir, ignore_errors=True)
            self.temp_dir = None

    def __enter__(self) -> "Browser":
        return self

    def __exit__(self, *exc) -> None:
        self.quit()


def _alive(pid: int) -> bool:
    """Tell whether pid still runs (a zombie counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    if state == "Z":
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            pass
        return False
    return True
