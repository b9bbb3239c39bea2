"""The coding TUI (Textual): screens over the library API, never over the store directly."""
