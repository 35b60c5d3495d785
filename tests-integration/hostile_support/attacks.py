"""The table of single-request attacks: what is sent, and how it must be answered.

Each :class:`Attack` names the issue 17 item it tests (``"1"``…``"10"``; ``"ok"`` for the
attacks the issue lists as already answered correctly; ``"more"`` for the ones added
here), the target (a fixture of test_hostile.py), the request and the answer: a status
(or several), and ``code``, the ``error.code`` of the JSON envelope; ``None`` for an
answer that is not an error; :data:`SERVER` when uvicorn refuses the bytes before any
application code runs (its own plain-text 400: nothing restflow can shape; in a tuple of
codes, uvicorn's refusal is one of the accepted answers); :data:`CLIENT`
for any client error code (where another change decides which one). A header or body may
be a function of the :class:`~hostile_support.targets.Probe`, for tokens.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hostile_support import jwtcraft, wire
from hostile_support.targets import Probe, bearer

SERVER = "<uvicorn>"
CLIENT = "<any client error code>"
NO_REPLY = 0
AUTH = "authentication_failed"
MB = 1 << 20

Part = Any  # a value, or a function of the Probe returning it


@dataclass(frozen=True)
class Attack:
    item: str
    name: str
    target: str
    method: str = "GET"
    path: str | bytes = "/"
    headers: Part = ()
    body: Part = b""
    status: int | tuple[int, ...] = 400
    code: str | tuple[str, ...] | None = CLIENT
    raw: Part = None  # the whole request, bytes as sent (method/path/headers/body unused)
    half_close: bool = False
    check: Callable[[wire.Reply], bool] | None = None

    @property
    def id(self) -> str:
        return f"item{self.item}-{self.target}-{self.name}"

    def assert_answered(self, reply: wire.Reply | None) -> None:
        """Assert ``reply`` is the answer this row expects."""
        statuses = self.status if isinstance(self.status, tuple) else (self.status,)
        if statuses == (NO_REPLY,):
            assert reply is None, f"expected the connection closed without an answer: {reply}"
            return
        assert reply is not None, "the server closed the connection without answering"
        codes = self.code if isinstance(self.code, tuple) else (self.code,)
        if SERVER in codes and refused_by_uvicorn(reply):
            return
        codes = tuple(code for code in codes if code != SERVER)
        assert codes, f"expected uvicorn's own refusal: {reply}"
        assert reply.status in statuses, str(reply)
        if codes == (CLIENT,):
            assert reply.error_code not in (None, "internal_error"), str(reply)
        elif codes != (None,):
            assert reply.error_code in codes, str(reply)
        if self.check is not None:
            assert self.check(reply), str(reply)

    def data(self, probe: Probe) -> bytes:
        if self.raw is not None:
            raw: bytes = _value(self.raw, probe)
            return raw
        return wire.request(
            self.method, self.path, _value(self.headers, probe), _value(self.body, probe)
        )


def refused_by_uvicorn(reply: wire.Reply) -> bool:
    """uvicorn's own 400 for bytes it cannot parse (no ``Server`` header: not the app's)."""
    return reply.status == 400 and "server" not in reply.headers


def _value(part: Part, probe: Probe) -> Any:
    return part(probe) if callable(part) else part


def json_headers(*extra: tuple[str, str]) -> list[tuple[str, str]]:
    return [("Content-Type", "application/json"), *extra]


def as_json(data: Any) -> bytes:
    return json.dumps(data).encode()


def with_access(probe: Probe) -> list[tuple[str, str]]:
    """A JSON body sent with the probe's own valid access token."""
    return json_headers(*bearer(probe.tokens["access"]))


def nested_header_token() -> str:
    """A token whose header is JSON nested 1,000 levels deep (unsigned: no key needed)."""
    return jwtcraft.forge(jwtcraft.nested(1000), jwtcraft.claims(), None)


def nested_payload_token(probe: Probe) -> str:
    """A token signed with the target's key whose payload is nested 1,000 levels deep."""
    head = jwtcraft.header(probe.target.algorithm)
    return jwtcraft.forge(head, jwtcraft.nested(1000), probe.target.signer)


def many_files(count: int) -> bytes:
    part = b'--b\r\nContent-Disposition: form-data; name="f%d"; filename="f%d.txt"\r\n\r\nx\r\n'
    return b"".join(part % (i, i) for i in range(count)) + b"--b--\r\n"


