"""server/core/error_paths.py: one walk from marshmallow's nested messages to field paths, for 422s and agency files."""

import pytest
from marshmallow import Schema
from marshmallow import ValidationError
from marshmallow import fields
from marshmallow import validate
from marshmallow import validates_schema

from server.core.error_paths import error_leaves
from server.core.error_paths import field_path
from server.core.error_paths import first_error


class Cookie(Schema):
    """A nested item, to get list indices into the paths."""

    name = fields.String(required=True)


class Tracker(Schema):
    """Nested lists, a Dict field and a schema-wide check."""

    id = fields.String(required=True)
    cookies = fields.List(fields.Nested(Cookie), required=True)
    texts = fields.Dict(keys=fields.String(validate=validate.OneOf(["en", "es"])), values=fields.String())

    @validates_schema
    def _check(self, data, **kwargs):
        if data.get("id") == "bad":
            raise ValidationError("this tracker is refused")


def _messages(schema, data):
    with pytest.raises(ValidationError) as caught:
        schema.load(data)
    return caught.value.messages


@pytest.mark.parametrize(("path", "key", "expected"), [
    ("", "urls", "urls"), ("urls", 2, "urls[2]"), ("trackers[0]", "cookies", "trackers[0].cookies"),
    ("", "a\nb", "a\\nb"),
])
def test_field_path(path, key, expected):
    assert field_path(path, key) == expected


def test_every_leaf_in_order_with_its_value():
    data = {"id": 3, "cookies": [{"name": "a"}, {}], "texts": {"fr": "x", "en": 1}}
    leaves = list(error_leaves(_messages(Tracker(), data), data))
    assert ("id", "Not a valid string.", 3) in leaves
    assert ("cookies[1].name", "Missing data for required field.", None) in leaves
    # A Dict field's entries are named by their key, not by marshmallow's "key"/"value" words.
    assert ("texts.fr", "Must be one of: en, es.", "fr") in leaves
    assert ("texts.en", "Not a valid string.", 1) in leaves


def test_a_schema_wide_error_has_its_parents_path():
    assert list(error_leaves(_messages(Tracker(), {"id": "bad", "cookies": []}))) == [
        ("", "this tracker is refused", None)]
    assert first_error(_messages(Tracker(), {"id": "bad", "cookies": []})) == (None, "this tracker is refused")


def test_first_error_is_what_a_422_names():
    assert first_error(_messages(Tracker(), {"id": "t", "cookies": [{"name": 5}]})) == (
        "cookies[0].name", "Not a valid string.")


def test_reword_rewrites_one_levels_keys():
    messages = {"privacy_policy_url": ["Missing data for required field."], "privacy_policy_ur": ["Unknown field."]}

    def reword(level):
        return {"privacy_policy_url": lambda text: text + " (a typo?)"} if "privacy_policy_ur" in level else {}

    assert [message for _, message, _ in error_leaves(messages, reword=reword)] == [
        "Missing data for required field. (a typo?)", "Unknown field."]
