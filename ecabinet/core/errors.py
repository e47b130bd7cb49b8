"""Domain errors. Operations raise them; adapters turn them into HTTP or socket replies."""
from flask_babel import lazy_gettext as _l


class DomainError(Exception):
    status = 400
    code = "bad_request"
    default_message = _l("The request could not be processed.")

    def __init__(self, message=None, code=None, **details):
        super().__init__(str(message or self.default_message))
        self.message = message or self.default_message
        if code:
            self.code = code
        self.details = details

    def to_dict(self):
        payload = {"code": self.code, "message": str(self.message)}
        if self.details:
            payload["details"] = self.details
        return payload


class InvalidInput(DomainError):
    status = 400
    code = "invalid_input"
    default_message = _l("The request is malformed.")


class NotAuthenticated(DomainError):
    status = 401
    code = "not_authenticated"
    default_message = _l("Please log in.")


class NotAllowed(DomainError):
    status = 403
    code = "forbidden"
    default_message = _l("You are not allowed to do this.")


class NotFound(DomainError):
    status = 404
    code = "not_found"
    default_message = _l("Not found.")


class InvalidState(DomainError):
    status = 409
    code = "invalid_state"
    default_message = _l("This is not possible in the current state.")


class Conflict(DomainError):
    status = 409
    code = "conflict"
    default_message = _l("This conflicts with existing data.")


class TooLarge(DomainError):
    status = 413
    code = "too_large"
    default_message = _l("The file is too large.")


class UnsupportedType(DomainError):
    status = 415
    code = "unsupported_type"
    default_message = _l("This file type is not supported.")


class InvalidValue(DomainError):
    status = 422
    code = "invalid_value"
    default_message = _l("Some values are not valid.")


class Throttled(DomainError):
    status = 429
    code = "throttled"
    default_message = _l("Too many attempts. Please wait and try again.")


class Busy(DomainError):
    """The server could not get a database connection in time (a storm of requests): nothing was
    done, the client may retry the same call."""
    status = 503
    code = "busy"
    default_message = _l("The server is busy. Please try again.")
