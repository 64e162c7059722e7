"""Drive a browser behind any W3C WebDriver endpoint, sending the extension along in the capabilities."""

import base64
import io
import zipfile

import urllib3
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.remote.client_config import ClientConfig

from extension.chromium import ADDON_DIR
from extension.chromium import COMMAND_TIMEOUT
from extension.chromium import PAGE_LOAD_TIMEOUT
from extension.chromium import SCRIPT_TIMEOUT
from extension.chromium import Browser
from extension.chromium import SetupError
from extension.chromium import chrome_options

# A Selenium Grid queues a new session while every slot is busy: wait for a slot far longer than for a command
# (a slot frees when another worker's run ends), but give up before the Grid's own queue timeout (300 s).
NEW_SESSION_TIMEOUT = 120


def packed_addon() -> str:
    """The unpacked extension zipped in memory, base64-encoded for the goog:chromeOptions extensions list.

    ChromeDriver unpacks what it is sent on its own host and loads it with --load-extension, so
    the remote machine needs no copy; the manifest's "key" keeps the extension id the same there.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(ADDON_DIR.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(ADDON_DIR).as_posix())
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def launch_remote(remote_url: str, *, extension: bool, gpc: bool, headless: bool, prefs: dict | None,
                  extra_args: tuple) -> Browser:
    """A session on the remote endpoint with the same flags as a local browser (its own temp profile)."""
    options = chrome_options(extension=False, gpc=gpc, headless=headless, prefs=prefs, extra_args=extra_args,
                             user_data_dir=None)
    # The remote host decides where Chromium lives; keep only our flags.
    options.binary_location = ""
    if extension:
        options.add_encoded_extension(packed_addon())
    config = ClientConfig(remote_server_addr=remote_url, timeout=NEW_SESSION_TIMEOUT)
    try:
        driver = webdriver.Remote(command_executor=remote_url, options=options, client_config=config)
    except WebDriverException as e:
        raise SetupError(f"the remote WebDriver at {remote_url} did not start a browser: {e.msg or e}") from e
    except urllib3.exceptions.ReadTimeoutError as e:
        # It answered nothing in time: a Grid whose slots all stayed busy, not an endpoint that cannot be reached.
        raise SetupError(f"the remote WebDriver at {remote_url} gave no browser within {NEW_SESSION_TIMEOUT} s "
                         "(on a Selenium Grid: every slot stayed busy; give it more slots or run fewer threads)") from e
    except (OSError, urllib3.exceptions.HTTPError) as e:
        raise SetupError(f"the remote WebDriver at {remote_url} cannot be reached: {e}") from e
    # Commands answer in seconds: a hung node fails the page fast instead of stalling the run.
    driver.command_executor.client_config.timeout = COMMAND_TIMEOUT
    driver.set_page_load_timeout(PAGE_LOAD_TIMEOUT)
    driver.set_script_timeout(SCRIPT_TIMEOUT)
    return Browser(driver=driver, extension=extension, remote=True)
