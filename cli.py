"""Thin entry point: `python cli.py ...` is the same as `prefbasis ...`."""
from prefbasis.cli import entry

if __name__ == "__main__":
    entry()