# target -> (a path that authenticates a bearer token, the token views' prefix)
PATHS = {"example": ("/api/products/", "/api/auth/"), "hostile": ("/me/", "/auth/")}
MULTIPART = [("Content-Type", "multipart/form-data; boundary=b")]
FORM = [("Content-Type", "application/x-www-form-urlencoded")]
DEEP = {"2000": jwtcraft.nested(2_000), "100000": jwtcraft.nested(100_000)}
PARAMS_2000 = "?" + "&".join(["a=1"] * 2000)
FIELDS_1500 = "&".join(f"f{i}=1" for i in range(1500)).encode()
BIG_JSON = b'{"username": "' + b"a" * (3 * MB) + b'", "password": "x"}'

# --------------------------------------------------------------------------- item 1
# fmt: off
ITEM_1 = []
# the issue asks a 400 for the token views' body field; a 401 as for any other bad token
# there is as sound: either, in the envelope (the restflow-jwt change decides which)
BODY_FIELD = {"status": 400, "code": "validation_error"}
for _target, (_protected, _auth) in PATHS.items():
    ITEM_1 += [
        Attack("1", "nested-header-in-authorization", _target, "GET", _protected,
               lambda p: bearer(nested_header_token()), status=401, code=AUTH),
        Attack("1", "signed-nested-payload-in-authorization", _target, "GET", _protected,
               lambda p: bearer(nested_payload_token(p)), status=401, code=AUTH),
        Attack("1", "nested-header-in-refresh-body", _target, "POST", f"{_auth}refresh/",
               json_headers(), as_json({"refresh": nested_header_token()}), **BODY_FIELD),
        Attack("1", "nested-header-in-blacklist-body", _target, "POST", f"{_auth}blacklist/",
               json_headers(), as_json({"refresh": nested_header_token()}), **BODY_FIELD),
        Attack("1", "nested-header-in-blacklist-access-field", _target, "POST", f"{_auth}blacklist/",
               json_headers(), lambda p: as_json({"refresh": p.tokens["refresh"], "access": nested_header_token()}),
               **BODY_FIELD),
        Attack("1", "signed-nested-payload-in-refresh-body", _target, "POST", f"{_auth}refresh/",
               json_headers(), lambda p: as_json({"refresh": nested_payload_token(p)}), **BODY_FIELD),
    ]

# --------------------------------------------------------------------------- item 4
ITEM_4 = []
for _target, _get, _post in (
    ("example", "/api/products/", "/api/auth/token/"),
    ("hostile", "/echo/", "/echo/"),
    ("hostile", "/sync/echo/", "/sync/echo/"),
    ("hostile", "/drf/echo/", "/drf/echo/"),
):
    _where = _get.strip("/").replace("/", "-")
    ITEM_4 += [
        Attack("4", f"2000-query-params-{_where}", _target, "GET", _get + PARAMS_2000, status=400, code="bad_request"),
        Attack("4", f"3MB-json-{_where}", _target, "POST", _post, json_headers(), BIG_JSON, status=413, code="payload_too_large"),
        Attack("4", f"1500-form-fields-{_where}", _target, "POST", _post, FORM, FIELDS_1500, status=400, code="bad_request"),
        Attack("4", f"150-multipart-files-{_where}", _target, "POST", _post, MULTIPART, many_files(150), status=400, code="bad_request"),
    ]

# --------------------------------------------------------------------------- item 5
ITEM_5 = []
for _depth, _body in DEEP.items():
    for _path in ("/api/auth/token/", "/api/auth/refresh/", "/api/auth/blacklist/"):
        ITEM_5.append(Attack("5", f"depth-{_depth}-{_path.strip('/').replace('/', '-')}", "example",
                             "POST", _path, json_headers(), _body, status=400, code="parse_error"))
    for _method, _path in (("POST", "/api/products/"), ("PUT", "/api/products/1/"), ("PATCH", "/api/products/1/")):
        ITEM_5.append(Attack("5", f"depth-{_depth}-{_method}-product", "example", _method, _path,
                             with_access, _body, status=400, code="parse_error"))
    for _path in ("/echo/", "/sync/echo/", "/drf/echo/", "/auth/token/", "/auth/refresh/"):
        for _method in ("POST", "PUT", "PATCH") if "echo" in _path else ("POST",):
            ITEM_5.append(Attack("5", f"depth-{_depth}-{_method}-{_path.strip('/').replace('/', '-')}",
                                 "hostile", _method, _path, json_headers(), _body, status=400, code="parse_error"))
ITEM_5.append(Attack("5", "nested-objects-depth-2000-echo", "hostile", "POST", "/echo/",
                     json_headers(), jwtcraft.nested_object(2000), status=400, code="parse_error"))

# --------------------------------------------------------------------------- item 7
ITEM_7 = [
    Attack("7", "timeout-while-blocked-in-a-thread", "hostile", "GET", "/slow/",
           status=504, code="timeout"),
]

