"""Authentication of the ONE Record hub: OIDC bearer tokens and the development mode.

ONE Record 2.3.0 (security, application layer) authenticates every request with an OpenID
Connect ID token: a JWT that carries ``iss`` (an identity provider the server trusts),
``exp`` and ``logistics_agent_uri`` (the requesting party's LogisticsAgent). This module
verifies such tokens and turns them into a :class:`Principal`; authorization (ACLs, 403) is
decided elsewhere, on the principal's ``agent_uri``.

- :class:`TokenVerifier` checks the signature (RS256/ES256 by default) against configured
  keys only (JWKS file or URL, or PEM), the issuer allow-list, ``exp`` (required),
  ``nbf``/``iat``, ``aud`` when configured, and the agent URI. Every failure is an
  :class:`AuthError` with a distinct :class:`AuthReason`; the hub answers 401 with
  :func:`www_authenticate` in the ``WWW-Authenticate`` header (RFC 6750).
- :class:`Authenticator` is what the HTTP layer calls with the ``Authorization`` header; with
  ``SMARTLOGISTICS_AUTH=disabled`` every request is the configured development agent and the
  header is ignored. :func:`check_bind_allowed` refuses that mode off loopback.
- :func:`dev_signing_key` and :func:`mint_token` make development tokens
  (``smartlogistics hub token``).

Tokens are never logged and never appear in an error message.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

import jwt

from smartlogistics.config import Settings
from smartlogistics.errors import InvalidInputError
from smartlogistics.hub._keys import (
    DevSigningKey,
    KeySource,
    KeysUnavailableError,
    PublicKey,
    StaticKeys,
    dev_signing_key,
    is_loopback_host,
    load_key_source,
)

__all__ = [
    "DEV_ISSUER",
    "AuthError",
    "AuthReason",
    "Authenticator",
    "DevSigningKey",
    "Principal",
    "TokenVerifier",
    "bearer_token",
    "check_agent_uri",
    "check_bind_allowed",
    "dev_signing_key",
    "is_loopback_host",
    "mint_token",
    "www_authenticate",
]

log = logging.getLogger("smartlogistics.hub.security")

#: Issuer of the tokens :func:`mint_token` makes by default.
DEV_ISSUER = "urn:smartlogistics:dev-issuer"
#: Issuer of the principal of the development mode (no token involved).
AUTH_DISABLED_ISSUER = "urn:smartlogistics:auth-disabled"

MAX_TOKEN_CHARS = 16 * 1024
MAX_URI_CHARS = 2048
AGENT_CLAIM = "logistics_agent_uri"


class AuthReason(StrEnum):
    """Why a request was not authenticated; the value is stable, for logs and tests."""

    MISSING_TOKEN = "missing_token"
    INVALID_AUTHORIZATION_HEADER = "invalid_authorization_header"
    MALFORMED_TOKEN = "malformed_token"
    ALG_NONE = "alg_none"
    ALG_SYMMETRIC = "alg_symmetric"
    ALG_NOT_ALLOWED = "alg_not_allowed"
    UNKNOWN_KID = "unknown_kid"
    ALG_KEY_MISMATCH = "alg_key_mismatch"
    BAD_SIGNATURE = "bad_signature"
    MISSING_EXP = "missing_exp"
    INVALID_TIME_CLAIM = "invalid_time_claim"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    ISSUED_IN_FUTURE = "issued_in_future"
    MISSING_ISS = "missing_iss"
    ISSUER_NOT_ALLOWED = "issuer_not_allowed"
    INVALID_AUDIENCE = "invalid_audience"
    MISSING_AGENT_URI = "missing_agent_uri"
    INVALID_AGENT_URI = "invalid_agent_uri"
    KEYS_UNAVAILABLE = "keys_unavailable"


_MESSAGES: dict[AuthReason, str] = {
    AuthReason.MISSING_TOKEN: "no bearer token: send 'Authorization: Bearer <ID token>'",
    AuthReason.INVALID_AUTHORIZATION_HEADER: (
        "the Authorization header must be 'Bearer <token>' with one token"
    ),
    AuthReason.MALFORMED_TOKEN: "the token is not a well-formed signed JWT",
    AuthReason.ALG_NONE: "unsigned tokens (alg 'none') are not accepted",
    AuthReason.ALG_SYMMETRIC: "HMAC-signed tokens (HS256/HS384/HS512) are not accepted",
    AuthReason.ALG_NOT_ALLOWED: "the token's signing algorithm is not accepted",
    AuthReason.UNKNOWN_KID: "the token's key id (kid) is not among the trusted keys",
    AuthReason.ALG_KEY_MISMATCH: "the token's algorithm does not fit the type of its key",
    AuthReason.BAD_SIGNATURE: "the token's signature does not verify",
    AuthReason.MISSING_EXP: "the token has no expiration time (exp)",
    AuthReason.INVALID_TIME_CLAIM: "exp, nbf and iat must be numeric dates (seconds)",
    AuthReason.EXPIRED: "the token has expired",
    AuthReason.NOT_YET_VALID: "the token is not valid yet (nbf)",
    AuthReason.ISSUED_IN_FUTURE: "the token is issued in the future (iat)",
    AuthReason.MISSING_ISS: "the token has no issuer (iss)",
    AuthReason.ISSUER_NOT_ALLOWED: "the token's issuer (iss) is not a trusted identity provider",
    AuthReason.INVALID_AUDIENCE: "the token is not meant for this server (aud)",
    AuthReason.MISSING_AGENT_URI: "the token has no logistics_agent_uri claim",
    AuthReason.INVALID_AGENT_URI: "the logistics_agent_uri claim is not an absolute http(s) URI",
    AuthReason.KEYS_UNAVAILABLE: "the server cannot obtain the identity provider's keys",
}


class AuthError(Exception):
    """A request that is not authenticated; the hub answers 401 (503 for missing keys).

    Parameters
    ----------
    reason
        Why, as a stable code.
    detail
        Optional extra words appended to the standard message (never token content).

    Attributes
    ----------
    reason
        The :class:`AuthReason`.
    description
        The message for the 401 body and ``error_description``.
    error_code
        RFC 6750 error code: ``None`` when no token was sent, ``"invalid_request"`` for a
        malformed Authorization header, ``"invalid_token"`` otherwise.
    status
        HTTP status: 401, or 503 when the keys cannot be obtained (the client is not at
        fault then).
    """

    def __init__(self, reason: AuthReason, detail: str = "") -> None:
        self.reason = reason
        self.description = _MESSAGES[reason] + (f": {detail}" if detail else "")
        super().__init__(self.description)

    @property
    def error_code(self) -> str | None:
        """RFC 6750 ``error`` value for the ``WWW-Authenticate`` header."""
        if self.reason is AuthReason.MISSING_TOKEN:
            return None
        if self.reason is AuthReason.INVALID_AUTHORIZATION_HEADER:
            return "invalid_request"
        return "invalid_token"

    @property
    def status(self) -> int:
        """HTTP status the hub answers with."""
        return 503 if self.reason is AuthReason.KEYS_UNAVAILABLE else 401


def _quoted(text: str) -> str:
    """Keep only the characters RFC 6750 allows in a quoted auth-param value."""
    allowed = "".join(c for c in text if 0x20 <= ord(c) <= 0x7E and c not in '"\\')
    return allowed[:300]


def www_authenticate(error: AuthError | None = None, *, realm: str = "smartlogistics-hub") -> str:
    """Build the ``WWW-Authenticate`` header value of a 401 (RFC 6750, section 3).

    Parameters
    ----------
    error
        The failure; ``None`` or a missing token gives only the scheme and realm, as the
        RFC asks when the request carried no credentials.
    realm
        Protection realm.

    Returns
    -------
    str
        E.g. ``Bearer realm="smartlogistics-hub", error="invalid_token",
        error_description="the token has expired"``.
    """
    parts = [f'realm="{_quoted(realm)}"']
    if error is not None and error.error_code is not None:
        parts.append(f'error="{error.error_code}"')
        parts.append(f'error_description="{_quoted(error.description)}"')
    return "Bearer " + ", ".join(parts)


def bearer_token(authorization: str | None) -> str:
    """Take the token out of an ``Authorization: Bearer <token>`` header value.

    Raises
    ------
    AuthError
        ``missing_token`` when the header is absent or empty,
        ``invalid_authorization_header`` for another scheme or not exactly one token.
    """
    if authorization is None or not authorization.strip():
        raise AuthError(AuthReason.MISSING_TOKEN)
    parts = authorization.split()
    if len(parts) != 2 or parts[0].lower() != "bearer":
        raise AuthError(AuthReason.INVALID_AUTHORIZATION_HEADER)
    return parts[1]


def check_agent_uri(value: object, field: str = "agent") -> str:
    """Check a logistics agent URI: an absolute ``http(s)`` URI with a host.

    No whitespace or control characters, no credentials (``user@``), no fragment, at most
    2048 characters.

    Raises
    ------
    InvalidInputError
        Naming ``field`` and what is wrong.
    """
    if not isinstance(value, str) or not value:
        raise InvalidInputError(field, "must be an absolute http(s) URI")
    if len(value) > MAX_URI_CHARS:
        raise InvalidInputError(field, f"longer than {MAX_URI_CHARS} characters")
    if any(c.isspace() or ord(c) < 0x20 or ord(c) == 0x7F for c in value):
        raise InvalidInputError(field, "must not contain whitespace or control characters")
    try:
        parts = urlsplit(value)
        host = parts.hostname
        _ = parts.port  # raises ValueError for a bad port
    except ValueError as exc:
        raise InvalidInputError(field, f"not a valid URI ({exc})") from exc
    if parts.scheme not in ("http", "https") or not host:
        raise InvalidInputError(field, f"must be an absolute http(s) URI, got {value!r}")
    if parts.username is not None or parts.password is not None:
        raise InvalidInputError(field, "must not carry credentials")
    if parts.fragment:
        raise InvalidInputError(field, "must not have a fragment")
    return value


@dataclass(frozen=True)
class Principal:
    """Who a request comes from.

    Attributes
    ----------
    agent_uri
        The ``logistics_agent_uri``: the requesting party's LogisticsAgent, used for ACLs
        and ``isRequestedBy``.
    issuer
        The identity provider (``iss``); :data:`AUTH_DISABLED_ISSUER` in development mode.
    subject
        The ``sub`` claim, if any.
    expires_at
        When the token expires (UTC); ``None`` in development mode.
    claims
        All claims of the token (read-only).
    """

    agent_uri: str
    issuer: str
    subject: str | None
    expires_at: datetime | None
    claims: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))


class TokenVerifier:
    """Verify ONE Record ID tokens (signed JWTs) and return their :class:`Principal`.

    Parameters
    ----------
    keys
        Where the public keys come from (:class:`~smartlogistics.hub._keys.JwksFile`,
        :class:`~smartlogistics.hub._keys.JwksUrl`, :class:`StaticKeys`), or a sequence of
        :class:`PublicKey`.
    issuers
        The allow-list of ``iss`` values (exact match); empty accepts no token.
    audience
        Required ``aud`` value; ``None`` leaves ``aud`` unchecked.
    leeway_s
        Clock skew allowed on ``exp``, ``nbf`` and ``iat``.
    algorithms
        Accepted JWS algorithms; HMAC (``HS*``) and ``none`` are refused even if listed.

    Notes
    -----
    Checks run in this order, so only a token with a valid signature gets a claim-level
    reason: header (``alg``, ``kid``), key choice, signature, ``exp``/``nbf``/``iat``,
    ``iss``, ``aud``, ``logistics_agent_uri``. The header's ``jku``/``jwk``/``x5u``/``x5c``
    are ignored: keys come from configuration only. A token without ``kid`` is tried
    against every configured key that fits its algorithm.
    """

    def __init__(
        self,
        keys: KeySource | Sequence[PublicKey],
        *,
        issuers: Sequence[str],
        audience: str | None = None,
        leeway_s: float = 30,
        algorithms: Sequence[str] = ("RS256", "ES256"),
    ) -> None:
        bad = [a for a in algorithms if a.upper().startswith("HS") or a.lower() == "none"]
        if bad:
            raise InvalidInputError("algorithms", f"{bad[0]} is not allowed for verification")
        self._source: KeySource = StaticKeys(keys) if isinstance(keys, Sequence) else keys
        self.issuers = frozenset(issuers)
        self.audience = audience
        self.leeway_s = leeway_s
        self.algorithms = tuple(algorithms)

    def _header(self, token: str) -> tuple[str, str | None]:
        if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_CHARS:
            raise AuthError(AuthReason.MALFORMED_TOKEN)
        if token.count(".") != 2:
            raise AuthError(AuthReason.MALFORMED_TOKEN)
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise AuthError(AuthReason.MALFORMED_TOKEN) from None
        alg = header.get("alg")
        kid = header.get("kid")
        if not isinstance(alg, str) or not alg:
            raise AuthError(AuthReason.MALFORMED_TOKEN, "no 'alg' in the header")
        if kid is not None and not isinstance(kid, str):
            raise AuthError(AuthReason.MALFORMED_TOKEN, "'kid' must be a string")
        if "b64" in header or "crit" in header:
            raise AuthError(AuthReason.MALFORMED_TOKEN, "'b64' and 'crit' are not supported")
        if alg.lower() == "none":
            raise AuthError(AuthReason.ALG_NONE)
        if alg.upper().startswith("HS"):
            raise AuthError(AuthReason.ALG_SYMMETRIC)
        if alg not in self.algorithms:
            raise AuthError(AuthReason.ALG_NOT_ALLOWED, f"use one of {', '.join(self.algorithms)}")
        return alg, kid

    def _keys(self) -> Sequence[PublicKey]:
        try:
            return self._source.keys()
        except KeysUnavailableError:
            raise AuthError(AuthReason.KEYS_UNAVAILABLE) from None

    def _candidates(self, alg: str, kid: str | None) -> list[PublicKey]:
        if kid is None:
            fitting = [k for k in self._keys() if alg in k.algorithms]
            if not fitting:
                raise AuthError(AuthReason.ALG_KEY_MISMATCH)
            return fitting
        named = [k for k in self._keys() if k.kid == kid]
        if not named and self._source.refresh():
            named = [k for k in self._keys() if k.kid == kid]
        if not named:
            raise AuthError(AuthReason.UNKNOWN_KID)
        fitting = [k for k in named if alg in k.algorithms]
        if not fitting:
            raise AuthError(AuthReason.ALG_KEY_MISMATCH)
        return fitting

    def _decode(self, token: str, alg: str, key: PublicKey) -> dict[str, Any]:
        options: dict[str, Any] = {
            "require": ["exp"],
            "verify_aud": self.audience is not None,
            "verify_iss": False,  # checked below against the allow-list, with its own reason
            "enforce_minimum_key_length": True,
        }
        try:
            return jwt.decode(
                token,
                key.key,
                algorithms=[alg],
                options=options,  # type: ignore[arg-type]
                audience=self.audience,
                leeway=self.leeway_s,
            )
        except jwt.InvalidSignatureError:
            raise AuthError(AuthReason.BAD_SIGNATURE) from None
        except jwt.ExpiredSignatureError:
            raise AuthError(AuthReason.EXPIRED) from None
        except jwt.ImmatureSignatureError as exc:
            in_future = "(iat)" in str(exc)
            raise AuthError(
                AuthReason.ISSUED_IN_FUTURE if in_future else AuthReason.NOT_YET_VALID
            ) from None
        except jwt.MissingRequiredClaimError as exc:
            missing_exp = exc.claim == "exp"
            raise AuthError(
                AuthReason.MISSING_EXP if missing_exp else AuthReason.INVALID_AUDIENCE
            ) from None
        except jwt.InvalidAudienceError:
            raise AuthError(AuthReason.INVALID_AUDIENCE) from None
        except jwt.InvalidIssuedAtError:
            raise AuthError(AuthReason.INVALID_TIME_CLAIM) from None
        except jwt.DecodeError as exc:
            if "must be an integer" in str(exc):
                raise AuthError(AuthReason.INVALID_TIME_CLAIM) from None
            raise AuthError(AuthReason.MALFORMED_TOKEN) from None
        except jwt.InvalidAlgorithmError:
            raise AuthError(AuthReason.ALG_KEY_MISMATCH) from None
        except jwt.PyJWTError:
            raise AuthError(AuthReason.MALFORMED_TOKEN) from None

    def verify(self, token: str) -> Principal:
        """Verify ``token`` and return who it speaks for.

        Parameters
        ----------
        token
            The compact JWT (without the ``Bearer`` prefix).

        Returns
        -------
        Principal
            Agent URI, issuer, subject, expiry and the claims.

        Raises
        ------
        AuthError
            With the first failed check's :class:`AuthReason`.
        """
        alg, kid = self._header(token)
        claims: dict[str, Any] | None = None
        failure: AuthError | None = None
        for key in self._candidates(alg, kid):
            try:
                claims = self._decode(token, alg, key)
                break
            except AuthError as exc:
                failure = exc
                if exc.reason is not AuthReason.BAD_SIGNATURE:
                    break  # the signature verified; the claims are wrong
        if claims is None:
            assert failure is not None
            raise failure
        issuer = claims.get("iss")
        if issuer is None:
            raise AuthError(AuthReason.MISSING_ISS)
        if not isinstance(issuer, str) or issuer not in self.issuers:
            raise AuthError(AuthReason.ISSUER_NOT_ALLOWED)
        if claims.get(AGENT_CLAIM) is None:
            raise AuthError(AuthReason.MISSING_AGENT_URI)
        try:
            agent = check_agent_uri(claims[AGENT_CLAIM], AGENT_CLAIM)
        except InvalidInputError:
            raise AuthError(AuthReason.INVALID_AGENT_URI) from None
        try:
            expires_at = datetime.fromtimestamp(int(claims["exp"]), UTC)
        except (OverflowError, ValueError, OSError):  # beyond the year 9999
            raise AuthError(AuthReason.INVALID_TIME_CLAIM) from None
        subject = claims.get("sub")
        return Principal(
            agent_uri=agent,
            issuer=issuer,
            subject=subject if isinstance(subject, str) else None,
            expires_at=expires_at,
            claims=MappingProxyType(claims),
        )


class Authenticator:
    """Tell the HTTP layer who sent an ``Authorization`` header.

    Parameters
    ----------
    verifier
        The token verifier; ``None`` means authentication is disabled.
    dev_agent
        The agent every request is in development mode (required then).
    """

    def __init__(self, verifier: TokenVerifier | None, *, dev_agent: str | None = None) -> None:
        if verifier is None:
            agent = check_agent_uri(dev_agent, "auth_dev_agent")
            self._dev: Principal | None = Principal(agent, AUTH_DISABLED_ISSUER, None, None)
        else:
            self._dev = None
        self.verifier = verifier

    @classmethod
    def from_settings(cls, settings: Settings) -> Authenticator:
        """Build from ``auth``, ``auth_dev_agent`` and the ``oidc_*`` settings.

        Raises
        ------
        InvalidInputError
            When ``auth`` is ``oidc`` and ``oidc_jwks`` is unset or unusable, or the
            development agent is not an absolute http(s) URI.
        """
        if settings.auth == "disabled":
            log.warning(
                "authentication is DISABLED: every request acts as %s", settings.auth_dev_agent
            )
            return cls(None, dev_agent=settings.auth_dev_agent)
        if not settings.oidc_jwks:
            raise InvalidInputError(
                "oidc_jwks",
                "no verification keys configured: set SMARTLOGISTICS_OIDC_JWKS to a JWKS/PEM "
                "file or an https JWKS URL (or SMARTLOGISTICS_AUTH=disabled on loopback)",
            )
        source = load_key_source(settings.oidc_jwks)
        verifier = TokenVerifier(
            source,
            issuers=settings.oidc_issuers,
            audience=settings.oidc_audience,
            leeway_s=settings.oidc_leeway_s,
        )
        return cls(verifier)

    @property
    def disabled(self) -> bool:
        """Whether authentication is disabled (development mode)."""
        return self._dev is not None

    def authenticate(self, authorization: str | None) -> Principal:
        """Return the principal of a request from its ``Authorization`` header value.

        In development mode the header is ignored (not even parsed) and the development
        agent is returned.

        Raises
        ------
        AuthError
            When the header is missing or malformed or the token does not verify.
        """
        if self._dev is not None:
            return self._dev
        assert self.verifier is not None
        return self.verifier.verify(bearer_token(authorization))


def check_bind_allowed(settings: Settings, host: str) -> None:
    """Refuse to serve with authentication disabled on anything but a loopback address.

    Parameters
    ----------
    settings
        The settings (``auth``).
    host
        The address the server is about to bind to.

    Raises
    ------
    InvalidInputError
        Naming ``host`` when ``auth`` is ``disabled`` and ``host`` is not 127.0.0.0/8,
        ``::1`` or ``localhost``.
    """
    if settings.auth == "disabled" and not is_loopback_host(host):
        raise InvalidInputError(
            "host",
            f"authentication is disabled (SMARTLOGISTICS_AUTH=disabled), so the hub binds "
            f"only to a loopback address (127.0.0.1, ::1, localhost), not {host!r}",
        )


def mint_token(
    agent_uri: str,
    *,
    ttl_s: int = 3600,
    issuer: str = DEV_ISSUER,
    key: DevSigningKey | None = None,
    subject: str | None = None,
    audience: str | None = None,
    now: float | None = None,
) -> str:
    """Mint a development ID token signed with the development key (ES256).

    Parameters
    ----------
    agent_uri
        The ``logistics_agent_uri`` (absolute http(s) URI).
    ttl_s
        Lifetime in seconds (> 0).
    issuer
        The ``iss``; the verifying server must have it in ``oidc_issuers``.
    key
        The signing key; default :func:`dev_signing_key` of :func:`get_settings`.
    subject
        The ``sub``; default the agent URI.
    audience
        An ``aud`` to include, if any.
    now
        Issue time (POSIX seconds); default the current time.

    Returns
    -------
    str
        The compact JWT, with ``iss``, ``sub``, ``iat``, ``exp``, ``logistics_agent_uri`` and
        ``kid``/``typ``/``alg`` in its header.

    Raises
    ------
    InvalidInputError
        For a bad agent URI (field ``agent``) or a non-positive ``ttl_s``.
    """
    agent = check_agent_uri(agent_uri, "agent")
    if isinstance(ttl_s, bool) or not isinstance(ttl_s, int) or ttl_s <= 0:
        raise InvalidInputError("ttl", f"must be a positive number of seconds, got {ttl_s!r}")
    if key is None:
        from smartlogistics.config import get_settings

        key = dev_signing_key(get_settings())
    issued = int(time.time() if now is None else now)
    claims: dict[str, Any] = {
        "iss": issuer,
        "sub": subject or agent,
        "iat": issued,
        "exp": issued + ttl_s,
        AGENT_CLAIM: agent,
    }
    if audience is not None:
        claims["aud"] = audience
    return jwt.encode(
        claims, key.private_key, algorithm="ES256", headers={"kid": key.kid, "typ": "JWT"}
    )
