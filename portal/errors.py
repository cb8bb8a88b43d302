"""The one family of domain errors.

A service that refuses an action raises a subclass of `DomainError` with a
translated message for the user and a short code for tests and logs; views
catch `DomainError` alone and show the message at the form or as a flash.
"""


class DomainError(Exception):
    def __init__(self, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return str(self.message)
