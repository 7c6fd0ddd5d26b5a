"""The "exactjson" serialization format for export_data: Django's JSON, but date-times and times
keep their microseconds (DjangoJSONEncoder cuts them to milliseconds, so a backup restored
would differ from the original in every timestamp). loaddata reads it as plain JSON."""

import datetime as dt

from django.core.serializers.json import (
    Deserializer,  # noqa: F401 - a format module provides both
    DjangoJSONEncoder,
)
from django.core.serializers.json import Serializer as JSONSerializer


class ExactJSONEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, dt.datetime):
            text = o.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        if isinstance(o, dt.time):
            return o.isoformat()
        return super().default(o)


class Serializer(JSONSerializer):
    def _init_options(self):
        super()._init_options()
        self.json_kwargs["cls"] = ExactJSONEncoder
