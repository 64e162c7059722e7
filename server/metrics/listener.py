"""/metrics on a separate address (CONSENT_METRICS_BIND) with no token: for a scraper on a private network."""

from prometheus_client import start_http_server


def serve(bind, registry):
    """Listen on bind (host:port, an IPv6 host in brackets) in a daemon thread; the server, to shut down."""
    host, _colon, port = bind.rpartition(":")
    server, _thread = start_http_server(int(port), addr=host.strip("[]"), registry=registry)
    return server
