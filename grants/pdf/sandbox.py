"""Staff-edited clause texts: Jinja in a sandbox, fed only plain data.

Clause texts are stored per call and edited by program staff; they are templates such as
``乙方应于{{ term.end }}前完成全部服务。`` They run in `jinja2.sandbox.SandboxedEnvironment`
with autoescape on (and their literal text escaped as well: a clause is prose, not
markup), and the data they see is checked to be plain (dicts, lists, str, int,
Decimal, bool, None), so there is no model object, no session and no function to reach through
attributes. Anything the sandbox refuses — ``{{ ''.__class__.__mro__ }}``, a call to an
unsafe method, an unknown placeholder, a syntax error, an oversized repetition — becomes a
`ClauseError` with a message the editing view shows as it is. The same check runs at preview
(`validate_clause`) and again at every render (`render_clause`).
"""
from __future__ import annotations

import operator
from decimal import Decimal

from flask_babel import gettext as _
from jinja2 import (
    StrictUndefined,
    TemplateError,
    TemplateSyntaxError,
    Undefined,
    UndefinedError,
)
from jinja2.ext import Extension
from jinja2.lexer import Token
from jinja2.sandbox import SandboxedEnvironment, SecurityError
from markupsafe import Markup, escape

from grants.services import ServiceError

# Longest text one clause may produce (a contract clause is a few hundred characters).
MAX_OUTPUT = 20_000
MAX_SOURCE = 20_000
PLAIN_SCALARS = (str, int, Decimal, bool, type(None))


class ClauseError(ServiceError):
    """A clause text the sandbox refused; `message` is ready to show (Chinese by default)."""


class _EscapeLiterals(Extension):
    """Escape the literal text of a clause too, not only the placeholders' values.

    A clause is legal prose: "金额<10万元" must print as written, and markup typed into it
    (``<img src=…>``, ``<style>``) prints as text instead of reaching WeasyPrint.
    """

    def filter_stream(self, stream):
        for token in stream:
            if token.type == "data":
                yield Token(token.lineno, "data", str(escape(token.value)))
            else:
                yield token


class _ClauseEnvironment(SandboxedEnvironment):
    """The sandbox, with string and number repetition bounded (``'x' * 10**9``)."""

    intercepted_binops = frozenset(["*", "**"])

    def call_binop(self, context, operator_name, left, right):
        if operator_name == "**":
            if isinstance(right, int) and abs(right) > 100:
                raise SecurityError("exponent too large")
            return operator.pow(left, right)
        if operator_name == "*":
            for seq, count in ((left, right), (right, left)):
                if (isinstance(seq, (str, list, tuple)) and isinstance(count, int)
                        and len(seq) * count > MAX_OUTPUT):
                    raise SecurityError("repetition too large")
            return operator.mul(left, right)
        return super().call_binop(context, operator_name, left, right)


def _printable(value):
    # A method or a helper printed as text would show internals ("<function ...>").
    if callable(value) and not isinstance(value, Undefined):
        raise SecurityError("callables cannot be printed")
    return value


_env = _ClauseEnvironment(autoescape=True, undefined=StrictUndefined, trim_blocks=True,
                          lstrip_blocks=True, finalize=_printable, extensions=[_EscapeLiterals])
# No helpers beyond the sandbox's bounded range(): no lipsum, cycler, joiner, namespace, dict.
_env.globals = {"range": _env.globals["range"]}


def plain(value, _path: str = "data"):
    """Return `value` if it is plain data all the way down; raise TypeError otherwise."""
    if isinstance(value, PLAIN_SCALARS) and not isinstance(value, Markup):
        return value
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{_path}: keys must be strings, got {key!r}")
            plain(item, f"{_path}.{key}")
        return value
    if isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            plain(item, f"{_path}[{i}]")
        return value
    raise TypeError(f"{_path}: {type(value).__name__} is not plain data for a clause template")


def render_clause(source: str, data: dict) -> Markup:
    """Render one clause text with `data` in the sandbox; ClauseError when refused."""
    plain(data)
    if len(source) > MAX_SOURCE:
        raise ClauseError(_("The clause text is too long (at most %(n)s characters).", n=MAX_SOURCE))
    try:
        template = _env.from_string(source)
        output = template.render(data)
    except TemplateSyntaxError as exc:
        raise ClauseError(_("The clause text has a template error on line %(line)s: %(detail)s",
                            line=exc.lineno, detail=exc.message)) from None
    except SecurityError:
        raise ClauseError(_("The clause text tries to use something that is not allowed. Use only "
                            "the placeholders listed beside the editor, such as {{ supplier.name }}.")
                          ) from None
    except UndefinedError as exc:
        raise ClauseError(_("The clause text uses a placeholder that does not exist (%(detail)s).",
                            detail=exc.message)) from None
    except (TemplateError, ArithmeticError, TypeError, ValueError, LookupError) as exc:
        raise ClauseError(_("The clause text cannot be filled in: %(detail)s", detail=str(exc)[:200])
                          ) from None
    if len(output) > MAX_OUTPUT:
        raise ClauseError(_("The clause text is too long (at most %(n)s characters).", n=MAX_OUTPUT))
    return Markup(output)


def validate_clause(source: str, sample: dict) -> str | None:
    """Parse and trial-render a clause text with sample data: the error text, or None if fine."""
    try:
        render_clause(source, sample)
    except ClauseError as exc:
        return exc.message
    return None
