"""ntm-eval: check Vietnamese communes against the national new-rural criteria."""

__version__ = "0.1.0"
