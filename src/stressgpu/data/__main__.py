"""``python -m stressgpu.data report [DIR]``: coverage report of a network directory."""
import sys

from .report import main

sys.exit(main())
