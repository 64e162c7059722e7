"""Write the static answers as files: the bodies under public/, their headers in headers.json beside it."""

import json
import os
import tempfile
from pathlib import Path

from server.static_delivery.served_file import CODINGS

HEADERS_FILE = "headers.json"
PUBLIC_DIR = "public"


def header_table(resources):
    """What each URL answers with, per coding: the data headers.json holds and nginx's server block is made of."""
    return {
        resource.url: {
            "agency": resource.agency_id,
            "lang": resource.lang,
            "content_type": resource.served.content_type,
            "etags": sorted(resource.served.etags),
            "headers": {coding: list(resource.served.headers[coding]) for coding in CODINGS},
            "not_modified": {coding: list(resource.served.not_modified[coding]) for coding in CODINGS},
        }
        for resource in resources
    }


def write_file(path, data):
    """Write through a temporary name and rename: a reader sees the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(handle, "wb") as stream:
        stream.write(data)
    os.chmod(temporary, 0o644)
    os.replace(temporary, path)


def write_build(resources, folder):
    """Every resource's body in every coding under folder/public, and headers.json; returns the header table."""
    folder = Path(folder)
    for resource in resources:
        for coding in CODINGS:
            write_file(folder / PUBLIC_DIR / resource.file_name(coding), resource.served.bodies[coding])
    table = header_table(resources)
    write_file(folder / HEADERS_FILE, json.dumps(table, indent=1).encode())
    return table
