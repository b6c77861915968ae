"""The one base class for errors a person can act on: the CLI and the app show the message, never a traceback."""


class CoachError(ValueError):
    """Something the user (or the operator) can fix; the message says what went wrong and what to do."""


class ServiceUnavailable(CoachError):
    """A server the coach depends on (the database, the index server) is not reachable right now. Nothing the person
    typed is lost, and the next attempt reconnects by itself."""
