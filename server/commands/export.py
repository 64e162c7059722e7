"""`consent-service export DIR`: every agency's banner.js and notice as files for nginx or a CDN.

It signs nothing: the console script builds its app without needing a signing key (server/cli.py).
"""

import click
from flask import current_app
from flask.cli import with_appcontext

from server.static_delivery.publish import NGINX_FILE
from server.static_delivery.publish import ExportError
from server.static_delivery.publish import export


@click.command("export", help="Write every agency's banner.js and notice (with .gz and .br copies and a "
                              "content-hashed name) and an nginx configuration serving them at the service's paths.")
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--upstream", default="http://127.0.0.1:8000", show_default=True,
              help="Where nginx sends what the files cannot answer (opt-out, status, ?lang=, …).")
@click.option("--listen", default="80", show_default=True, help="nginx's listen parameters for the server block.")
@with_appcontext
def export_command(directory, upstream, listen):
    """Build the files from the app's agencies (the app context gives its registry and bundles)."""
    try:
        build = export(current_app, directory, upstream, listen)
    except (ExportError, OSError) as error:
        raise click.ClickException(str(error)) from None
    count = len(current_app.extensions["registry"].agencies)
    click.echo(f"exported {count} {'agency' if count == 1 else 'agencies'} to {build}")
    click.echo(f"nginx: include {build.parent.parent / 'current' / NGINX_FILE} inside http {{}}, then nginx -s reload")
