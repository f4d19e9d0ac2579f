"""The smallest Flask app, served the same way as Hubs, as the throughput yardstick."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello, world!"
