"""Kyodaku 0.1 verifier: JWS object verification, decisions, identifier
normalization and name folding, written from spec/ text alone.

Standard library plus ``cryptography`` (for the Ed25519 equation; the strict
RFC 8032 checks that OpenSSL does not make are done here).

Public API:
  verify_object(jws, expected_kind, resolve_keys)  -> VerifiedObject or raises KyodakuError
  object_id(jws)                                    -> 64 lowercase hex digits
  decide(records, ids, purpose, at, attested=None)  -> dict
  normalize_identifier(s)                           -> str or raises InvalidIdentifierError
  prefix_matches(pattern, identifier)               -> bool
  fold_name(s)                                      -> str
  jcs(value)                                        -> str (RFC 8785)
"""
from __future__ import annotations

import base64
import calendar
import hashlib
import ipaddress
import json
import math
import os
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

PROBLEM = "urn:kyodaku:problem:"

# ---------------------------------------------------------------------------
# errors


class KyodakuError(Exception):
    """A verification failure; ``problem`` is the full problem type URN."""

    def __init__(self, problem: str, detail: str = ""):
        super().__init__(f"{problem}: {detail}" if detail else problem)
        self.problem = PROBLEM + problem
        self.detail = detail


class InvalidIdentifierError(ValueError):
    code = "ERR_INVALID_IDENTIFIER"

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# ---------------------------------------------------------------------------
# small helpers

_ASCII_LOWER = {c: c + 32 for c in range(0x41, 0x5B)}
_ASCII_UPPER = {c: c - 32 for c in range(0x61, 0x7B)}


def ascii_lower(s: str) -> str:
    """REQ-ID-009: only A-Z change (str.lower() would map U+212A KELVIN SIGN to k)."""
    return s.translate(_ASCII_LOWER)


def ascii_upper(s: str) -> str:
    return s.translate(_ASCII_UPPER)


def _ecma(pattern: str) -> re.Pattern:
    """Compile an ECMAScript-style pattern (no flags) for Python: ASCII \\d/\\w, and
    a final ``$`` that does not match before a trailing newline."""
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        pattern = pattern[:-1] + r"\Z"
    return re.compile(pattern, re.ASCII)


# ---------------------------------------------------------------------------
# base64url (REQ-SIG-006)

_B64URL = re.compile(r"[A-Za-z0-9_-]*\Z")


def b64url_decode_canonical(part: str) -> bytes:
    """Decode unpadded base64url; ValueError unless it is the canonical encoding."""
    if not _B64URL.match(part) or len(part) % 4 == 1:
        raise ValueError("not canonical base64url")
    raw = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    if b64url_encode(raw) != part:  # non-zero unused trailing bits
        raise ValueError("non-zero trailing bits")
    return raw


def b64url_encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


# ---------------------------------------------------------------------------
# JCS, RFC 8785


def _jcs_number(x: float | int) -> str:
    if isinstance(x, bool):
        raise TypeError
    x = float(x)
    if math.isnan(x) or math.isinf(x):
        raise ValueError("NaN/Infinity are not JSON")
    if x == 0:
        return "0"  # also -0
    sign = "-" if x < 0 else ""
    x = abs(x)
    # shortest round-trip digits (same as ECMAScript Number::toString)
    r = repr(x)
    if "e" in r:
        mant, exp = r.split("e")
        exp = int(exp)
    else:
        mant, exp = r, 0
    if "." in mant:
        ip, fp = mant.split(".")
    else:
        ip, fp = mant, ""
    digits = (ip + fp).lstrip("0")
    # position of the decimal point relative to the start of `digits`
    lead_zeros = len(ip + fp) - len((ip + fp).lstrip("0"))
    n = len(ip) + exp - lead_zeros
    digits = digits.rstrip("0") or "0"
    k = len(digits)
    if k <= n <= 21:
        s = digits + "0" * (n - k)
    elif 0 < n <= 21:
        s = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        s = "0." + "0" * (-n) + digits
    else:
        e = n - 1
        es = ("+" if e >= 0 else "-") + str(abs(e))
        s = digits[0] + ("." + digits[1:] if k > 1 else "") + "e" + es
    return sign + s


_JCS_ESC = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _jcs_string(s: str) -> str:
    out = ['"']
    for ch in s:
        if ch in _JCS_ESC:
            out.append(_JCS_ESC[ch])
        elif ord(ch) < 0x20:
            out.append("\\u%04x" % ord(ch))
        elif 0xD800 <= ord(ch) <= 0xDFFF:
            raise ValueError("lone surrogate")  # I-JSON: not representable
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _utf16_key(s: str):
    return s.encode("utf-16-be", "surrogatepass")


def jcs(v: Any) -> str:
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, (int, float)):
        return _jcs_number(v)
    if isinstance(v, str):
        return _jcs_string(v)
    if isinstance(v, list):
        return "[" + ",".join(jcs(x) for x in v) + "]"
    if isinstance(v, dict):
        items = sorted(v.items(), key=lambda kv: _utf16_key(kv[0]))
        return "{" + ",".join(_jcs_string(k) + ":" + jcs(x) for k, x in items) + "}"
    raise TypeError(type(v))


class _Dup(Exception):
    pass


def _no_dups(pairs):
    d = {}
    for k, v in pairs:
        if k in d:
            raise _Dup(k)
        d[k] = v
    return d


def _bad_constant(name):
    raise ValueError(name)


MAX_JSON_DEPTH = 32
MAX_JSON_MEMBERS = 1000
MAX_JSON_ELEMENTS = 1000


def check_json_limits(text: str) -> None:
    """REQ-JSON-001, counted on the text before parsing: every [ or { outside a
    string opens a level, ] or } closes one, a , directly inside a container
    starts its next member or element. Raises KyodakuError json-too-complex."""
    counts: list[int] = []  # members/elements so far of each open container
    arrays: list[bool] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in " \t\n\r":
            i += 1
            continue
        if counts and c in "]}":
            counts.pop()
            arrays.pop()
            i += 1
            continue
        if counts:
            if c == ",":
                counts[-1] += 1
                if counts[-1] > (MAX_JSON_ELEMENTS if arrays[-1] else MAX_JSON_MEMBERS):
                    raise KyodakuError("json-too-complex", "too many members or elements")
                i += 1
                continue
            if counts[-1] == 0:
                counts[-1] = 1
        if c in "[{":
            if len(counts) == MAX_JSON_DEPTH:
                raise KyodakuError("json-too-complex", "nested too deep")
            counts.append(0)
            arrays.append(c == "[")
        elif c == '"':
            i += 1
            while i < n and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
        i += 1


