"""The embeddable notice banner and the Python that assembles it per agency."""
