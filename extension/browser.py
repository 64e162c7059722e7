"""Start headless Chromium as BROWSER.md says works here (or on a remote endpoint), with or without the extension."""

import os
import shutil
import tempfile
from pathlib import Path

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service

from extension.chromium import CHROMEDRIVER
from extension.chromium import CHROMIUM
from extension.chromium import COMMAND_TIMEOUT
from extension.chromium import PAGE_LOAD_TIMEOUT
from extension.chromium import SCRIPT_TIMEOUT
from extension.chromium import Browser
from extension.chromium import SetupError
from extension.chromium import child_pids
from extension.chromium import chrome_options
from extension.platforms.autoconsent import ensure_installed
from extension.remote import launch_remote


def launch_chrome(*, extension: bool = True, gpc: bool = False, remote_url: str | None = None,
                  headless: bool = True, prefs: dict | None = None, extra_args: tuple = ()) -> Browser:
    """Start a fresh headless Chromium (local, or through a remote WebDriver endpoint)."""
    if extension:
        ensure_installed()  # the add-on loads autoconsent's files: they must be in place first
    if remote_url:
        return launch_remote(remote_url, extension=extension, gpc=gpc, headless=headless, prefs=prefs,
                             extra_args=extra_args)
    for path in (CHROMIUM, CHROMEDRIVER):
        if not os.access(path, os.X_OK):
            raise SetupError(f"{path} is missing: install it with `apt-get install -y chromium chromium-driver`")
    temp_dir = tempfile.mkdtemp(prefix="consent-qa-")
    home = Path(temp_dir, "home")
    home.mkdir()
    profile = Path(temp_dir, "profile")
    options = chrome_options(extension=extension, gpc=gpc, headless=headless, prefs=prefs,
                             extra_args=extra_args, user_data_dir=str(profile))
    # Chromium writes outside its profile (~/.config, $TMPDIR/org.chromium.*): keep that in our temp dir.
    env = {**os.environ, "HOME": str(home), "TMPDIR": str(home)}
    service = Service(executable_path=CHROMEDRIVER, env=env)
    try:
        driver = webdriver.Chrome(service=service, options=options)
    except WebDriverException as e:
        if service.process is not None:
            service.stop()
        shutil.rmtree(temp_dir, ignore_errors=True)
        raise SetupError(f"Chromium did not start: {e.msg or e}") from e
    driver.command_executor.client_config.timeout = COMMAND_TIMEOUT
    driver.set_page_load_timeout(PAGE_LOAD_TIMEOUT)
    driver.set_script_timeout(SCRIPT_TIMEOUT)
    browser = Browser(driver=driver, extension=extension, temp_dir=temp_dir, service=service)
    browser._pids = [service.process.pid] + child_pids(service.process.pid)
    return browser
