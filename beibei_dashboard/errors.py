"""The server-error answer (handler500): a database that could not be reached or did not answer
in time is an outage the visitor can wait out, not a fault of the page."""

import sys

from django.db import OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

# Seconds a browser or a load balancer is told to wait: a restart of PostgreSQL takes about this.
RETRY_AFTER = 30


@requires_csrf_token
def server_error(request):
    """503 with 数据库暂时无法访问 and Retry-After when the request failed on the database
    (refused, `connect_timeout`, `statement_timeout`: psycopg2 and sqlite3 raise them as
    OperationalError); the 500 page otherwise. Both stand alone, as Django's own: no request
    context, no database, nothing of the error."""
    if isinstance(sys.exc_info()[1], OperationalError):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = str(RETRY_AFTER)
        return response
    return HttpResponseServerError(loader.get_template("500.html").render())
