"""``python -m lagrangian.server.cli``: the ``lagrangian`` command (as ``torchrun -m`` and
``accelerate launch -m`` start it for multi-process training)."""

import sys

from lagrangian.server.cli import main

sys.exit(main())
