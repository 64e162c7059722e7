"""The suite's shared fixtures read what exists: a folder that is missing must fail, not copy nothing."""

import importlib.util
from pathlib import Path

SHARED_CONFTEST = Path(__file__).resolve().parents[1] / "conftest.py"


def test_every_folder_the_shared_conftest_reads_exists():
    spec = importlib.util.spec_from_file_location("shared_conftest", SHARED_CONFTEST)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    folders = {name: value for name, value in vars(module).items() if isinstance(value, Path)}
    assert folders, "conftest names no folder"
    assert [name for name, folder in folders.items() if not folder.exists()] == []


def test_agencies_dir_is_the_shipped_agency_files(agencies_dir, repo_root):
    shipped = {path.name: path.read_bytes() for path in (repo_root / "agencies").glob("*.toml")}
    copied = {path.name: path.read_bytes() for path in agencies_dir.glob("*.toml")}
    assert shipped and copied == shipped
