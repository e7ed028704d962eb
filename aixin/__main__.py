"""``python -m aixin``: the same command as ``aixin``."""

from aixin.cli import app

app(prog_name="aixin")
