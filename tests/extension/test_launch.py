"""`consent-qa` installed without its [qa] extra fails with one line naming it (exit 2, set-up)."""

from extension import launch
from server.core import parts


def test_without_the_qa_extra_consent_qa_names_it_in_one_line(monkeypatch, capsys):
    monkeypatch.setattr(parts, "installed", lambda extra: extra != "qa")
    assert launch.main(["check", "https://www.mass.gov/"]) == 2
    assert capsys.readouterr().err == "consent-qa: error: consent-qa is not installed: pip install 'ma-consent[qa]'\n"


def test_with_it_the_command_line_runs(capsys):
    try:
        launch.main(["--help"])
    except SystemExit as done:
        assert done.code == 0
    assert "usage: consent-qa" in capsys.readouterr().out
