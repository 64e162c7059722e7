"""The ceiling: a bare Flask app with one route, served with the service's own gunicorn settings."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello, World!"
