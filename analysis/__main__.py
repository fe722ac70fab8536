"""`python -m analysis <command>`: see analysis.commands."""
import sys

from analysis.commands import main

sys.exit(main())
