"""Output formats: each takes finished results and writes text."""
