"""``python -m cpaas_sandbox``: the same as the ``cpaas-sandbox`` command."""

import sys

from .cli import main

sys.exit(main())
