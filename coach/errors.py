"""The one base class for errors a person can act on: the CLI and the app show the message, never a traceback."""


class CoachError(ValueError):
    """Something the user (or the operator) can fix; the message says what went wrong and what to do."""
