"""The application's Request: submitted text never carries NUL characters.

PostgreSQL cannot store U+0000 in text columns (it raises), SQLite can — so a NUL typed or
pasted into any form would be a 500 on one backend only. They are dropped on the way in, for
every form and query argument, in one place.
"""
from __future__ import annotations

from flask import Request as FlaskRequest
from werkzeug.datastructures import ImmutableMultiDict


def _clean(multidict):
    if not any("\x00" in v for v in multidict.values() if isinstance(v, str)):
        return multidict
    return ImmutableMultiDict(
        [(k.replace("\x00", ""), v.replace("\x00", "") if isinstance(v, str) else v)
         for k, v in multidict.items(multi=True)]
    )


class Request(FlaskRequest):
    def _load_form_data(self) -> None:
        super()._load_form_data()
        cleaned = _clean(self.form)
        if cleaned is not self.form:
            self.__dict__["form"] = cleaned

    @property
    def args(self):  # type: ignore[override]
        cached = self.__dict__.get("_clean_args")
        if cached is None:
            cached = self.__dict__["_clean_args"] = _clean(super().args)
        return cached
