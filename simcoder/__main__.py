import sys

from simcoder.cli import main

sys.exit(main())
