"""Agency files for tests: a small valid one, a mutated copy, and writing them as TOML."""

import copy
import json

DELETE = object()


def valid_agency():
    """A small but complete agency: one tracker with one persistent and one session cookie."""
    return {
        "id": "sample",
        "name": "Sample Agency",
        "origins": ["https://www.sample.mass.gov"],
        "privacy_policy_url": "https://www.sample.mass.gov/privacy",
        "terms_url": "https://www.sample.mass.gov/terms",
        "mode": "opt-out",
        "commonwealth_domains": ["mass.gov"],
        "equal_access_ignore": ["#clock"],
        "trackers": [{
            "id": "stats",
            "vendor": "Stats Inc.",
            "purpose": "Counts visits.",
            "license_url": "https://stats.example/terms",
            "privacy_url": "https://stats.example/privacy",
            "contracted": True,
            "requests": ["https://stats.example/collect", "/local/stats"],
            "cookies": [
                {"name": "_st", "domain": ".mass.gov", "persistent": True, "expiry_days": 365},
                {"name": "_st_session", "domain": "www.sample.mass.gov", "persistent": False},
            ],
        }],
        "texts": {"es": {"intro": "Usamos cookies."}},
    }


def toml_value(value):
    """A value as a TOML literal; tables are written inline so one function covers every shape."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(key)} = {toml_value(item)}" for key, item in value.items()) + "}"
    raise TypeError(value)


def write_agency(folder, data, name=None):
    """Write an agency file named after its id (or the name given); returns its path."""
    path = folder / (name or f"{data['id']}.toml")
    path.write_text("\n".join(f"{json.dumps(key)} = {toml_value(value)}" for key, value in data.items()) + "\n",
                    encoding="utf-8")
    return path


def mutated(path, value):
    """The valid agency with the value at path replaced (or removed with DELETE)."""
    data = copy.deepcopy(valid_agency())
    target = data
    for step in path[:-1]:
        target = target[step]
    if value is DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return data
