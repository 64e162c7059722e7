"""The waiver registry of policy section 3: rules, request reading, workflow and JSON views."""
