"""Build the site: `python build.py --help` lists the commands."""

from pregon.cli import main

main()