def parse_canonical_json_object(raw: bytes) -> dict:
    """Check #3/#9: UTF-8, limits, JSON object, JCS. Raises KyodakuError."""
    try:
        text = raw.decode("utf-8")  # strict: rejects overlong, surrogates, truncation
    except UnicodeDecodeError:
        raise KyodakuError("invalid-utf8")
    check_json_limits(text)
    dup = False
    try:
        value = json.loads(text, object_pairs_hook=_no_dups, parse_constant=_bad_constant,
                           parse_int=float, parse_float=float)
    except _Dup:
        dup = True
        try:
            value = json.loads(text, parse_constant=_bad_constant, parse_int=float, parse_float=float)
        except ValueError:
            raise KyodakuError("malformed-json")
    except (ValueError, RecursionError):
        raise KyodakuError("malformed-json")
    if not isinstance(value, dict):
        raise KyodakuError("malformed-json", "not a JSON object")
    if dup:
        raise KyodakuError("non-canonical-json", "duplicate member")
    try:
        canon = jcs(value)
    except (ValueError, TypeError):
        raise KyodakuError("non-canonical-json")
    if canon.encode("utf-8", "surrogatepass") != raw:
        raise KyodakuError("non-canonical-json")
    return _ints(value)


def _ints(v):
    """Numbers were parsed as doubles (JCS); hand integral ones back as int."""
    if isinstance(v, float) and v.is_integer() and abs(v) <= 2**53:
        return int(v)
    if isinstance(v, list):
        return [_ints(x) for x in v]
    if isinstance(v, dict):
        return {k: _ints(x) for k, x in v.items()}
    return v


# ---------------------------------------------------------------------------
# Ed25519 strict checks (RFC 8032 §5.1.3 decoding, REQ-SIG-007, REQ-SIG-014)