# --------------------------------------------------------------------------- item 10
ITEM_10 = [
    Attack("10", "disallowed-host", "example", "GET", "/api/products/", [("Host", "evil.example")],
           code="bad_request"),
    Attack("10", "disallowed-host-with-port", "example", "GET", "/", [("Host", "evil.example:8000")],
           code="bad_request"),
    Attack("10", "host-with-userinfo", "example", "GET", "/", [("Host", "evil.example@localhost")],
           code="bad_request"),
    Attack("10", "host-10KB", "example", "GET", "/", [("Host", "a" * 10_000)], code="bad_request"),
    Attack("10", "host-invalid-utf8", "example", "GET", "/", [("Host", b"local\xffhost")],
           code="bad_request"),
    Attack("10", "unknown-url", "example", "GET", "/no/such/page/", status=404, code="not_found"),
    Attack("10", "static-path-escaping-its-directory", "example", "GET",
           b"/static/..%2f..%2f..%2fetc%2fpasswd", code="bad_request"),
    Attack("10", "static-path-dot-dot", "example", "GET", b"/static/..", code="bad_request"),
    Attack("10", "static-file-missing", "example", "GET", "/static/none.js", status=404, code="not_found"),
    Attack("10", "crash-in-a-django-view", "example_crash", "GET", "/crash/django/",
           status=500, code="internal_error", check=lambda r: b"hostile-suite" not in r.body),
    Attack("10", "crash-in-an-api-view", "example_crash", "GET", "/crash/api/",
           status=500, code="internal_error", check=lambda r: b"hostile-suite" not in r.body),
    Attack("10", "permission-denied-in-a-django-view", "example_crash", "GET", "/crash/forbidden/",
           status=403, code="permission_denied", check=lambda r: b"hostile-suite" not in r.body),
]

# ----------------------------------------------------------- already answered correctly
def _hs256_with_public_key(probe: Probe) -> list[tuple[str, str]]:
    """Key confusion: HS256, keyed with the RS256 public key the attacker can read."""
    token = jwtcraft.forge(jwtcraft.header("HS256"),
                           jwtcraft.claims(**probe.target.claims), jwtcraft.hs256(probe.target.public_pem))
    return bearer(token)


ALREADY_CORRECT = [
    Attack("ok", "alg-none", "example", "GET", "/api/products/",
           lambda p: bearer(jwtcraft.forge(jwtcraft.header("none"), jwtcraft.claims(), None)), status=401, code=AUTH),
    Attack("ok", "alg-none", "hostile", "GET", "/me/",
           lambda p: bearer(jwtcraft.forge(jwtcraft.header("none"), jwtcraft.claims(**p.target.claims), None)),
           status=401, code=AUTH),
    Attack("ok", "key-confusion-hs256-with-the-rsa-public-key", "hostile", "GET", "/me/",
           _hs256_with_public_key, status=401, code=AUTH),
    Attack("ok", "rs256-header-on-an-hmac-service", "example", "GET", "/api/products/",
           lambda p: bearer(jwtcraft.forge(jwtcraft.header("RS256"), jwtcraft.claims(), p.target.signer)),
           status=401, code=AUTH),
    Attack("ok", "refresh-token-as-access-token", "example", "GET", "/api/products/",
           lambda p: bearer(p.tokens["refresh"]), status=401, code=AUTH),
    Attack("ok", "access-token-at-the-refresh-view", "example", "POST", "/api/auth/refresh/",
           json_headers(), lambda p: as_json({"refresh": p.tokens["access"]}), status=401, code=AUTH),
    Attack("ok", "refresh-token-as-access-token", "hostile", "GET", "/me/",
           lambda p: bearer(p.tokens["refresh"]), status=401, code=AUTH),
    Attack("ok", "wrong-issuer", "hostile", "GET", "/me/",
           lambda p: bearer(p.forge(iss="someone-else")), status=401, code=AUTH),
    Attack("ok", "wrong-audience", "hostile", "GET", "/me/",
           lambda p: bearer(p.forge(aud="another-api")), status=401, code=AUTH),
    Attack("ok", "no-audience", "hostile", "GET", "/me/",
           lambda p: bearer(p.forge(aud=None)), status=401, code=AUTH),
    Attack("ok", "audience-on-a-service-without-one", "example", "GET", "/api/products/",
           lambda p: bearer(p.forge(aud="another-api")), status=401, code=AUTH),
    Attack("ok", "expired", "hostile", "GET", "/me/",
           lambda p: bearer(p.forge(exp=1_000_000_000)), status=401, code=AUTH),
    Attack("ok", "exp-not-a-number", "hostile", "GET", "/me/",
           lambda p: bearer(p.forge(exp="never")), status=401, code=AUTH),
    Attack("ok", "not-before-in-the-future", "hostile", "GET", "/me/",
           lambda p: bearer(p.forge(nbf=4_000_000_000)), status=401, code=AUTH),
    Attack("ok", "unknown-user", "hostile", "GET", "/me/",
           lambda p: bearer(p.forge(user_id=987_654)), status=401, code=AUTH),
    Attack("ok", "user-id-an-object", "hostile", "GET", "/me/",
           lambda p: bearer(p.forge(user_id={"$ne": 0})), status=401, code=AUTH),
    Attack("ok", "forged-signature", "example", "GET", "/api/products/",
           lambda p: bearer(jwtcraft.forge(jwtcraft.header("HS256"), jwtcraft.claims(), jwtcraft.hs256(b"k" * 32))),
           status=401, code=AUTH),
    Attack("ok", "undeclared-filter-is-ignored", "example", "GET", "/api/products/?category__name__regex=x&secret=1",
           status=200, code=None, check=lambda r: r.json()["count"] == 50),
    Attack("ok", "undeclared-ordering", "example", "GET", "/api/products/?order_by=password",
           code="validation_error"),
    Attack("ok", "10000-item-in-filter", "example", "GET",
           "/api/products/?id__in=" + ",".join(map(str, range(10_000))), code="validation_error"),
]

