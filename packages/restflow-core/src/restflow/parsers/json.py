"""``JSONParser``: DRF's, refusing bodies nested too deeply to be handled safely."""

from __future__ import annotations

import codecs
import io
from collections.abc import Mapping
from itertools import accumulate
from typing import IO, Any, ClassVar

from rest_framework import parsers
from rest_framework.exceptions import ParseError

__all__ = ["JSONParser"]

# Every byte but the brackets and the quote: deleted before the depth is measured.
_NOT_STRUCTURE = bytes(byte for byte in range(256) if byte not in b'[]{}"')
# +1 for an opening bracket, -1 for a closing one, by byte value.
_STEP = [0] * 256
for _byte in b"[{":
    _STEP[_byte] = 1
for _byte in b"]}":
    _STEP[_byte] = -1


class JSONParser(parsers.JSONParser):
    """DRF's ``JSONParser``; a body nested too deeply is a 400 ``parse_error``.

    DRF's parser lets the ``RecursionError`` of a body nested about a thousand
    levels deep escape as a 500, and a body just under that depth parses, only
    to overflow the stack later, in whatever walks it recursively: rendering
    it back, collecting validation errors, building a cache key. This parser
    refuses both with ``ParseError`` (DRF's 400).

    ``max_depth`` is the deepest nesting of arrays and objects accepted
    (``[[1]]`` is 2 deep). The default, 200, is far beyond any real payload,
    and keeps a recursive walker under Python's default recursion limit
    (1,000 frames) even at three frames per level (DRF's validation-error walk
    and restflow's envelope take about two), on top of the 50 to 100 frames a
    request already stands on. Set it on a subclass to change it.

    A body with at most ``max_depth`` ``[``/``{`` bytes cannot be deeper and
    pays two byte counts; a larger one is measured on its bytes, in time linear
    in its size and below the cost of parsing it.

    The body is read through Django's ``HttpRequest.body``, so a body over
    ``DATA_UPLOAD_MAX_MEMORY_SIZE`` raises ``RequestDataTooBig`` (a 413 with
    restflow's exception handler) with every DRF release; DRF before 3.18
    reads the stream of a JSON body without that check.
    """

    max_depth: ClassVar[int] = 200

    def parse(
        self,
        stream: IO[Any] | None,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        """Parse like DRF's ``JSONParser``, then refuse a document nested deeper than ``max_depth``."""
        raw = _read_body(stream, parser_context)
        encoding = _text_encoding(parser_context)
        try:
            data = super().parse(io.BytesIO(raw), media_type, parser_context)
        except RecursionError:
            raise self._too_deep() from None
        # it has parsed, so its charset decodes it; the depth is measured in UTF-8
        body = raw if encoding == "utf-8" else raw.decode(encoding).encode()
        limit = self.max_depth
        if body.count(b"[") + body.count(b"{") > limit and _nesting_depth(body) > limit:
            raise self._too_deep()
        return data

    def _too_deep(self) -> ParseError:
        return ParseError(
            f"JSON parse error - nested too deeply (the limit is {self.max_depth} levels)."
        )


def _read_body(stream: IO[Any] | None, parser_context: Mapping[str, Any] | None) -> bytes:
    """The request's ``body`` (DRF's ``Request`` hands it to Django's); else the stream's bytes."""
    request = (parser_context or {}).get("request")
    if request is not None:
        body: bytes = request.body
        return body
    return stream.read() if stream is not None else b""


def _text_encoding(parser_context: Mapping[str, Any] | None) -> str:
    """The body's charset, normalised; refused unless it is a text encoding.

    DRF before 3.18 decodes through any codec Python knows, ``bz2_codec``
    included: a small compressed body would expand before any size check.
    """
    encoding = (parser_context or {}).get("encoding") or "utf-8"
    try:
        name = codecs.lookup(encoding).name
        "".encode(name)
    except (LookupError, UnicodeError):
        raise ParseError(f"JSON parse error - {encoding!r} is not a text encoding.") from None
    return name


def _nesting_depth(document: bytes) -> int:
    """The deepest nesting of arrays and objects in a valid UTF-8 JSON document.

    Backslashes only occur in strings, as escapes: dropping the escaped
    backslashes and quotes leaves quotes that only delimit strings. Keeping
    only brackets and quotes, then the pieces outside quotes, leaves the
    document's brackets, whose running balance is the depth.
    """
    reduced = document.replace(b"\\\\", b"").replace(b'\\"', b"").translate(None, _NOT_STRUCTURE)
    if b'"' in reduced:
        reduced = b"".join(reduced.split(b'"')[::2])
    return max(accumulate(map(_STEP.__getitem__, reduced)), default=0)
