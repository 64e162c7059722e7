"""The app's agency registry: an invalid agency file or a missing folder stops start-up; valid files are served."""

import pytest

from agency_files import mutated
from agency_files import valid_agency
from agency_files import write_agency
from server import create_app
from server.core.agency import AgencyConfigError

KEYS = ["registry-test-key-0123456789"]


def test_create_app_stops_on_an_invalid_agency_file(tmp_path):
    write_agency(tmp_path, valid_agency())
    write_agency(tmp_path, mutated(("terms_url",), "http://www.sample.mass.gov/terms"), name="broken.toml")
    (tmp_path / "broken.toml").write_text(
        (tmp_path / "broken.toml").read_text(encoding="utf-8").replace('"id" = "sample"', '"id" = "broken"'),
        encoding="utf-8")
    with pytest.raises(AgencyConfigError) as caught:
        create_app({"AGENCIES_DIR": str(tmp_path), "SECRET_KEYS": KEYS, "DEMO": False})
    message = str(caught.value)
    assert message.startswith('broken.toml: field terms_url = "http://www.sample.mass.gov/terms"'), message
    assert "\n" not in message


def test_create_app_stops_on_a_missing_agencies_folder(tmp_path):
    with pytest.raises(AgencyConfigError, match="absent: agencies folder not found"):
        create_app({"AGENCIES_DIR": str(tmp_path / "absent"), "SECRET_KEYS": KEYS, "DEMO": False})


def test_create_app_serves_every_valid_file(tmp_path):
    write_agency(tmp_path, valid_agency())
    app = create_app({"AGENCIES_DIR": str(tmp_path), "SECRET_KEYS": KEYS, "DEMO": False})
    response = app.test_client().get("/v1/sample/notice")
    assert response.status_code == 200
    assert response.get_json()["trackers"][0]["id"] == "stats"
