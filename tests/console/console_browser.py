"""Real Chromium on the console pages: a live console server, keyboard-only staff, and axe-core."""

import importlib.util
from pathlib import Path

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from server import create_app
from staff_accounts import add_account
from server.db.session import session_for
from serving import AppServer

TESTS = Path(__file__).resolve().parents[1]
AXE = TESTS.parent / ".cache" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
FX_AGENCIES = TESTS / "extension" / "fixtures" / "agencies"
KEYS = ["console-pages-browser-key-0123456789abcdef"]
PASSWORD = "journey-password-0123456"
WAIT = 15
MAX_TABS = 60
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# The sequence of ids the Tab key reaches, and where focus is; the list of elements a person can see.
ACTIVE_ID = "return document.activeElement ? (document.activeElement.id || document.activeElement.tagName) : null"


def fixture_site():
    """The consent-qa fixture pages (tests/extension/qa_fixture_site.py): a page with a 3-year cookie."""
    spec = importlib.util.spec_from_file_location("qa_fixture_site", TESTS / "extension" / "qa_fixture_site.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class ConsoleServer(AppServer):
    """The service with its console on a real database, plus the fixture agency "fx" and its pages, in a thread."""

    def __init__(self, agencies_dir: Path, database_url: str):
        super().__init__(None, quiet=True)
        for template in FX_AGENCIES.glob("*.toml"):
            (agencies_dir / template.name).write_text(template.read_text().replace("__PORT__", str(self.port)))
        app = create_app({"AGENCIES_DIR": str(agencies_dir), "SECRET_KEYS": KEYS, "DEMO": True,
                          "DATABASE_URL": database_url})
        app.register_blueprint(fixture_site().bp)
        self.app = app
        self.start()

    def add_staff(self, name, *roles):
        """A staff account with the journey's password."""
        with session_for(self.app) as db:
            add_account(db, name, roles, (), PASSWORD)
            db.commit()

    def stop(self):
        super().stop()
        self.app.extensions["database"].kw["bind"].dispose()


def start_browser(pool):
    """Headless Chromium in US English (date fields take month, day, year), without the test extension.

    Lent by the process's browser pool (tests/browser_pool.py) on a fresh tab: give it back, never quit it.
    """
    return pool.lend(extension=False, extra_args=("--lang=en-US",))


class Staff:
    """A person at the console using only the keyboard; waits say what did not happen."""

    def __init__(self, driver, base_url):
        self.driver = driver
        self.base = base_url

    def wait(self, condition, message):
        return WebDriverWait(self.driver, WAIT).until(condition, message)

    def open(self, path):
        self.driver.get(self.base + path)
        return self

    def heading(self):
        return self.driver.find_element(By.TAG_NAME, "h1").text

    def press(self, *keys):
        """Keys to whatever has focus, as a keyboard would send them."""
        ActionChains(self.driver).send_keys(*keys).perform()

    def tab_to(self, element_id):
        """Press Tab until `element_id` has focus; the ids passed on the way are returned."""
        passed = []
        for _ in range(MAX_TABS):
            active = self.driver.execute_script(ACTIVE_ID)
            if active == element_id:
                return passed
            passed.append(active)
            self.press(Keys.TAB)
        raise AssertionError(f"Tab never reached #{element_id}; focus went through {passed}")

    def type_into(self, element_id, text):
        """Tab to a field and type into it."""
        self.tab_to(element_id)
        self.press(text)

    def sign_in(self, name):
        """Sign in at /console/login: the name field has focus, Tab to the password, Enter."""
        self.open("/console/login")
        self.wait(lambda d: d.execute_script(ACTIVE_ID) == "name", "the name field did not take focus")
        self.press(name, Keys.TAB, PASSWORD, Keys.ENTER)
        self.wait(lambda d: "/console/login" not in d.current_url, f"{name} was not signed in")
        return self

    def sign_out(self):
        """The header's Sign out button, by keyboard."""
        self.tab_to_text("Sign out")
        self.press(Keys.ENTER)
        self.wait(lambda d: "/console/login" in d.current_url, "signing out did not return to the sign-in page")

    def tab_to_text(self, label):
        """Tab until a button or link with this text has focus."""
        for _ in range(MAX_TABS):
            if self.driver.execute_script("return document.activeElement.textContent.trim()") == label:
                return
            self.press(Keys.TAB)
        raise AssertionError(f"Tab never reached {label!r}")

    def submit(self, label):
        """Tab to a button and press Enter; wait for the next page."""
        old = self.driver.find_element(By.TAG_NAME, "html")
        self.tab_to_text(label)
        self.press(Keys.ENTER)
        self.wait(lambda d: old != d.find_element(By.TAG_NAME, "html"), f"pressing {label!r} loaded no page")

    def file_request(self, agency, cookie, starts, ends):
        """Fill every field of the request form with the keyboard alone, in the page's Tab order, and send it."""
        self.open("/console/waivers/new")
        self.type_into("agency", agency)  # a closed select picks the option whose text is typed
        self.tab_to("clauses-1")  # 2.2
        self.press(Keys.SPACE)
        self.tab_to("scope_kind-0")
        self.press(Keys.ARROW_DOWN)  # the second choice: named cookies
        self.type_into("cookies", cookie)
        self.type_into("purpose", "Remembers the visitor's layout choice on the forms pages.")
        self.type_into("why_not_comply", "The forms vendor's library fixes a three-year lifetime until its upgrade.")
        self.type_into("privacy_review", "No personal data: one word of layout preference. Risk low.")
        self.type_into("pab_representative", "Pat Doe")
        for box in ("iso_copied", "no_sensitive_information", "kind-0"):
            self.tab_to(box)
            self.press(Keys.SPACE)
        self.type_into("starts", starts.strftime("%m%d%Y"))
        self.type_into("ends", ends.strftime("%m%d%Y"))
        self.submit("File the request")

    def take_step(self, page, label, choice_id=None, text_id=None, text=""):
        """On a waiver page: choose grant (a radio), write notes or an analysis, press the step's button."""
        self.open(page)
        if choice_id:
            self.tab_to(choice_id)
            self.press(Keys.SPACE)
        if text_id:
            self.type_into(text_id, text)
        self.submit(label)

    def text_of(self, css):
        return self.driver.find_element(By.CSS_SELECTOR, css).text

    def axe(self):
        """axe-core's WCAG 2.x A/AA rules on the whole page: (violations, ids of the rules that passed)."""
        assert AXE.is_file(), f"axe-core is not installed at {AXE}: run `make test` (it installs it)"
        self.driver.execute_script(AXE.read_text(encoding="utf-8"))
        return self.driver.execute_async_script("""
            const done = arguments[arguments.length - 1];
            axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})
              .then(r => done([r.violations.map(v => ({id: v.id, nodes: v.nodes.map(n => n.html)})),
                               r.passes.map(p => p.id)]),
                    e => done([[{id: 'axe-error', nodes: [String(e)]}], []]));
        """, AXE_TAGS)
