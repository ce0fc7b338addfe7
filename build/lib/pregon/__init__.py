"""pregon: a static site generator for multilingual public information."""

__version__ = "0.1.0"
