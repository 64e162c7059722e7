"""The ceiling: a bare Flask app with one route (GET and POST), served with the service's own gunicorn settings."""

from flask import Flask

app = Flask(__name__)


@app.route("/", methods=["GET", "POST"])
def hello():
    return "Hello, World!"
