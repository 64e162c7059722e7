"""Longest test files first, so that xdist's `--dist loadfile` never ends with one worker running a long file alone.

`tests/file_seconds.json` holds each file's seconds (set-up, call and tear-down summed) from a measured run;
`python tests/file_order.py JUNIT.xml` writes it anew from a run's `--junitxml`. Only the order of files depends on
it: a file it does not know yet runs after the known long ones, and every test still runs.
"""

import json
import sys
import xml.etree.ElementTree as ElementTree
from collections import defaultdict
from pathlib import Path

SECONDS_FILE = Path(__file__).resolve().parent / "file_seconds.json"


def file_seconds(junit_xml: Path) -> dict:
    """{test file: seconds} from a pytest --junitxml report (its classname is the file's dotted path)."""
    seconds = defaultdict(float)
    for case in ElementTree.parse(junit_xml).iter("testcase"):
        module = case.get("classname", "")
        parts = module.split(".")
        # classname is tests.folder.test_file[.Class]: keep up to the test_ module.
        cut = next((index for index, part in enumerate(parts) if part.startswith("test_")), len(parts) - 1)
        seconds["/".join(parts[:cut + 1]) + ".py"] += float(case.get("time", 0))
    return {name: round(value, 1) for name, value in sorted(seconds.items())}


def known_seconds() -> dict:
    """The stored seconds per file, or none when the file is missing."""
    return json.loads(SECONDS_FILE.read_text()) if SECONDS_FILE.exists() else {}


def longest_files_first(items: list, seconds: dict) -> list:
    """The items with their files in decreasing known seconds; a file's own tests keep their order."""
    position = {}
    for index, item in enumerate(items):
        position.setdefault(item.nodeid.split("::")[0], index)
    return sorted(items, key=lambda item: (-seconds.get(item.nodeid.split("::")[0], 0.0),
                                           position[item.nodeid.split("::")[0]]))


if __name__ == "__main__":
    SECONDS_FILE.write_text(json.dumps(file_seconds(Path(sys.argv[1])), indent=0) + "\n")
