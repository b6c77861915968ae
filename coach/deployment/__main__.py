"""`python -m coach.deployment`: the team stack in the foreground (what `make team` runs)."""

import sys

from coach.deployment.stack import main

sys.exit(main())
