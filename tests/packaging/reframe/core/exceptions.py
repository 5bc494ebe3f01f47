"""Stand-in for reframe.core.exceptions: the error a failed sanity check
raises."""


class SanityError(Exception):
    pass
