"""``python -m cpaas_receiver --config FILE ...``"""

import sys

from .cli import main

sys.exit(main())
