"""The staff roles' names (DESIGN.md "Roles"), here so that the Flask-free groups file can check them too."""

ROLES = ("admin", "qa", "requester", "reviewer", "counsel", "approver", "iso", "auditor")
