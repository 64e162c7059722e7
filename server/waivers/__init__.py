"""The waiver registry of policy section 3, one feature: models, pure rules, workflow, schemas, JSON API and pages."""
