"""What the staff JSON API's schemas need to dump models: where a value comes from, and how an instant is written."""

from marshmallow import Schema
from marshmallow import fields

from server.db.clock import iso_instant


class SourcedSchema(Schema):
    """A schema that dumps a model whose attribute is not named like the field (SOURCES: field name -> function).

    The fields themselves stay as /openapi.json documents them (it reads the same classes); only where a value
    is read from changes, e.g. `agency` from `waiver.agency_id`, `checked` from the run's coverage.
    """

    SOURCES = {}

    def get_attribute(self, obj, attr, default):
        """The field's source when SOURCES names one, else the attribute (or key) of that name."""
        source = self.SOURCES.get(attr)
        return source(obj) if source is not None else super().get_attribute(obj, attr, default)


class Instant(fields.String):
    """A stored UTC instant written as ISO 8601 with its Z; documented as a string, as before."""

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else iso_instant(value)
