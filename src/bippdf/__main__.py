"""``python -m bippdf``: the same as the ``bippdf`` command."""

import sys

from .cli import main

sys.exit(main())
