"""Block registration and setup: `python -m blocks.setup --help`."""