_P = 2**255 - 19
_L = 2**252 + 27742317777372353535851937790883648493
_D = (-121665 * pow(121666, _P - 2, _P)) % _P
_SQRT_M1 = pow(2, (_P - 1) // 4, _P)


def _decode_point(b: bytes):
    """RFC 8032 §5.1.3 point decoding; None if non-canonical (y >= p) or not on the curve."""
    if len(b) != 32:
        return None
    n = int.from_bytes(b, "little")
    x0 = n >> 255
    y = n & ((1 << 255) - 1)
    if y >= _P:
        return None
    u = (y * y - 1) % _P
    v = (_D * y * y + 1) % _P
    x = (u * pow(v, 3, _P) * pow(u * pow(v, 7, _P), (_P - 5) // 8, _P)) % _P
    vx2 = (v * x * x) % _P
    if vx2 == u:
        pass
    elif vx2 == (-u) % _P:
        x = (x * _SQRT_M1) % _P
    else:
        return None
    if x == 0 and x0 == 1:
        return None
    if x & 1 != x0:
        x = _P - x
    return (x, y, 1, (x * y) % _P)


def _pt_add(P, Q):
    x1, y1, z1, t1 = P
    x2, y2, z2, t2 = Q
    a = (y1 - x1) * (y2 - x2) % _P
    b = (y1 + x1) * (y2 + x2) % _P
    c = 2 * t1 * t2 * _D % _P
    d = 2 * z1 * z2 % _P
    e, f, g, h = b - a, d - c, d + c, b + a
    return (e * f % _P, g * h % _P, f * g % _P, e * h % _P)


def _is_identity(P) -> bool:
    x, y, z, _ = P
    return x % _P == 0 and (y - z) % _P == 0


def key_problem(x: bytes) -> str | None:
    """Why a raw public key is not acceptable (REQ-SIG-014), or None."""
    if len(x) != 32:
        return "not 32 bytes"
    A = _decode_point(x)
    if A is None:
        return "not a canonical encoding of a curve point"
    P = A
    for _ in range(3):
        P = _pt_add(P, P)
    if _is_identity(P):
        return "point of small order"
    return None


def ed25519_verify_strict(x: bytes, sig: bytes, msg: bytes) -> bool:
    if len(sig) != 64 or key_problem(x) is not None:
        return False
    if int.from_bytes(sig[32:], "little") >= _L:  # S >= L: malleated
        return False
    if _decode_point(sig[:32]) is None:  # R must be a canonical point encoding
        return False
    try:
        Ed25519PublicKey.from_public_bytes(x).verify(sig, msg)
        return True
    except (InvalidSignature, ValueError):
        return False


def jwk_thumbprint(x_b64: str) -> str:
    """RFC 7638 thumbprint of an Ed25519 OKP JWK (required members crv, kty, x)."""
    canon = '{"crv":"Ed25519","kty":"OKP","x":' + json.dumps(x_b64) + "}"
    return b64url_encode(hashlib.sha256(canon.encode("ascii")).digest())


# ---------------------------------------------------------------------------
# timestamps (REQ-OBJ-001)

_TS = _ecma(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


def is_timestamp(s: Any) -> bool:
    if not isinstance(s, str) or not _TS.match(s):
        return False
    y, mo, d = int(s[0:4]), int(s[5:7]), int(s[8:10])
    h, mi, se = int(s[11:13]), int(s[14:16]), int(s[17:19])
    if y < 1 or not 1 <= mo <= 12 or not 1 <= d <= calendar.monthrange(y, mo)[1]:
        return False
    # no leap seconds: "one instant has exactly one encoding"
    return h <= 23 and mi <= 59 and se <= 59


# ---------------------------------------------------------------------------
# JSON Schema subset validator (draft 2020-12 keywords used by spec/schemas)

SCHEMA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "spec", "schemas")
_schema_cache: dict[str, dict] = {}


def load_schema(name: str) -> dict:
    if name not in _schema_cache:
        with open(os.path.join(SCHEMA_DIR, name + ".json"), encoding="utf-8") as f:
            _schema_cache[name] = json.load(f)
    return _schema_cache[name]


class _SchemaError(Exception):
    pass


def _is_type(v, t):
    if t == "object":
        return isinstance(v, dict)
    if t == "array":
        return isinstance(v, list)
    if t == "string":
        return isinstance(v, str)
    if t == "boolean":
        return isinstance(v, bool)
    if t == "null":
        return v is None
    if t == "number":
        return isinstance(v, (int, float)) and not isinstance(v, bool)
    if t == "integer":
        return isinstance(v, (int, float)) and not isinstance(v, bool) and float(v).is_integer()
    raise _SchemaError("unknown type " + t)


def _json_eq(a, b):
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    return type(a) == type(b) and a == b


_SUPPORTED = {"$id", "$schema", "$ref", "$defs", "title", "description", "type", "properties",
              "required", "additionalProperties", "const", "enum", "pattern", "minLength",
              "maxLength", "minItems", "maxItems", "items", "propertyNames", "oneOf", "anyOf",
              "format", "minimum", "maximum", "uniqueItems", "examples", "default"}


def validate(value, schema, root, path="$"):
    """Raise _SchemaError at the first violation. ``format`` is an annotation
    (2020-12 default); patterns are ECMAScript regexes."""
    for k in schema:
        if k not in _SUPPORTED:
            raise _SchemaError(f"unsupported keyword {k}")
    if "$ref" in schema:
        ref = schema["$ref"]
        if not ref.startswith("#/"):
            raise _SchemaError("external $ref")
        target = root
        for part in ref[2:].split("/"):
            target = target[part]
        validate(value, target, root, path)
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(_is_type(value, t) for t in types):
            raise _SchemaError(f"{path}: type")
    if "const" in schema and not _json_eq(value, schema["const"]):
        raise _SchemaError(f"{path}: const")
    if "enum" in schema and not any(_json_eq(value, e) for e in schema["enum"]):
        raise _SchemaError(f"{path}: enum")
    if isinstance(value, str):
        n = len(value)  # code points (JSON Schema counts characters)
        if "minLength" in schema and n < schema["minLength"]:
            raise _SchemaError(f"{path}: minLength")
        if "maxLength" in schema and n > schema["maxLength"]:
            raise _SchemaError(f"{path}: maxLength")
        if "pattern" in schema and not _ecma(schema["pattern"]).search(value):
            raise _SchemaError(f"{path}: pattern")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            raise _SchemaError(f"{path}: minimum")
        if "maximum" in schema and value > schema["maximum"]:
            raise _SchemaError(f"{path}: maximum")
    if isinstance(value, list):
        if "minItems" in schema and len(value) < schema["minItems"]:
            raise _SchemaError(f"{path}: minItems")
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            raise _SchemaError(f"{path}: maxItems")
        if "items" in schema:
            for i, x in enumerate(value):
                validate(x, schema["items"], root, f"{path}[{i}]")
        if schema.get("uniqueItems"):
            seen = [jcs(x) for x in value]
            if len(set(seen)) != len(seen):
                raise _SchemaError(f"{path}: uniqueItems")
    if isinstance(value, dict):
        props = schema.get("properties", {})
        for r in schema.get("required", []):
            if r not in value:
                raise _SchemaError(f"{path}: missing {r}")
        if "propertyNames" in schema:
            for k in value:
                validate(k, schema["propertyNames"], root, f"{path}<{k}>")
        for k, x in value.items():
            if k in props:
                validate(x, props[k], root, f"{path}.{k}")
            elif "additionalProperties" in schema:
                ap = schema["additionalProperties"]
                if ap is False:
                    raise _SchemaError(f"{path}: additional property {k}")
                if isinstance(ap, dict):
                    validate(x, ap, root, f"{path}.{k}")
    if "oneOf" in schema:
        ok = 0
        for sub in schema["oneOf"]:
            try:
                validate(value, sub, root, path)
                ok += 1
            except _SchemaError:
                pass
        if ok != 1:
            raise _SchemaError(f"{path}: oneOf")
    if "anyOf" in schema:
        for sub in schema["anyOf"]:
            try:
                validate(value, sub, root, path)
                break
            except _SchemaError:
                pass
        else:
            raise _SchemaError(f"{path}: anyOf")


# ---------------------------------------------------------------------------
# objects

@dataclass(frozen=True)
class Kind:
    name: str
    typ: str
    schema: str


KINDS = {
    "party": Kind("party", "kyodaku-party+jws", "Party"),
    "attestation": Kind("attestation", "kyodaku-attestation+jws", "Attestation"),
    "attestation-revocation": Kind("attestation-revocation", "kyodaku-attestation-revocation+jws",
                                   "AttestationRevocation"),
    "record": Kind("record", "kyodaku-record+jws", "ConsentRecord"),
    "revocation": Kind("revocation", "kyodaku-revocation+jws", "RecordRevocation"),
    "admin": Kind("admin", "kyodaku-admin+jws", "AdminRequest"),
}

_TS_MEMBERS = ("issued_at", "valid_from", "valid_until", "expires_at")
MAX_JWS_BYTES = 65535
_KID = _ecma(r"^[A-Za-z0-9_-]{43}$")


def _semantic_checks(kind: str, p: dict) -> None:
    """Rules the JSON Schemas do not express but the spec text puts on the payload.
    Reported as schema-violation (step 10)."""
    for m in _TS_MEMBERS:
        if m in p and not is_timestamp(p[m]):
            raise _SchemaError(f"{m}: not a real instant (REQ-OBJ-001)")
    if kind == "record":
        ids = p["work"]["ids"]
        for i in ids:
            try:
                n = normalize_identifier(i, allow_pattern=True)
            except InvalidIdentifierError as e:
                raise _SchemaError(f"work.ids: {i!r} invalid ({e.reason}) (REQ-RECORD-001)")
            if n != i:
                raise _SchemaError(f"work.ids: {i!r} not normalized (REQ-RECORD-001)")
        if len(set(ids)) != len(ids):
            raise _SchemaError("work.ids: not distinct")
        if "conditional" in p["purposes"].values() and "conditions" not in p:
            raise _SchemaError("conditional purpose without conditions (REQ-RECORD-002)")
        if "valid_until" in p and not p["valid_until"] > p["valid_from"]:
            raise _SchemaError("valid_until not later than valid_from (REQ-RECORD-002)")
        for field in ("titles", "aliases"):
            for tag, names in p["work"].get(field, {}).items():
                if not is_language_tag(tag):
                    raise _SchemaError(f"work.{field}: {tag!r} not a BCP 47 tag (REQ-ID-032)")
                for name in names if isinstance(names, list) else [names]:
                    if fold_name(name) == "":
                        raise _SchemaError(f"work.{field}: name folds to empty (REQ-ID-034)")
    if kind == "party":
        for tag in p.get("names", {}):
            if not is_language_tag(tag):
                raise _SchemaError(f"names: {tag!r} not a BCP 47 tag")


@dataclass
class VerifiedObject:
    id: str
    kind: str
    header: dict
    payload: dict
    jws: str


# resolve_keys(kind, payload) -> iterable of base64url `x` values of the keys
# bound to the object's issuer (for a party: ignored, the carried key is used).
KeyResolver = Callable[[str, dict], Iterable[str]]


def object_id(jws: str) -> str:
    return hashlib.sha256(jws.encode("ascii")).hexdigest()


def verify_object(jws: str, expected_kind: str, resolve_keys: KeyResolver,
                  accept_eddsa: bool = True) -> VerifiedObject:
    """kyodaku.md §5.3, checks 1-12 in order; raises KyodakuError with the problem type."""
    kind = KINDS[expected_kind]
    # 1 size
    if len(jws.encode("utf-8", "surrogatepass")) > MAX_JWS_BYTES:
        raise KyodakuError("payload-too-large")
    # 2 three canonical base64url parts
    parts = jws.split(".")
    if len(parts) != 3:
        raise KyodakuError("malformed-jws", "not three parts")
    try:
        raw = [b64url_decode_canonical(x) for x in parts]
    except ValueError as e:
        raise KyodakuError("malformed-jws", str(e))
    # 3 header: UTF-8, JSON object, JCS
    header = parse_canonical_json_object(raw[0])
    # 4 only alg, kid, typ
    extra = set(header) - {"alg", "kid", "typ"}
    if extra:
        raise KyodakuError("forbidden-header", ",".join(sorted(extra)))
    # 5 alg
    alg = header.get("alg")
    if not (alg == "Ed25519" or (accept_eddsa and alg == "EdDSA")):
        raise KyodakuError("unsupported-algorithm", repr(alg))
    # 6 kid is a thumbprint (43 chars, canonical base64url of 32 bytes)
    kid = header.get("kid")
    if not isinstance(kid, str) or not _KID.match(kid):
        raise KyodakuError("forbidden-header", "kid is not a thumbprint")
    try:
        if len(b64url_decode_canonical(kid)) != 32:
            raise ValueError
    except ValueError:
        raise KyodakuError("forbidden-header", "kid is not a thumbprint")
    # 7 typ
    if header.get("typ") != kind.typ:
        raise KyodakuError("type-mismatch", repr(header.get("typ")))
    # 8 signature length
    if len(raw[2]) != 64:
        raise KyodakuError("malformed-jws", "signature is not 64 bytes")
    # 9 payload
    payload = parse_canonical_json_object(raw[1])
    # 10 schema (+ REQ-OBJ-002 via const kind/v, + rules the schemas cannot express)
    schema = load_schema(kind.schema)
    try:
        validate(payload, schema, schema)
        _semantic_checks(kind.name, payload)
    except _SchemaError as e:
        raise KyodakuError("schema-violation", str(e))
    # 11 kid bound to the issuer; key acceptable
    if kind.name == "party":
        x_b64 = payload["key"]["x"]
        try:
            xb = b64url_decode_canonical(x_b64)
        except ValueError:
            raise KyodakuError("invalid-key", "x is not canonical base64url")
        why = key_problem(xb)
        if why:
            raise KyodakuError("invalid-key", why)
        bound = [x_b64]
    else:
        bound = list(resolve_keys(kind.name, payload))
    key_x = None
    for x_b64 in bound:
        if jwk_thumbprint(x_b64) == kid:
            key_x = x_b64
            break
    if key_x is None:
        raise KyodakuError("unknown-key", "kid is not bound to the issuer")
    try:
        xb = b64url_decode_canonical(key_x)
    except ValueError:
        raise KyodakuError("invalid-key", "x is not canonical base64url")
    why = key_problem(xb)
    if why:
        raise KyodakuError("invalid-key", why)
    # 12 signature over the received bytes
    signing_input = (parts[0] + "." + parts[1]).encode("ascii")
    if not ed25519_verify_strict(xb, raw[2], signing_input):
        raise KyodakuError("invalid-signature")
    return VerifiedObject(object_id(jws), kind.name, header, payload, jws)


# ---------------------------------------------------------------------------
# BCP 47 well-formedness (RFC 5646 §2.1 ABNF, without the grandfathered list
# beyond the regular/irregular tags written out here)

_BCP47 = re.compile(r"""^(?:
  (?P<langtag>
    (?:[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}|[A-Za-z]{4}|[A-Za-z]{5,8})   # language
    (?:-[A-Za-z]{4})?                                                # script
    (?:-(?:[A-Za-z]{2}|[0-9]{3}))?                                   # region
    (?:-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*                   # variant
    (?:-[0-9A-WYZa-wyz](?:-[A-Za-z0-9]{2,8})+)*                      # extension
    (?:-[Xx](?:-[A-Za-z0-9]{1,8})+)?                                 # privateuse
  )
  |[Xx](?:-[A-Za-z0-9]{1,8})+
  |en-GB-oed|i-ami|i-bnn|i-default|i-enochian|i-hak|i-klingon|i-lux|i-mingo|i-navajo|i-pwn
  |i-tao|i-tay|i-tsu|sgn-BE-FR|sgn-BE-NL|sgn-CH-DE
  |art-lojban|cel-gaulish|no-bok|no-nyn|zh-guoyu|zh-hakka|zh-min|zh-min-nan|zh-xiang
)\Z""", re.X | re.ASCII | re.I)


def is_language_tag(tag: str) -> bool:
    """Well-formed per the RFC 5646 ABNF (identifiers.md REQ-ID-032): syntax only, any case;
    duplicate variants or singletons are a matter of validity, not well-formedness (§2.2.9)."""
    return _BCP47.match(tag) is not None


# ---------------------------------------------------------------------------
# name folding (identifiers.md REQ-ID-033)

_WHITE_SPACE = set(
    [chr(c) for c in range(0x09, 0x0E)] + ["\u0020", "\u0085", "\u00a0", "\u1680"]
    + [chr(c) for c in range(0x2000, 0x200B)] + ["\u2028", "\u2029", "\u202f", "\u205f", "\u3000"])


def fold_name(s: str) -> str:
    s = unicodedata.normalize("NFKC", s)
    s = s.lower()  # full mappings; CPython implements Final_Sigma
    s = "".join(chr(ord(c) - 0x60) if 0x30A1 <= ord(c) <= 0x30F6 else c for c in s)
    out, in_ws = [], False
    for c in s:
        if c in _WHITE_SPACE:
            if not in_ws:
                out.append(" ")
            in_ws = True
        else:
            out.append(c)
            in_ws = False
    return "".join(out).strip(" ")


# ---------------------------------------------------------------------------
# identifiers (identifiers.md)

SCHEMES = ("url", "sha256", "isbn", "isrc", "iswc", "isan", "doi", "iscc", "jan", "kyodaku")
MAX_ID = 2048


def _bad(reason: str):
    raise InvalidIdentifierError(reason)


def normalize_identifier(s: str, allow_pattern: bool = True) -> str:
    """Normalized form of an identifier, or InvalidIdentifierError.
    ``allow_pattern``: whether a url prefix pattern is acceptable in this place."""
    if not isinstance(s, str):
        _bad("not a string")
    # REQ-ID-008 well-formed Unicode (Python str may hold lone surrogates)
    if any(0xD800 <= ord(c) <= 0xDFFF for c in s):
        _bad("ill-formed Unicode")
    # REQ-ID-006 before any other processing
    if len(s) > MAX_ID:
        _bad("longer than 2048 code points")
    # REQ-ID-007
    if any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in s):
        _bad("control character")
    # REQ-ID-001
    if ":" not in s:
        _bad("no ':'")
    scheme, value = s.split(":", 1)
    if not scheme.isascii():
        _bad("unknown scheme")
    scheme = ascii_lower(scheme)
    if scheme not in SCHEMES:
        _bad("unknown scheme")
    if scheme == "url":
        norm = _norm_url(value, allow_pattern)
    else:
        norm = globals()["_norm_" + scheme](value)
    out = scheme + ":" + norm
    if len(out) > MAX_ID:
        _bad("normalized form longer than 2048 characters")
    return out


def prefix_matches(pattern: str, ident: str) -> bool:
    """REQ-ID-016, on normalized forms."""
    return (pattern.startswith("url:") and pattern.endswith("*") and not ident.endswith("*")
            and ident.startswith("url:") and ident.startswith(pattern[:-1]))


# --- url -------------------------------------------------------------------

_URL_START = re.compile(r"[Hh][Tt][Tt][Pp][Ss]?://")
_HEX = "0123456789ABCDEFabcdef"
_UNRESERVED = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_C0 = {chr(c) for c in range(0x20)}
_QUERY_SET = _C0 | set(' "#<>')
_SPECIAL_QUERY_SET = _QUERY_SET | {"'"}
_PATH_SET = _QUERY_SET | set("?^`{}")
_FORBIDDEN_HOST = set("\x00\t\n\r #/:<>?@[\\]^|")
_FORBIDDEN_DOMAIN = _FORBIDDEN_HOST | _C0 | {"%", "\x7f"}
_DOT_SEPARATORS = re.compile("[.\u3002\uff0e\uff61]")


def _pct_encode(s: str, encode_set: set) -> str:
    out = []
    for c in s:
        if c in encode_set or ord(c) > 0x7E:
            out.extend("%%%02X" % b for b in c.encode("utf-8"))
        else:
            out.append(c)
    return "".join(out)


def _pct_decode_bytes(s: str) -> bytes:
    b = s.encode("utf-8")
    out = bytearray()
    i = 0
    while i < len(b):
        if b[i] == 0x25 and i + 2 < len(b) and chr(b[i + 1]) in _HEX and chr(b[i + 2]) in _HEX:
            out.append(int(b[i + 1:i + 3], 16))
            i += 3
        else:
            out.append(b[i])
            i += 1
    return bytes(out)


def _ipv4_number(part: str):
    r = 10
    if len(part) >= 2 and part[:2] in ("0x", "0X"):
        part, r = part[2:], 16
    elif len(part) >= 2 and part[0] == "0":
        part, r = part[1:], 8
    if part == "":
        return 0
    digits = {10: "0123456789", 16: _HEX, 8: "01234567"}[r]
    if any(c not in digits for c in part):
        return None
    return int(part, r)


def _ends_in_number(host: str) -> bool:
    parts = host.split(".")
    if parts[-1] == "":
        if len(parts) == 1:
            return False
        parts.pop()
    last = parts[-1]
    if last and all(c in "0123456789" for c in last):
        return True
    return len(last) >= 2 and last[:2] in ("0x", "0X") and all(c in _HEX for c in last[2:])


def _parse_ipv4(host: str) -> str:
    parts = host.split(".")
    if parts[-1] == "" and len(parts) > 1:
        parts.pop()
    if len(parts) > 4 or any(p == "" for p in parts):
        _bad("invalid IPv4 host")
    nums = []
    for p in parts:
        n = _ipv4_number(p)
        if n is None:
            _bad("invalid IPv4 host")
        nums.append(n)
    if any(n > 255 for n in nums[:-1]) or nums[-1] >= 256 ** (5 - len(nums)):
        _bad("invalid IPv4 host")
    ipv4 = nums[-1]
    for i, n in enumerate(nums[:-1]):
        ipv4 += n * 256 ** (3 - i)
    return ".".join(str((ipv4 >> s) & 255) for s in (24, 16, 8, 0))


def _parse_ipv6(inner: str) -> str:
    if "%" in inner or not inner:
        _bad("invalid IPv6 host")
    try:
        addr = ipaddress.IPv6Address(inner)
    except ValueError:
        _bad("invalid IPv6 host")
    pieces = [int.from_bytes(addr.packed[i:i + 2], "big") for i in range(0, 16, 2)]
    # WHATWG: compress the first longest run of two or more zero pieces
    best, best_len, i = None, 1, 0
    while i < 8:
        if pieces[i] == 0:
            j = i
            while j < 8 and pieces[j] == 0:
                j += 1
            if j - i > best_len:
                best, best_len = i, j - i
            i = j
        else:
            i += 1
    out, i = "", 0
    while i < 8:
        if i == best:
            out += "::" if i == 0 else ":"
            i += best_len
            continue
        out += "%x" % pieces[i] + (":" if i < 7 else "")
        i += 1
    return "[" + out + "]"


def _domain_to_ascii(domain: str) -> str:
    """Approximation of UTS #46 ToASCII (non-transitional) with the stdlib:
    ASCII labels are ASCII-lowercased; other labels go through IDNA 2003
    nameprep + punycode (encodings.idna), which agrees with UTS #46 on common
    input (NFKC, case folding, full-width dots) but not on every code point."""
    labels = _DOT_SEPARATORS.split(domain)
    out = []
    import encodings.idna as idna2003
    for label in labels:
        if label == "":
            out.append("")
        elif label.isascii():
            label = ascii_lower(label)
            if label.startswith("xn--"):
                try:
                    decoded = label[4:].encode("ascii").decode("punycode")
                except Exception:
                    _bad("invalid punycode label")
                if decoded.isascii() or decoded == "":
                    _bad("invalid punycode label")
            out.append(label)
        else:
            # UTS #46 non-transitional keeps the deviation characters that IDNA
            # 2003 maps away (ß -> ss, ς -> σ); ZWJ/ZWNJ need CheckJoiners
            # context rules we do not implement, so they are refused.
            if "\u200c" in label or "\u200d" in label:
                _bad("ZWJ/ZWNJ in a host (CheckJoiners not implemented)")
            try:
                chunks = re.split("([\u00df\u03c2])", label.replace("\u1e9e", "\u00df"))
                mapped = "".join(c if c in ("\u00df", "\u03c2") else idna2003.nameprep(c)
                                 for c in chunks if c)
                if mapped.isascii():
                    out.append(ascii_lower(mapped))
                else:
                    out.append("xn--" + mapped.encode("punycode").decode("ascii"))
            except UnicodeError:
                _bad("IDNA failure")
    return ".".join(out)


def _parse_host(h: str) -> str:
    if h.startswith("["):
        if not h.endswith("]"):
            _bad("unterminated IPv6 host")
        return _parse_ipv6(h[1:-1])
    if h == "":
        _bad("empty host")
    try:
        domain = _pct_decode_bytes(h).decode("utf-8")
    except UnicodeDecodeError:
        _bad("host is not UTF-8")
    ascii_domain = _domain_to_ascii(domain)
    if ascii_domain == "" or any(c in _FORBIDDEN_DOMAIN for c in ascii_domain):
        _bad("forbidden host code point")
    if _ends_in_number(ascii_domain):
        return _parse_ipv4(ascii_domain)
    return ascii_domain


def _is_single_dot(seg: str) -> bool:
    return seg == "." or ascii_lower(seg) == "%2e"


def _is_double_dot(seg: str) -> bool:
    return ascii_lower(seg) in ("..", ".%2e", "%2e.", "%2e%2e")


def _whatwg_http_url(value: str) -> str:
    """WHATWG basic URL parser + serializer (exclude fragment) for the inputs
    that survive REQ-ID-010..012: http(s), no userinfo, no backslash, no controls
    or spaces."""
    scheme_end = value.index(":")
    scheme = ascii_lower(value[:scheme_end])
    rest = value[scheme_end + 3:]
    rest = rest.split("#", 1)[0]  # fragment excluded
    m = re.match(r"[^/?]*", rest)
    authority, rest = m.group(0), rest[m.end():]
    # host and port
    if authority.startswith("["):
        close = authority.find("]")
        if close < 0:
            _bad("unterminated IPv6 host")
        host_part, port_part = authority[:close + 1], authority[close + 1:]
        if port_part and not port_part.startswith(":"):
            _bad("invalid host")
    else:
        if ":" in authority:
            host_part, port_part = authority.split(":", 1)
            port_part = ":" + port_part
        else:
            host_part, port_part = authority, ""
    if host_part == "":
        _bad("empty host")
    port = None
    if port_part:
        digits = port_part[1:]
        if digits and not all(c in "0123456789" for c in digits):
            _bad("invalid port")
        if digits:
            port = int(digits)
            if port > 65535:
                _bad("port out of range")
            if port == {"http": 80, "https": 443}[scheme]:
                port = None
    host = _parse_host(host_part)
    if "*" in host:
        _bad("* in the host")
    # path and query
    if "?" in rest:
        path_str, query = rest.split("?", 1)
    else:
        path_str, query = rest, None
    segments = path_str.split("/")
    if path_str.startswith("/"):
        segments = segments[1:]
    path: list[str] = []
    for i, seg in enumerate(segments):
        last = i == len(segments) - 1
        if _is_double_dot(seg):
            if path:
                path.pop()
            if last:
                path.append("")
        elif _is_single_dot(seg):
            if last:
                path.append("")
        else:
            path.append(_pct_encode(seg, _PATH_SET))
    if not segments:
        path.append("")
    out = scheme + "://" + host + (":" + str(port) if port is not None else "")
    out += "/" + "/".join(path)
    if query is not None:
        out += "?" + _pct_encode(query, _SPECIAL_QUERY_SET)
    return out


def _rfc3986_pct_normalize(s: str) -> str:
    out, i = [], 0
    while i < len(s):
        if s[i] == "%" and i + 2 < len(s) and s[i + 1] in _HEX and s[i + 2] in _HEX:
            ch = chr(int(s[i + 1:i + 3], 16))
            out.append(ch if ch in _UNRESERVED else "%" + s[i + 1:i + 3].upper())
            i += 3
        else:
            # identifiers.md REQ-ID-013 step 4: characters RFC 3986 never allows after the host.
            out.append("%%%02X" % ord(s[i]) if s[i] in "^|`{}" else s[i])
            i += 1
    return "".join(out)


def _url_exact(value: str) -> str:
    # REQ-ID-010
    if not _URL_START.match(value):
        _bad("not an http(s):// URL")
    # REQ-ID-011
    after = value[value.index("//") + 2:]
    authority = re.match(r"[^/?#]*", after).group(0)
    if authority == "":
        _bad("empty authority")
    if "@" in authority:
        _bad("userinfo")
    # REQ-ID-012
    if " " in value or "\\" in value:
        _bad("space or backslash")
    for i, c in enumerate(value):
        if c == "%" and not (i + 2 < len(value) and value[i + 1] in _HEX and value[i + 2] in _HEX):
            _bad("malformed percent-encoding")
    # REQ-ID-013
    ser = _whatwg_http_url(value)
    head_end = ser.index("/", ser.index("//") + 2)
    return ser[:head_end] + _rfc3986_pct_normalize(ser[head_end:])


def _norm_url(value: str, allow_pattern: bool) -> str:
    if value.endswith("*"):
        if not allow_pattern:
            _bad("prefix pattern not allowed here")
        base = value[:-1]
        if "#" in base:
            _bad("fragment in a prefix pattern")
        if _URL_START.match(base):
            after = base[base.index("//") + 2:]
            authority = re.match(r"[^/?#]*", after).group(0)
            if after[len(authority):] == "":
                _bad("prefix pattern with nothing after the authority")
        n = _url_exact(base)
        if n.endswith("*"):
            _bad("prefix pattern ending in **")
        return n + "*"
    n = _url_exact(value)
    if n.endswith("*"):
        _bad("exact url ending in *")
    return n


# --- other schemes ----------------------------------------------------------

def _gs1_ok(digits: str) -> bool:
    total = 0
    for pos, d in enumerate(reversed(digits), start=1):
        total += int(d) * (3 if pos % 2 == 0 else 1)
    return total % 10 == 0


def _gs1_check_digit(first12: str) -> str:
    for c in "0123456789":
        if _gs1_ok(first12 + c):
            return c
    raise AssertionError


_SHA256 = _ecma(r"^[0-9A-Fa-f]{64}$")
_ISBN10 = _ecma(r"^[0-9](?:[- ]?[0-9]){8}[- ]?[0-9Xx]$")
_ISBN13 = _ecma(r"^[0-9](?:[- ]?[0-9]){12}$")
_ISRC = _ecma(r"^[A-Za-z]{2}-?[A-Za-z0-9]{3}-?[0-9]{2}-?[0-9]{5}$")
_ISWC = _ecma(r"^[Tt]-?[0-9]{3}\.?[0-9]{3}\.?[0-9]{3}-?[0-9]$")
_H, _C = "[0-9A-Fa-f]", "[0-9A-Za-z]"
_ISAN_PLAIN = _ecma(rf"^{_H}{{16}}(?:{_C}|{_H}{{8}}|{_C}{_H}{{8}}{_C})?$")
_ISAN_HYPH = _ecma(rf"^{_H}{{4}}-{_H}{{4}}-{_H}{{4}}-{_H}{{4}}(?:-{_C}|-{_H}{{4}}-{_H}{{4}}|-{_C}-{_H}{{4}}-{_H}{{4}}-{_C})?$")
_DOI = _ecma(r"^10\.[0-9]+(?:\.[0-9]+)*/[!-~]+$")
_JAN = _ecma(r"^(?:[0-9]{8}|[0-9]{13})$")
_KYODAKU = _ecma(r"^[A-Za-z0-9._~-]+(?:/[A-Za-z0-9._~-]+)*$")


def _norm_sha256(v: str) -> str:
    if not _SHA256.match(v):
        _bad("not 64 hex digits")
    return ascii_lower(v)


def _norm_isbn(v: str) -> str:
    if _ISBN13.match(v):
        d = v.replace("-", "").replace(" ", "")
        if not _gs1_ok(d):
            _bad("ISBN-13 check digit")
        if not d.startswith(("978", "979")) or d.startswith("9790"):
            _bad("not a 978/979 (non-ISMN) prefix")
        return d
    if _ISBN10.match(v):
        d = v.replace("-", "").replace(" ", "")
        vals = [10 if c in "Xx" else int(c) for c in d]
        if sum(w * x for w, x in zip(range(10, 0, -1), vals)) % 11:
            _bad("ISBN-10 check digit")
        body = "978" + d[:9]
        return body + _gs1_check_digit(body)
    _bad("not an ISBN-10 or ISBN-13")


def _norm_isrc(v: str) -> str:
    if not _ISRC.match(v):
        _bad("not an ISRC")
    return ascii_upper(v.replace("-", ""))


def _norm_iswc(v: str) -> str:
    if not _ISWC.match(v):
        _bad("not an ISWC")
    d = v[1:].replace("-", "").replace(".", "")
    s = 1 + sum(i * int(c) for i, c in enumerate(d[:9], start=1))
    if (10 - s % 10) % 10 != int(d[9]):
        _bad("ISWC check digit")
    return "T" + d


_B36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _mod37_36(s: str) -> str:
    p = 36
    for c in s:
        t = (p + _B36.index(c)) % 36
        if t == 0:
            t = 36
        p = (2 * t) % 37
    return _B36[(37 - p) % 36]


def _norm_isan(v: str) -> str:
    if _ISAN_HYPH.match(v):
        groups = v.split("-")
    elif _ISAN_PLAIN.match(v):
        groups = None
    else:
        _bad("not an ISAN")
    u = ascii_upper(v.replace("-", ""))
    if len(u) == 16:
        return u
    if len(u) == 17:
        if _mod37_36(u[:16]) != u[16]:
            _bad("ISAN check character")
        return u[:16]
    if len(u) == 24:
        return u
    if len(u) == 26:
        root, c1, ver, c2 = u[:16], u[16], u[17:25], u[25]
        if _mod37_36(root) != c1 or _mod37_36(root + ver) != c2:
            _bad("ISAN check character")
        return root + ver
    _bad("not an ISAN")


_DOI_URL_PREFIXES = ("http://doi.org/", "https://doi.org/", "http://dx.doi.org/", "https://dx.doi.org/")


def _norm_doi(v: str) -> str:
    low = ascii_lower(v)
    for pre in _DOI_URL_PREFIXES:
        if low.startswith(pre):
            rest = v[len(pre):]
            if "?" in rest or "#" in rest:
                _bad("query or fragment in a DOI URL")
            for i, c in enumerate(rest):
                if c == "%" and not (i + 2 < len(rest) and rest[i + 1] in _HEX and rest[i + 2] in _HEX):
                    _bad("malformed percent-encoding")
            try:
                v = _pct_decode_bytes(rest).decode("ascii")
            except UnicodeDecodeError:
                _bad("non-ASCII DOI")
            break
    else:
        if low.startswith("doi:"):
            v = v[4:]
    if not _DOI.match(v):
        _bad("not a DOI name")
    return ascii_lower(v)


_B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def _norm_iscc(v: str) -> str:
    if ascii_lower(v[:5]) == "iscc:":
        v = v[5:]
    u = ascii_upper(v)
    if u == "" or any(c not in _B32 for c in u):
        _bad("not base32")
    if len(u) % 8 not in (0, 2, 4, 5, 7):
        _bad("not a whole number of bytes")
    bits = "".join(format(_B32.index(c), "05b") for c in u)
    nbytes = len(bits) // 8
    if not 6 <= nbytes <= 64:
        _bad("length")
    if "1" in bits[nbytes * 8:]:
        _bad("non-zero unused bits")
    if bits[0] != "0":
        _bad("MainType bit set")
    return u


def _norm_jan(v: str) -> str:
    if not _JAN.match(v):
        _bad("not 8 or 13 digits")
    if len(v) == 13 and v.startswith(("978", "979")):
        _bad("Bookland prefix: use isbn")
    if not _gs1_ok(v):
        _bad("GS1 check digit")
    return v


def _norm_kyodaku(v: str) -> str:
    low = ascii_lower(v)
    if not (1 <= len(low) <= 200) or not _KYODAKU.match(low):
        _bad("not a kyodaku id")
    if any(seg in (".", "..") for seg in low.split("/")):
        _bad("dot segment")
    return low


# ---------------------------------------------------------------------------
# decisions (kyodaku.md §7, §8)

LEAVES = ("tdm", "train.genai", "train.finetune", "train.nongen", "input.index", "input.system",
          "input.user", "search", "generate.character", "generate.voice", "generate.likeness",
          "generate.style")
GROUPS = {"train": [l for l in LEAVES if l.startswith("train.")],
          "input": [l for l in LEAVES if l.startswith("input.")],
          "generate": [l for l in LEAVES if l.startswith("generate.")],
          "all": list(LEAVES)}
_RANK = {"allow": 0, "conditional": 1, "deny": 2}
_REASON = {"allow": "granted", "conditional": "conditional", "deny": "denied"}


def record_value(purposes: dict, leaf: str) -> tuple[str, str]:
    """REQ-PURPOSE-002: (value, reason) of one record for one leaf."""
    group = leaf.split(".")[0] if "." in leaf else None
    for name in (leaf, group, "all"):
        if name and name in purposes:
            return purposes[name], _REASON[purposes[name]]
    return "deny", "not-granted"


def conditions_for(conditions: dict | None, leaf: str) -> dict:
    """kyodaku.md §7.3 "Terms per purpose": the conditions a record gives for one leaf."""
    if conditions is None:
        return {}
    by_purpose = conditions.get("by_purpose")
    if by_purpose is None:
        return conditions
    common = {k: v for k, v in conditions.items() if k != "by_purpose"}
    group = leaf.split(".")[0] if "." in leaf else None
    for name in (leaf, group, "all"):
        if name and name in by_purpose:
            return {**common, **by_purpose[name]}
    return common


def _most_restrictive(values):
    return max(values, key=lambda v: _RANK[v])


def _matches(record_ids, query_ids) -> bool:
    for r in record_ids:
        for q in query_ids:
            if r == q or prefix_matches(r, q):
                return True
    return False


def in_force(state: dict, at: str, attested: Callable[[str, str], bool] | None = None) -> bool:
    """state: {"id", "record", "loggedAt"?, "revokedAt"?, "supersededAt"?} with a verified record
    payload. A record counts from when the deciding node logged it (REQ-DECIDE-011); revokedAt and
    supersededAt are when the revocation or successor took effect (REQ-DECIDE-010)."""
    r = state["record"]
    if not (r["issued_at"] <= at and r["valid_from"] <= at):
        return False
    if state.get("loggedAt") is not None and not state["loggedAt"] <= at:
        return False
    if "valid_until" in r and not at < r["valid_until"]:
        return False
    if state.get("revokedAt") is not None and state["revokedAt"] <= at:
        return False
    if state.get("supersededAt") is not None and state["supersededAt"] <= at:
        return False
    if attested is not None and not attested(r["iss"], at):
        return False
    return True


def decide(records: list[dict], ids: list[str], purpose: str, at: str,
           attested: Callable[[str, str], bool] | None = None) -> dict:
    if purpose in LEAVES:
        leaves, is_group = [purpose], False
    elif purpose in GROUPS:
        leaves, is_group = GROUPS[purpose], True
    else:
        raise KyodakuError("unknown-purpose", purpose)
    if not is_timestamp(at):
        raise KyodakuError("invalid-request", "at is not a timestamp")
    query = [normalize_identifier(i, allow_pattern=False) for i in ids]
    cands = [s for s in records if in_force(s, at, attested) and _matches(s["record"]["work"]["ids"], query)]
    if not cands:
        out = {"decision": "deny", "reasons": ["no-record"], "records": [], "disputed": False}
        if is_group:
            out["leaves"] = {l: "deny" for l in leaves}
        return out
    newest: dict[str, dict] = {}
    for s in cands:
        iss = s["record"]["iss"]
        cur = newest.get(iss)
        if cur is None or (s["record"]["issued_at"], s["id"]) > (cur["record"]["issued_at"], cur["id"]):
            newest[iss] = s
    deciding = sorted(newest.values(), key=lambda s: s["id"])
    disputed = len(deciding) > 1
    reasons: set[str] = set()
    conditional_from: set[str] = set()
    conditions_of: dict[str, dict] = {}
    leaf_answers = {}
    for leaf in leaves:
        vals = []
        for s in deciding:
            v, why = record_value(s["record"]["purposes"], leaf)
            vals.append(v)
            reasons.add(why)
            if v == "conditional":
                conditional_from.add(s["id"])
                # REQ-DECIDE-006: for a group, the first leaf on which the record is conditional.
                conditions_of.setdefault(s["id"], conditions_for(s["record"].get("conditions"), leaf))
        leaf_answers[leaf] = _most_restrictive(vals)
    decision = _most_restrictive(leaf_answers.values())
    if disputed:
        reasons.add("disputed")
    out = {"decision": decision, "reasons": sorted(reasons), "records": [s["id"] for s in deciding],
           "disputed": disputed}
    if decision == "conditional":
        out["conditionsFrom"] = sorted(conditional_from)
        out["conditions"] = [{"record": s["id"], "conditions": conditions_of[s["id"]]}
                             for s in deciding if s["id"] in conditional_from]
    if is_group:
        out["leaves"] = leaf_answers
    return out
