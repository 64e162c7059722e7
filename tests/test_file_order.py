"""The suite's file order for xdist: longest known files first, each file's tests in their own order."""

from types import SimpleNamespace

from file_order import file_seconds
from file_order import longest_files_first


def items(*nodeids):
    return [SimpleNamespace(nodeid=nodeid) for nodeid in nodeids]


def test_longest_files_first_and_a_files_tests_in_order():
    collected = items("tests/a.py::one", "tests/a.py::two", "tests/b.py::one", "tests/c.py::one", "tests/b.py::two")
    ordered = longest_files_first(collected, {"tests/b.py": 90.0, "tests/c.py": 5.0})
    assert [item.nodeid for item in ordered] == ["tests/b.py::one", "tests/b.py::two", "tests/c.py::one",
                                                 "tests/a.py::one", "tests/a.py::two"]


def test_every_item_is_kept(tmp_path):
    collected = items(*(f"tests/f{n % 7}.py::t{n}" for n in range(50)))
    assert sorted(item.nodeid for item in longest_files_first(collected, {"tests/f3.py": 1.0})) == \
        sorted(item.nodeid for item in collected)


def test_seconds_per_file_from_a_junit_report(tmp_path):
    report = tmp_path / "junit.xml"
    report.write_text('<testsuites><testsuite>'
                      '<testcase classname="tests.server.test_api" name="a" time="1.5"/>'
                      '<testcase classname="tests.server.test_api" name="b" time="2.0"/>'
                      '<testcase classname="tests.console.test_auth.TestSignIn" name="c" time="4.25"/>'
                      '</testsuite></testsuites>')
    assert file_seconds(report) == {"tests/console/test_auth.py": 4.2, "tests/server/test_api.py": 3.5}
