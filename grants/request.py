"""The application's Request: submitted text never carries NUL characters, and form text that
is not valid UTF-8 is refused.

PostgreSQL cannot store U+0000 in text columns (it raises), SQLite can — so a NUL typed or
pasted into any form would be a 500 on one backend only. They are dropped on the way in, for
every form and query argument, in one place.

Werkzeug keeps url-encoded bytes that are not UTF-8 (`%E5%98` alone) as the literal text
"%E5%98", and turns them into U+FFFD in multipart fields; either would be stored as if the
user had typed it. Such a form is answered 400 with a message instead.
"""
from __future__ import annotations

from urllib.parse import parse_qsl

from flask import Request as FlaskRequest
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import BadRequest
from werkzeug.formparser import FormDataParser as WerkzeugFormDataParser

REPLACEMENT = "\ufffd"


class InvalidFormText(BadRequest):
    """Submitted form text was not valid UTF-8."""


def _clean(multidict):
    if not any("\x00" in v for v in multidict.values() if isinstance(v, str)):
        return multidict
    return ImmutableMultiDict(
        [(k.replace("\x00", ""), v.replace("\x00", "") if isinstance(v, str) else v)
         for k, v in multidict.items(multi=True)]
    )


class FormDataParser(WerkzeugFormDataParser):
    def _parse_urlencoded(self, stream, mimetype, content_length, options):
        # Werkzeug's own parser, but strict: bytes that are not UTF-8 are refused, not kept.
        try:
            items = parse_qsl(stream.read().decode("utf-8"), keep_blank_values=True, errors="strict")
        except UnicodeDecodeError:
            raise InvalidFormText() from None
        return stream, self.cls(items), self.cls()


def _undecodable(multidict) -> bool:
    return any(REPLACEMENT in k or (isinstance(v, str) and REPLACEMENT in v)
               for k, v in multidict.items(multi=True))


class Request(FlaskRequest):
    form_data_parser_class = FormDataParser

    def _load_form_data(self) -> None:
        # Undecodable text: every access to the form raises, so nothing reads it as empty.
        if "form" in self.__dict__:
            return
        error = self.__dict__.get("_form_error")
        if error is not None:
            raise error
        try:
            super()._load_form_data()
            if self.mimetype == "multipart/form-data" and _undecodable(self.__dict__["form"]):
                raise InvalidFormText()
        except InvalidFormText as exc:
            for name in ("form", "files"):
                self.__dict__.pop(name, None)
            self.__dict__["_form_error"] = exc
            raise
        cleaned = _clean(self.form)
        if cleaned is not self.form:
            self.__dict__["form"] = cleaned

    @property
    def args(self):  # type: ignore[override]
        cached = self.__dict__.get("_clean_args")
        if cached is None:
            cached = self.__dict__["_clean_args"] = _clean(super().args)
        return cached
