"""Which scanned strings the kiosk processes at all.

A code is refused (verdict ``error``, not journaled, never sent) when it is empty, longer than
``scanning.max_code_length`` bytes of UTF-8, or not valid text (lone surrogates: what Python
makes of invalid UTF-8 from a terminal or a file). Anything else, control characters and
GraphQL-looking text included, is an ordinary code: it only ever travels as a GraphQL variable.
"""

from __future__ import annotations

SHOWN_PREFIX = 64


def refusal(code: object, max_length: int) -> str | None:
    """The one-sentence reason ``code`` is refused, or None when it can be processed."""
    if not isinstance(code, str):
        return "The scanned code is not text."
    if not code.strip():
        return "The scanned code is empty; scan again."
    try:
        size = len(code.encode("utf-8"))
    except UnicodeEncodeError:
        return "The scanned code contains broken characters (not valid UTF-8); scan again."
    if size > max_length:
        return (
            f"The scanned code is too long ({size} bytes, at most {max_length}); "
            "it is not a Tiketo pass."
        )
    return None


def printable(code: object, max_length: int) -> str:
    """A version of a refused code that can be shown and printed: broken characters become
    U+FFFD and an oversized code is cut short."""
    if not isinstance(code, str):
        return repr(code)[:SHOWN_PREFIX]
    text = code.encode("utf-8", "replace").decode("utf-8")
    if len(text.encode("utf-8")) > max_length:
        text = text[:SHOWN_PREFIX] + "…"
    return text