# ------------------------------------------------------ more: what an attacker tries next
def _raw(*lines: bytes, body: bytes = b"") -> bytes:
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


MORE = [
    # a request head over 16 KB: uvicorn (h11) refuses it when it arrives in pieces, and
    # passes it on when it arrives at once; either way, never a 500
    Attack("more", "header-100KB", "example", "GET", "/api/products/?page_size=1",
           [("X-Padding", "a" * 100_000)], status=200, code=(None, SERVER)),
    Attack("more", "3000-headers", "example", "GET", "/api/products/?page_size=1",
           [(f"X-H{i}", "v") for i in range(3000)], status=200, code=(None, SERVER)),
    Attack("more", "authorization-100KB", "example", "GET", "/api/products/",
           bearer("a" * 100_000), status=401, code=(AUTH, SERVER)),
    Attack("more", "authorization-not-ascii", "example", "GET", "/api/products/",
           [("Authorization", b"Bearer \xff\xfe.\xfd.\xfc")], status=401, code=AUTH),
    Attack("more", "authorization-two-words", "example", "GET", "/api/products/",
           bearer("a b"), status=401, code=AUTH),
    Attack("more", "invalid-utf8-percent-encoded-in-path", "example", "GET", b"/api/products/%ff%fe/",
           status=404, code="not_found"),
    Attack("more", "null-byte-percent-encoded-in-path", "example", "GET", b"/api/%00/", status=404, code="not_found"),
    Attack("more", "invalid-utf8-raw-in-path", "example", raw=_raw(b"GET /api/\xff\xfe/ HTTP/1.1", b"Host: localhost"),
           code=SERVER),
    Attack("more", "invalid-utf8-percent-encoded-in-query", "example", "GET", b"/api/products/?name=%ff%fe",
           status=200, code=None),
    Attack("more", "invalid-utf8-raw-in-query", "example", raw=_raw(b"GET /api/products/?name=\xff HTTP/1.1", b"Host: localhost"),
           code=SERVER),
    Attack("more", "null-byte-in-a-filter", "example", "GET", b"/api/products/?name=a%00b", code="validation_error"),
    Attack("more", "percent-encoded-slashes-in-an-id", "example", "GET", b"/api/products/1%2f..%2f2/",
           status=404, code="not_found"),
    Attack("more", "query-string-70KB", "example", "GET", "/api/products/?page_size=1&x=" + "a" * 70_000,
           status=200, code=(None, SERVER)),
    Attack("more", "invalid-utf8-in-a-json-body", "example", "POST", "/api/auth/token/", json_headers(),
           b'{"username": "\xff\xfe", "password": "x"}', code="parse_error"),
    Attack("more", "lone-surrogate-in-a-json-body", "example", "POST", "/api/products/", with_access,
           b'{"name": "a\\ud800", "price": "1", "category": 1}', code="validation_error"),
    Attack("more", "nan-in-a-json-body", "example", "POST", "/api/products/", with_access,
           b'{"name": "a", "price": NaN, "category": 1}', code="parse_error"),
    Attack("more", "integer-beyond-64-bits-in-a-json-body", "example", "POST", "/api/reviews/", with_access,
           as_json({"product": 10**30, "rating": 5}), code="validation_error"),
    Attack("more", "json-array-body", "example", "POST", "/api/auth/token/", json_headers(), b"[1, 2]",
           code="validation_error"),
    Attack("more", "bogus-charset", "example", "POST", "/api/auth/token/",
           [("Content-Type", "application/json; charset=no-such-codec")],
           as_json({"username": "nobody", "password": "x"}), status=(400, 401)),
    Attack("more", "utf16-without-bom", "example", "POST", "/api/auth/token/",
           [("Content-Type", "application/json; charset=utf-16")], b'{"a"', code="parse_error"),
    Attack("more", "multipart-without-boundary", "example", "POST", "/api/auth/token/",
           [("Content-Type", "multipart/form-data")], b"junk", code="parse_error"),
    Attack("more", "multipart-garbage", "example", "POST", "/api/auth/token/", MULTIPART, b"\x00" * 1000,
           code="validation_error"),
    Attack("more", "unsupported-content-type", "example", "POST", "/api/auth/token/",
           [("Content-Type", "application/xml")], b"<a/>", status=415, code="unsupported_media_type"),
    Attack("more", "unacceptable-accept", "example", "GET", "/api/products/", [("Accept", "application/xml")],
           status=406, code="not_acceptable"),
    Attack("more", "unknown-method-anonymous", "example", "BREW", "/api/products/", status=401, code="not_authenticated"),
    Attack("more", "unknown-method-authenticated", "example", "BREW", "/api/products/",
           lambda p: bearer(p.tokens["access"]), status=405, code="method_not_allowed"),
    Attack("more", "method-override-header-is-ignored", "example", "GET", "/api/products/?page_size=1",
           [("X-HTTP-Method-Override", "DELETE")], status=200, code=None),
    Attack("more", "content-length-longer-than-the-body", "example", "POST", "/api/auth/token/",
           [("Content-Type", "application/json"), ("Content-Length", "1000")], b'{"a": 1}',
           status=NO_REPLY, code=None, half_close=True),
    # DRF reads a body only when Content-Length says it has one: a chunked one reads empty
    Attack("more", "chunked-body", "example", "POST", "/api/auth/token/",
           [("Content-Type", "application/json"), ("Transfer-Encoding", "chunked")],
           wire.chunked(b'{"username": "nob', b'ody", "password": "x"}'), code="validation_error"),
    Attack("more", "chunked-body-malformed", "example", "POST", "/api/auth/token/",
           [("Content-Type", "application/json"), ("Transfer-Encoding", "chunked")], b"zz\r\n{}\r\n",
           code=SERVER),
    Attack("more", "content-length-and-chunked", "example", "POST", "/api/auth/token/",
           [("Content-Type", "application/json"), ("Content-Length", "4"), ("Transfer-Encoding", "chunked")],
           wire.chunked(b"[1]"), code=("validation_error",)),
    Attack("more", "two-host-headers", "example", raw=_raw(b"GET / HTTP/1.1", b"Host: localhost", b"Host: evil.example"),
           code=SERVER),
    Attack("more", "no-host-header", "example", raw=_raw(b"GET / HTTP/1.1", b"Connection: close"), code=SERVER),
    Attack("more", "absolute-form-request-target", "example",
           raw=_raw(b"GET http://evil.example/api/products/ HTTP/1.1", b"Host: localhost", b"Connection: close"),
           status=404, code="not_found"),
    Attack("more", "huge-page-number", "example", "GET", "/api/products/?page=" + "9" * 40, status=404, code="not_found"),
    Attack("more", "huge-page-size", "example", "GET", "/api/products/?page_size=" + "9" * 40, status=200, code=None,
           check=lambda r: len(r.json()["results"]) == 50),
    Attack("more", "path-60KB", "example", "GET", "/api/" + "a" * 60_000 + "/", status=404,
           code=("not_found", SERVER)),
    Attack("more", "cookie-junk", "example", "GET", "/api/products/?page_size=1",
           [("Cookie", "sessionid=%00\x01; csrftoken=" + "a" * 5000)], status=200, code=None),
    Attack("more", "head", "example", "HEAD", "/api/products/?page_size=1", status=200, code=None),
    Attack("more", "password-as-an-object", "example", "POST", "/api/auth/token/", json_headers(),
           as_json({"username": {"$gt": ""}, "password": {"$ne": None}}), code="validation_error"),
]
# fmt: on

ATTACKS: list[Attack] = [*ITEM_1, *ITEM_4, *ITEM_5, *ITEM_7, *ITEM_10, *ALREADY_CORRECT, *MORE]
