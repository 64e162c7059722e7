"""Tracking beyond cookies (issue 22): Web Storage, IndexedDB, fingerprinting, session replay, typed text, beacons."""
