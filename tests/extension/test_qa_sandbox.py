"""Chromium keeps its sandbox unless the process is root; as root one warning line says what that risks (19.6)."""

import grp
import json
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import traceback
from pathlib import Path

import pytest

from extension.browser import launch_chrome
from extension.chromium import ROOT_WARNING
from extension.chromium import child_pids
from extension.cli import main

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(os.geteuid() != 0, reason="needs root to start the root case and to become nobody")]

TESTS = Path(__file__).resolve().parents[1]


def _processes(pid):
    """Command line and seccomp mode of every process of the browser under pid."""
    found = []
    for child in child_pids(pid):
        try:
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")
            status = Path(f"/proc/{child}/status").read_text()
        except OSError:
            continue
        seccomp = next(line.split()[1] for line in status.splitlines() if line.startswith("Seccomp:"))
        # Chromium rewrites its helpers' argv into one space-separated string: keep the whole line.
        found.append({"command": " ".join(arg.decode() for arg in cmdline if arg), "seccomp": int(seccomp)})
    return found


def _as_nobody(url, home):
    """In a forked child that has become nobody: a browser's processes on a page, then consent-qa on it."""
    os.setgroups([])
    os.setgid(grp.getgrnam("nogroup").gr_gid)
    os.setuid(pwd.getpwnam("nobody").pw_uid)
    os.environ.update(HOME=str(home), TMPDIR=str(home))
    tempfile.tempdir = str(home)
    browser = launch_chrome()
    try:
        browser.wait_ready()
        browser.driver.get(url)
        processes = _processes(browser.service.process.pid)
    finally:
        browser.quit()
    code = main(["check", url, "--agency", "fx", "--report-dir", str(home / "report")])
    (home / "result.json").write_text(json.dumps({"uid": os.getuid(), "processes": processes, "code": code}))


@pytest.fixture
def nobody_home():
    """A folder nobody owns (pytest's own temporary folders are root's alone)."""
    home = Path(tempfile.mkdtemp(prefix="consent-qa-nobody-"))
    os.chown(home, pwd.getpwnam("nobody").pw_uid, grp.getgrnam("nogroup").gr_gid)
    yield home
    shutil.rmtree(home, ignore_errors=True)


def test_as_an_unprivileged_user_chromium_keeps_its_sandbox(fx_server, tmp_path, nobody_home, capfd):
    url = f"{fx_server}/fx/good/"
    home = nobody_home
    # The interpreter's standard library is under /root, which nobody cannot read: import what the check needs first.
    assert main(["check", url, "--agency", "fx", "--report-dir", str(tmp_path / "warm-up")]) == 0
    capfd.readouterr()
    child = os.fork()
    if child == 0:
        try:
            _as_nobody(url, home)
        except BaseException:  # noqa: BLE001 - the parent reads what went wrong
            (home / "error.txt").write_text(traceback.format_exc())
        finally:
            os._exit(0)
    os.waitpid(child, 0)

    assert not (home / "error.txt").exists(), (home / "error.txt").read_text()
    result = json.loads((home / "result.json").read_text())
    assert result["uid"] == pwd.getpwnam("nobody").pw_uid
    renderers = [p for p in result["processes"] if "--type=renderer" in p["command"]]
    assert renderers, result["processes"]
    assert not [p["command"] for p in result["processes"] if "--no-sandbox" in p["command"]]
    # Mode 2: the renderer runs under Chromium's seccomp-bpf filter (with --no-sandbox it is 0).
    assert {p["seccomp"] for p in renderers} == {2}
    assert result["code"] == 0
    report = json.loads((home / "report" / "report.json").read_text())
    assert [page.get("error") for page in report["pages"]] == [None]
    assert {finding["verdict"] for finding in report["findings"]} == {"pass"}
    assert "sandbox" not in capfd.readouterr().err


def test_as_root_one_warning_line_names_the_risk(fx_server, tmp_path):
    done = subprocess.run([sys.executable, "-m", "extension.cli", "check", f"{fx_server}/fx/good/", "--agency", "fx",
                           "--report-dir", str(tmp_path), "--gpc"],
                          capture_output=True, text=True, timeout=240, cwd=TESTS.parent)

    assert done.returncode == 0, done.stderr
    warnings = [line for line in done.stderr.splitlines() if "sandbox" in line]
    assert warnings == [ROOT_WARNING]
    assert "root" in ROOT_WARNING and "--no-sandbox" in ROOT_WARNING and "credentials" in ROOT_WARNING
