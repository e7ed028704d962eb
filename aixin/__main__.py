"""``python -m aixin``: the same command as ``aixin``."""

from aixin.commands import app

app(prog_name="aixin")
