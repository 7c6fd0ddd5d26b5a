"""Log filters: what an operator reads in the server log."""

import logging


class OneLineForbidden(logging.Filter):
    """A 403 is a visitor outside their scope, not a fault: one line (path, user's request),
    no traceback. Everything else passes unchanged."""

    def filter(self, record):
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
