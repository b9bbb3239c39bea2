"""The version of qualkit (its own module, so that stages can name it without importing the front)."""
__version__ = "0.1.0"
