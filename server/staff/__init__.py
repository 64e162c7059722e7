"""The staff half (console, sign-in, waivers, dashboard, statements, equal-access API), mounted by the factory
only when a console database is configured (server/staff/switch.py); the public half never imports it."""
