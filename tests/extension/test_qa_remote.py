"""--remote-url: a chromedriver listening on its own port gets the extension in the capabilities."""

import json
import os
import shutil
import socket
import subprocess
import tempfile
import time

import pytest

from extension.chromium import CHROMEDRIVER
from extension.cli import main

pytestmark = pytest.mark.browser


@pytest.fixture
def chromedriver_url():
    """A standalone chromedriver on a free loopback port, as a remote host would run it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    # A short home of its own: Chromium's profile socket path must fit in 107 bytes, and an xdist worker's
    # tmp_path (…/popen-gw1/test_page_the_remote_browser_c0/) made the remote Chromium exit at start.
    home = tempfile.mkdtemp(prefix="qa-remote-")
    env = {**os.environ, "HOME": home, "TMPDIR": home}
    process = subprocess.Popen([CHROMEDRIVER, f"--port={port}"], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)
    shutil.rmtree(home, ignore_errors=True)


def test_remote_chromedriver_checks_a_page_with_the_extension(fx_server, chromedriver_url, tmp_path):
    code = main(["check", f"{fx_server}/fx/token-max-age/", "--agency", "fx", "--report-dir", str(tmp_path),
                 "--remote-url", chromedriver_url])

    report = json.loads((tmp_path / "report.json").read_text())
    assert code == 1
    # Only the extension sees the cookie's raw Max-Age: the failure proves it was loaded remotely.
    assert [f["clause"] for f in report["findings"] if f["verdict"] == "fail"] == ["1.3.3"]
    assert "Max-Age=3600" in report["findings"][1]["reason"]


def test_unreachable_remote_is_a_setup_error(fx_server, tmp_path, capsys):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]

    code = main(["check", f"{fx_server}/fx/good/", "--agency", "fx", "--report-dir", str(tmp_path),
                 "--remote-url", f"http://127.0.0.1:{port}"])

    assert code == 2
    assert "remote WebDriver" in capsys.readouterr().err


def test_page_the_remote_browser_cannot_load_is_reported_as_not_checked(fx_server, chromedriver_url, tmp_path,
                                                                         capsys):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}/"

    code = main(["check", dead, f"{fx_server}/fx/good/", "--agency", "fx", "--service", fx_server,
                 "--report-dir", str(tmp_path), "--remote-url", chromedriver_url])

    assert code == 2
    report = json.loads((tmp_path / "report.json").read_text())
    assert "unreachable" in report["pages"][0]["error"]
    assert {f["url"] for f in report["findings"]} == {f"{fx_server}/fx/good/"}
    assert f"consent-qa: error: {dead}: " in capsys.readouterr().err
