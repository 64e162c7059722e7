"""A page that opens alert, confirm, prompt or beforeunload dialogs is checked like any page (issue 19.9)."""

import json

import pytest

from extension.cli import main
from qa_fixture_site import DIALOGS

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("name", list(DIALOGS))
def test_dialog_page_is_checked_normally(name, fx_server, tmp_path, capsys):
    url = f"{fx_server}/fx/dialog-{name}/"

    code = main(["check", url, "--agency", "fx", "--report-dir", str(tmp_path)])

    report = json.loads((tmp_path / "report.json").read_text())
    assert code == 0, capsys.readouterr().err
    assert [page.get("error") for page in report["pages"]] == [None]
    assert len(report["findings"]) == 7
    assert {finding["verdict"] for finding in report["findings"]} == {"pass"}
    assert "unexpected alert" not in capsys.readouterr().err
