"""``python -m bippdf``: the same as the ``bippdf`` command."""

from .cli import run

run()
