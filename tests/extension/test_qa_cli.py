"""`consent-qa check`: exit codes, the three reports, parallel workers, GPC, and set-up errors."""

import io
import json
import socket
import xml.etree.ElementTree as ET

import pytest

from extension import browser as browser_module
from extension.cli import main
from extension.cli import progress_printer


def free_port():
    """A loopback port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.browser
def test_failing_page_exits_1_and_writes_three_reports(fx_server, tmp_path, capsys):
    good = f"{fx_server}/fx/good/?from=<qa>&x=\"1\""
    broken = f"{fx_server}/fx/undeclared/"

    code = main(["check", good, broken, "--agency", "fx", "--report-dir", str(tmp_path)])

    assert code == 1
    report = json.loads((tmp_path / "report.json").read_text())
    assert {(f["url"], f["clause"]) for f in report["findings"] if f["verdict"] == "fail"} == {(broken, "1.3.1")}
    assert len(report["findings"]) == 14
    assert set(report["findings"][0]) >= {"url", "clause", "verdict", "reason", "evidence"}
    suite = ET.parse(tmp_path / "junit.xml").getroot().find("testsuite")
    assert len(suite.findall("testcase")) == 14
    assert len(suite.findall("testcase/failure")) == 1
    page = (tmp_path / "report.html").read_text()
    for shot in ("page1-before.png", "page1-after.png", "page2-before.png", "page2-after.png"):
        assert f"src='screenshots/{shot}'" in page
        assert (tmp_path / "screenshots" / shot).read_bytes().startswith(b"\x89PNG")
    assert "from=&lt;qa&gt;&amp;x=&#34;1&#34;" in page and "<qa>" not in page  # Jinja spells a quote &#34;
    assert "_fx_ad" in page  # the cookie table
    out = capsys.readouterr()
    assert "FAIL" in out.out and "[1.3.1]" in out.out
    assert "\r[" not in out.err  # no progress bar when not on a terminal


@pytest.mark.browser
def test_two_workers_with_gpc_check_every_page(fx_server, tmp_path):
    urls = [f"{fx_server}/fx/{case}/" for case in ("good", "wall", "long-cookie")]

    code = main(["check", *urls, "--agency", "fx", "--report-dir", str(tmp_path), "--workers", "2", "--gpc"])

    assert code == 1
    report = json.loads((tmp_path / "report.json").read_text())
    failed = {(f["url"].rsplit("/", 2)[1], f["clause"]) for f in report["findings"] if f["verdict"] == "fail"}
    assert failed == {("wall", "equal-access"), ("long-cookie", "2.2")}
    gpc = [f for f in report["findings"] if f.get("variant") == "gpc"]
    assert [f["url"] for f in gpc] == urls and {f["verdict"] for f in gpc} == {"pass"}


def test_unknown_agency_is_a_setup_error(fx_server, tmp_path, capsys):
    code = main(["check", f"{fx_server}/fx/good/", "--agency", "nobody", "--report-dir", str(tmp_path)])

    assert code == 2
    assert "does not know agency 'nobody'" in capsys.readouterr().err
    assert not (tmp_path / "report.json").exists()


def test_unreachable_page_is_a_setup_error(fx_server, tmp_path, capsys):
    dead = f"http://127.0.0.1:{free_port()}/"

    code = main(["check", dead, "--agency", "fx", "--service", fx_server, "--report-dir", str(tmp_path)])

    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("consent-qa: error: page unreachable: " + dead)
    assert err.count("\n") == 1


def test_missing_chromium_is_a_setup_error(fx_server, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(browser_module, "CHROMIUM", str(tmp_path / "no-chromium"))
    # A real start, not a browser handed on from an earlier run (tests/conftest.py's product_browsers).
    monkeypatch.setattr("extension.runner.launch_chrome", browser_module.launch_chrome)

    code = main(["check", f"{fx_server}/fx/good/", "--agency", "fx", "--report-dir", str(tmp_path)])

    assert code == 2
    assert "no-chromium is missing" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [
    ["check", "--agency", "fx"],
    ["check", "ftp://example.org/", "--agency", "fx"],
    ["check", "http://127.0.0.1/", "--agency", "fx", "--workers", "0"],
    ["check", "http://127.0.0.1/"],
])
def test_bad_usage_exits_2(argv, capsys):
    try:
        code = main(argv)
    except SystemExit as exit_:
        code = exit_.code
    assert code == 2
    assert "error" in capsys.readouterr().err


class Terminal(io.StringIO):
    """A text stream that says it is a terminal, as sys.stderr does in an interactive shell."""

    def isatty(self):
        return True


def test_progress_bar_only_on_a_terminal_outside_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    terminal = Terminal()
    show = progress_printer(terminal)
    show(1, 2)
    show(2, 2)
    assert terminal.getvalue() == f"\r[{'#' * 15}{'.' * 15}] 1/2 pages\r[{'#' * 30}] 2/2 pages\n"
    assert progress_printer(io.StringIO()) is None
    monkeypatch.setenv("CI", "true")
    assert progress_printer(Terminal()) is None
