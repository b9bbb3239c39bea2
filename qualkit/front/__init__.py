"""The Project's methods, one module per area beyond the core (team work, REFI-QDA, exports).

``qualkit.project.Project`` inherits these mixins; each method gathers plain data from the
store and the settings, calls a stage, and writes the result back. Like ``project.py`` this is
the front: no stage may import it (import-linter).
"""
