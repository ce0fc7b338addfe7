"""pregon: a static site generator for multilingual public information."""
