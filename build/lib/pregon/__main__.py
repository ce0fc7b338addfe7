"""`python -m pregon`: the same command line as `pregon` and `python build.py`."""

from .cli import main

main()
