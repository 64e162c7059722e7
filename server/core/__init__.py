"""The Flask-free core every part may import: agency files, the clause catalogue, settings, equal-access comparison."""
