"""Hub authentication: token verification, key sources, development mode and keys."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import stat
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from smartlogistics.config import Settings
from smartlogistics.errors import InvalidInputError
from smartlogistics.hub._keys import (
    JwksFile,
    JwksUrl,
    PublicKey,
    StaticKeys,
    jwk_thumbprint,
    load_key_source,
    load_pem_public_keys,
    parse_jwks,
    public_jwk,
)
from smartlogistics.hub.security import (
    DEV_ISSUER,
    Authenticator,
    AuthError,
    AuthReason,
    TokenVerifier,
    bearer_token,
    check_bind_allowed,
    dev_signing_key,
    mint_token,
    www_authenticate,
)

ISSUER = "https://idp.example.com"
AGENT = "https://1r.example.com/logistics-objects/957e2622-9d31-493b-8b8f-3c805064dbda"

RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
EC_KEY = ec.generate_private_key(ec.SECP256R1())
OTHER_EC_KEY = ec.generate_private_key(ec.SECP256R1())


def _pem(key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey) -> bytes:
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _jwk(key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey, kid: str) -> dict[str, str]:
    return {**public_jwk(key.public_key()), "kid": kid, "use": "sig"}


def _jwks(*pairs: tuple[rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey, str]) -> dict[str, Any]:
    return {"keys": [_jwk(key, kid) for key, kid in pairs]}


def _claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": ISSUER,
        "sub": "client-42",
        "iat": now,
        "exp": now + 600,
        "logistics_agent_uri": AGENT,
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def _token(
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey | None = None,
    kid: str | None = "ec-1",
    alg: str = "ES256",
    **claims: Any,
) -> str:
    headers = {"kid": kid} if kid is not None else {}
    return jwt.encode(_claims(**claims), key or EC_KEY, algorithm=alg, headers=headers)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _hand_made(header: dict[str, Any], claims: dict[str, Any], secret: bytes | None) -> str:
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
    if secret is None:
        return signing_input + "."
    mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(mac)}"


@pytest.fixture
def verifier() -> TokenVerifier:
    keys = parse_jwks(_jwks((EC_KEY, "ec-1"), (RSA_KEY, "rsa-1")))
    return TokenVerifier(keys, issuers=[ISSUER])


def _reason(verifier: TokenVerifier, token: str) -> AuthReason:
    with pytest.raises(AuthError) as caught:
        verifier.verify(token)
    assert not token or token not in str(caught.value)
    return caught.value.reason


# --- valid tokens ----------------------------------------------------------------------


def test_valid_es256_token_gives_its_principal(verifier: TokenVerifier) -> None:
    token = _token(EC_KEY, "ec-1", "ES256")
    principal = verifier.verify(token)
    assert principal.agent_uri == AGENT
    assert principal.issuer == ISSUER
    assert principal.subject == "client-42"
    assert principal.expires_at is not None
    assert (
        principal.expires_at.timestamp()
        == jwt.decode(token, options={"verify_signature": False})["exp"]
    )
    assert principal.claims["logistics_agent_uri"] == AGENT


def test_valid_rs256_token_verifies(verifier: TokenVerifier) -> None:
    assert verifier.verify(_token(RSA_KEY, "rsa-1", "RS256")).agent_uri == AGENT


def test_token_without_kid_is_tried_against_the_keys_of_its_type(verifier: TokenVerifier) -> None:
    assert verifier.verify(_token(RSA_KEY, None, "RS256")).agent_uri == AGENT
    assert _reason(verifier, _token(OTHER_EC_KEY, None, "ES256")) is AuthReason.BAD_SIGNATURE


def test_pem_public_keys_verify() -> None:
    keys = load_pem_public_keys((_pem(RSA_KEY) + _pem(EC_KEY)).decode())
    verifier = TokenVerifier(keys, issuers=[ISSUER])
    assert verifier.verify(_token(RSA_KEY, None, "RS256")).agent_uri == AGENT
    thumb = jwk_thumbprint(EC_KEY.public_key())
    assert verifier.verify(_token(EC_KEY, thumb, "ES256")).agent_uri == AGENT


def test_audience_is_checked_when_configured() -> None:
    keys = parse_jwks(_jwks((EC_KEY, "ec-1")))
    verifier = TokenVerifier(keys, issuers=[ISSUER], audience="https://hub.example.com")
    assert verifier.verify(_token(aud="https://hub.example.com")).agent_uri == AGENT
    assert _reason(verifier, _token(aud="https://other.example.com")) is AuthReason.INVALID_AUDIENCE
    assert _reason(verifier, _token()) is AuthReason.INVALID_AUDIENCE


def test_leeway_accepts_small_clock_skew(verifier: TokenVerifier) -> None:
    now = int(time.time())
    assert verifier.verify(_token(exp=now - 10)).agent_uri == AGENT
    assert verifier.verify(_token(nbf=now + 10, iat=now + 10)).agent_uri == AGENT


# --- rejections, each with its reason ---------------------------------------------------


def test_alg_none_is_rejected(verifier: TokenVerifier) -> None:
    token = _hand_made({"alg": "none", "typ": "JWT", "kid": "ec-1"}, _claims(), None)
    assert _reason(verifier, token) is AuthReason.ALG_NONE
    token = _hand_made({"alg": "None", "typ": "JWT"}, _claims(), None)
    assert _reason(verifier, token) is AuthReason.ALG_NONE


def test_hs256_signed_with_the_public_key_is_rejected(verifier: TokenVerifier) -> None:
    for secret in (_pem(RSA_KEY), _pem(EC_KEY)):
        token = _hand_made({"alg": "HS256", "typ": "JWT", "kid": "rsa-1"}, _claims(), secret)
        assert _reason(verifier, token) is AuthReason.ALG_SYMMETRIC


def test_hs_algorithms_cannot_be_configured() -> None:
    with pytest.raises(InvalidInputError, match="algorithms"):
        TokenVerifier([], issuers=[ISSUER], algorithms=("RS256", "HS256"))


def test_other_algorithms_are_not_allowed(verifier: TokenVerifier) -> None:
    token = _token(RSA_KEY, "rsa-1", "RS512")
    assert _reason(verifier, token) is AuthReason.ALG_NOT_ALLOWED


def test_expired_token(verifier: TokenVerifier) -> None:
    assert _reason(verifier, _token(exp=int(time.time()) - 31)) is AuthReason.EXPIRED


def test_not_yet_valid_token(verifier: TokenVerifier) -> None:
    assert _reason(verifier, _token(nbf=int(time.time()) + 120)) is AuthReason.NOT_YET_VALID


def test_token_issued_in_the_future(verifier: TokenVerifier) -> None:
    assert _reason(verifier, _token(iat=int(time.time()) + 120)) is AuthReason.ISSUED_IN_FUTURE


def test_exp_is_required_and_numeric(verifier: TokenVerifier) -> None:
    token = _token(exp=None)
    assert _reason(verifier, token) is AuthReason.MISSING_EXP
    # the specification's example writes exp as a date string; RFC 7519 wants seconds
    token = _token(exp="2023-03-031T10:38:01.000Z")
    assert _reason(verifier, token) is AuthReason.INVALID_TIME_CLAIM
    assert _reason(verifier, _token(exp=10**20)) is AuthReason.INVALID_TIME_CLAIM
    assert _reason(verifier, _token(iat="yesterday")) is AuthReason.INVALID_TIME_CLAIM
    assert _reason(verifier, _token(nbf=[1])) is AuthReason.INVALID_TIME_CLAIM


def test_wrong_or_missing_issuer(verifier: TokenVerifier) -> None:
    assert (
        _reason(verifier, _token(iss="https://evil.example.com")) is AuthReason.ISSUER_NOT_ALLOWED
    )
    assert _reason(verifier, _token(iss=ISSUER + "/")) is AuthReason.ISSUER_NOT_ALLOWED
    assert _reason(verifier, _token(iss=None)) is AuthReason.MISSING_ISS


def test_missing_logistics_agent_uri(verifier: TokenVerifier) -> None:
    token = _token(logistics_agent_uri=None)
    assert _reason(verifier, token) is AuthReason.MISSING_AGENT_URI


@pytest.mark.parametrize(
    "agent",
    [
        "urn:example:agent",
        "/logistics-objects/abc",
        "ftp://1r.example.com/agent",
        "https://",
        "https://user:pw@1r.example.com/agent",
        "https://1r.example.com/a b",
        "https://1r.example.com/agent#x",
        42,
        ["https://1r.example.com/agent"],
        "",
    ],
)
def test_invalid_logistics_agent_uri(verifier: TokenVerifier, agent: Any) -> None:
    assert _reason(verifier, _token(logistics_agent_uri=agent)) is AuthReason.INVALID_AGENT_URI


def test_unknown_kid(verifier: TokenVerifier) -> None:
    assert _reason(verifier, _token(EC_KEY, "ec-9")) is AuthReason.UNKNOWN_KID


def test_alg_that_does_not_fit_the_key(verifier: TokenVerifier) -> None:
    # an RS256 token naming the EC key's kid
    assert _reason(verifier, _token(RSA_KEY, "ec-1", "RS256")) is AuthReason.ALG_KEY_MISMATCH
    ec_only = TokenVerifier(parse_jwks(_jwks((EC_KEY, "ec-1"))), issuers=[ISSUER])
    assert _reason(ec_only, _token(RSA_KEY, None, "RS256")) is AuthReason.ALG_KEY_MISMATCH


def test_tampered_signature(verifier: TokenVerifier) -> None:
    header, payload, signature = _token().split(".")
    middle = len(signature) // 2
    flipped = (
        signature[:middle] + ("A" if signature[middle] != "A" else "B") + signature[middle + 1 :]
    )
    assert _reason(verifier, f"{header}.{payload}.{flipped}") is AuthReason.BAD_SIGNATURE
    forged = _b64(json.dumps(_claims(logistics_agent_uri="https://evil.example.com/a")).encode())
    assert _reason(verifier, f"{header}.{forged}.{signature}") is AuthReason.BAD_SIGNATURE
    other = _token(OTHER_EC_KEY, "ec-1")
    assert _reason(verifier, other) is AuthReason.BAD_SIGNATURE


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        "garbage",
        "a.b",
        "a.b.c",
        "a.b.c.d",
        "!!!.???.###",
        _b64(b"[1,2]") + "." + _b64(b"{}") + ".",
        jwt.api_jws.encode(b"not json", EC_KEY, algorithm="ES256", headers={"kid": "ec-1"}),
        jwt.api_jws.encode(b"[1, 2]", EC_KEY, algorithm="ES256", headers={"kid": "ec-1"}),
        _b64(b'{"kid":"ec-1"}') + "." + _b64(b"{}") + ".c2ln",
        _b64(b'{"alg":"ES256","kid":7}') + "." + _b64(b"{}") + ".c2ln",
        "x" * 20000,
    ],
)
def test_garbage_is_a_malformed_token(verifier: TokenVerifier, garbage: str) -> None:
    assert _reason(verifier, garbage) is AuthReason.MALFORMED_TOKEN


def test_the_signature_is_checked_before_the_payload(verifier: TokenVerifier) -> None:
    header = _b64(b'{"alg":"ES256","kid":"ec-1"}')
    assert _reason(verifier, f"{header}.{_b64(b'not json')}.c2ln") is AuthReason.BAD_SIGNATURE


def test_embedded_keys_in_the_header_are_ignored(verifier: TokenVerifier) -> None:
    attacker = ec.generate_private_key(ec.SECP256R1())
    token = jwt.encode(
        _claims(),
        attacker,
        algorithm="ES256",
        headers={"kid": "ec-1", "jwk": public_jwk(attacker.public_key()), "jku": "http://x/"},
    )
    assert _reason(verifier, token) is AuthReason.BAD_SIGNATURE


def test_every_reason_has_a_distinct_message() -> None:
    messages = {AuthError(reason).description for reason in AuthReason}
    assert len(messages) == len(AuthReason)


# --- bearer header and WWW-Authenticate --------------------------------------------------


def test_bearer_token_parsing() -> None:
    assert bearer_token("Bearer abc.def.ghi") == "abc.def.ghi"
    assert bearer_token("bearer  abc.def.ghi ") == "abc.def.ghi"
    for missing in (None, "", "   "):
        with pytest.raises(AuthError) as caught:
            bearer_token(missing)
        assert caught.value.reason is AuthReason.MISSING_TOKEN
    for bad in ("Basic dXNlcjpwdw==", "Bearer", "Bearer a b", "abc.def.ghi"):
        with pytest.raises(AuthError) as caught:
            bearer_token(bad)
        assert caught.value.reason is AuthReason.INVALID_AUTHORIZATION_HEADER


def test_www_authenticate_header() -> None:
    assert www_authenticate() == 'Bearer realm="smartlogistics-hub"'
    assert (
        www_authenticate(AuthError(AuthReason.MISSING_TOKEN)) == 'Bearer realm="smartlogistics-hub"'
    )
    assert www_authenticate(AuthError(AuthReason.EXPIRED)) == (
        'Bearer realm="smartlogistics-hub", error="invalid_token", '
        'error_description="the token has expired"'
    )
    header = www_authenticate(AuthError(AuthReason.INVALID_AUTHORIZATION_HEADER), realm="hub")
    assert header.startswith('Bearer realm="hub", error="invalid_request", ')
    header = www_authenticate(AuthError(AuthReason.EXPIRED, 'a "quoted"\\ \n value'))
    assert header.endswith('error_description="the token has expired: a quoted  value"')
    assert AuthError(AuthReason.EXPIRED).status == 401
    assert AuthError(AuthReason.KEYS_UNAVAILABLE).status == 503


# --- key sources -------------------------------------------------------------------------


def test_jwks_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps(_jwks((EC_KEY, "ec-1"))))
    source = load_key_source(str(path))
    assert isinstance(source, JwksFile)
    verifier = TokenVerifier(source, issuers=[ISSUER])
    assert verifier.verify(_token()).agent_uri == AGENT
    # rotation: the file is rewritten; an unknown kid reloads it
    path.write_text(json.dumps(_jwks((OTHER_EC_KEY, "ec-2"))))
    os.utime(path, ns=(time.time_ns(), time.time_ns() + 1_000_000_000))
    assert verifier.verify(_token(OTHER_EC_KEY, "ec-2")).agent_uri == AGENT


def test_pem_file_as_key_source(tmp_path: Path) -> None:
    path = tmp_path / "idp.pem"
    path.write_bytes(_pem(RSA_KEY))
    verifier = TokenVerifier(load_key_source(str(path)), issuers=[ISSUER])
    assert verifier.verify(_token(RSA_KEY, None, "RS256")).agent_uri == AGENT


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        ([], "not a JWK Set"),
        ({"keys": [{"kty": "oct", "k": "c2VjcmV0"}]}, "unsupported key type 'oct'"),
        ({"keys": [_jwk(rsa.generate_private_key(65537, 1024), "small")]}, "RSA key of 1024"),
        ({"keys": [{**_jwk(EC_KEY, "a"), "alg": "RS256"}]}, "does not fit"),
        ({"keys": [_jwk(EC_KEY, "a"), _jwk(RSA_KEY, "a")]}, "duplicate key id"),
        ({"keys": [{**_jwk(EC_KEY, "a"), "d": "AAAA"}]}, "private key material"),
        ({"keys": [{"kty": "EC", "crv": "P-256", "x": "AA", "y": "AA"}]}, "not a valid EC key"),
    ],
)
def test_bad_jwks_documents_are_refused(document: object, problem: str) -> None:
    with pytest.raises(InvalidInputError, match=problem):
        parse_jwks(document)


def test_jwks_keys_for_encryption_are_skipped() -> None:
    keys = parse_jwks({"keys": [{**_jwk(EC_KEY, "enc"), "use": "enc"}, _jwk(EC_KEY, "sig")]})
    assert [k.kid for k in keys] == ["sig"]


def test_key_source_setting_must_be_https_or_a_file() -> None:
    for bad in ("http://idp.example.com/jwks.json", "ftp://idp/jwks", "https://u:p@idp/jwks"):
        with pytest.raises(InvalidInputError, match="oidc_jwks"):
            load_key_source(bad)


class _JwksServer:
    """A JWKS endpoint on 127.0.0.1 that counts its requests."""

    def __init__(self) -> None:
        self.document: dict[str, Any] = _jwks((EC_KEY, "ec-1"))
        self.requests: list[str] = []
        self.status = 200
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.requests.append(self.path)
                if self.path == "/redirect":
                    self.send_response(302)
                    self.send_header("Location", f"http://127.0.0.1:{outer.port}/jwks")
                    self.end_headers()
                    return
                body = json.dumps(outer.document).encode()
                self.send_response(outer.status)
                self.send_header("Content-Type", "application/jwk-set+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str = "/jwks") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def jwks_server() -> Iterator[_JwksServer]:
    server = _JwksServer()
    yield server
    server.close()


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_jwks_url_with_kid_rotation_and_refetch_rate_limit(jwks_server: _JwksServer) -> None:
    clock = _Clock()
    source = JwksUrl(jwks_server.url(), ttl_s=300, min_refetch_s=60, clock=clock)
    verifier = TokenVerifier(source, issuers=[ISSUER])
    assert jwks_server.requests == []  # fetched lazily
    assert verifier.verify(_token()).agent_uri == AGENT
    assert len(jwks_server.requests) == 1
    verifier.verify(_token())
    assert len(jwks_server.requests) == 1  # cached

    # the IdP rotates to a new key; under a minute after the last fetch an unknown kid does
    # not refetch, so the new kid stays unknown until the minute is over
    jwks_server.document = _jwks((OTHER_EC_KEY, "ec-2"))
    clock.now += 30
    assert _reason(verifier, _token(OTHER_EC_KEY, "ec-2")) is AuthReason.UNKNOWN_KID
    assert len(jwks_server.requests) == 1
    clock.now += 31  # 61 s after the fetch: one refetch, the new kid verifies
    assert verifier.verify(_token(OTHER_EC_KEY, "ec-2")).agent_uri == AGENT
    assert len(jwks_server.requests) == 2
    # an attacker's random kids cause no more than one fetch a minute
    for n in range(5):
        assert _reason(verifier, _token(EC_KEY, f"x-{n}")) is AuthReason.UNKNOWN_KID
    assert len(jwks_server.requests) == 2
    clock.now += 60
    assert _reason(verifier, _token(EC_KEY, "x-9")) is AuthReason.UNKNOWN_KID
    assert len(jwks_server.requests) == 3
    assert _reason(verifier, _token(EC_KEY, "ec-1")) is AuthReason.UNKNOWN_KID  # rotated out


def test_jwks_url_ttl_and_failure_keeps_the_old_keys(jwks_server: _JwksServer) -> None:
    clock = _Clock()
    source = JwksUrl(jwks_server.url(), ttl_s=300, min_refetch_s=60, clock=clock)
    verifier = TokenVerifier(source, issuers=[ISSUER])
    verifier.verify(_token())
    clock.now += 301
    verifier.verify(_token())
    assert len(jwks_server.requests) == 2  # TTL expired: fetched again
    jwks_server.status = 500
    clock.now += 301
    assert verifier.verify(_token()).agent_uri == AGENT  # stale keys serve
    assert len(jwks_server.requests) == 3
    verifier.verify(_token())
    assert len(jwks_server.requests) == 3  # a failing IdP is not hammered


def test_jwks_url_refuses_redirects(jwks_server: _JwksServer) -> None:
    verifier = TokenVerifier(JwksUrl(jwks_server.url("/redirect")), issuers=[ISSUER])
    assert _reason(verifier, _token()) is AuthReason.KEYS_UNAVAILABLE
    assert jwks_server.requests == ["/redirect"]  # the Location was not followed


def test_unreachable_jwks_url_means_keys_unavailable(jwks_server: _JwksServer) -> None:
    url = jwks_server.url()
    jwks_server.close()
    verifier = TokenVerifier(JwksUrl(url, timeout_s=1), issuers=[ISSUER])
    assert _reason(verifier, _token()) is AuthReason.KEYS_UNAVAILABLE


# --- development mode and bind check -----------------------------------------------------


def _settings(tmp_path: Path, **values: Any) -> Settings:
    return Settings(_env_file=None, var_dir=tmp_path / "var", **values)


def test_disabled_auth_ignores_the_authorization_header(tmp_path: Path) -> None:
    settings = _settings(tmp_path, auth="disabled", auth_dev_agent=AGENT)
    auth = Authenticator.from_settings(settings)
    assert auth.disabled
    for header in (None, "", "Bearer garbage", "Basic xyz", f"Bearer {_token(iss='evil')}"):
        principal = auth.authenticate(header)
        assert principal.agent_uri == AGENT
        assert principal.expires_at is None


def test_disabled_auth_needs_a_valid_dev_agent(tmp_path: Path) -> None:
    settings = _settings(tmp_path, auth="disabled", auth_dev_agent="not a uri")
    with pytest.raises(InvalidInputError, match="auth_dev_agent"):
        Authenticator.from_settings(settings)


def test_oidc_auth_needs_keys(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="oidc_jwks"):
        Authenticator.from_settings(_settings(tmp_path))


def test_oidc_authenticator_from_settings(tmp_path: Path) -> None:
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps(_jwks((EC_KEY, "ec-1"))))
    settings = _settings(tmp_path, oidc_jwks=str(path), oidc_issuers=[ISSUER])
    auth = Authenticator.from_settings(settings)
    assert not auth.disabled
    assert auth.authenticate(f"Bearer {_token()}").agent_uri == AGENT
    with pytest.raises(AuthError) as caught:
        auth.authenticate(None)
    assert caught.value.reason is AuthReason.MISSING_TOKEN


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "", "192.168.1.10", "8.8.8.8", "example.com"])
def test_disabled_auth_refuses_non_loopback_binds(tmp_path: Path, host: str) -> None:
    settings = _settings(tmp_path, auth="disabled")
    with pytest.raises(InvalidInputError, match="loopback") as caught:
        check_bind_allowed(settings, host)
    assert caught.value.field == "host"


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1", "127.8.9.10", "::1", "[::1]", "localhost", "LOCALHOST", "::ffff:127.0.0.1"],
)
def test_disabled_auth_allows_loopback_binds(tmp_path: Path, host: str) -> None:
    check_bind_allowed(_settings(tmp_path, auth="disabled"), host)


def test_oidc_auth_binds_anywhere(tmp_path: Path) -> None:
    check_bind_allowed(_settings(tmp_path), "0.0.0.0")


# --- development signing key and minting -------------------------------------------------


def test_dev_key_is_created_once_with_mode_0600(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    key = dev_signing_key(settings)
    assert key.path == tmp_path / "var" / "hub" / "dev-signing-key.pem"
    assert stat.S_IMODE(key.path.stat().st_mode) == 0o600
    assert key.jwks_path == key.path.with_name("dev-signing-key.jwks.json")
    again = dev_signing_key(settings)
    assert again.kid == key.kid
    assert again.path.read_bytes() == key.path.read_bytes()
    document = json.loads(key.jwks_path.read_text())
    assert document["keys"][0]["kid"] == key.kid
    assert document["keys"][0]["alg"] == "ES256"
    assert "d" not in document["keys"][0]


def test_dev_key_with_open_permissions_is_refused(tmp_path: Path) -> None:
    settings = _settings(tmp_path, dev_key_path=tmp_path / "k.pem")
    key = dev_signing_key(settings)
    key.path.chmod(0o644)
    with pytest.raises(InvalidInputError, match="0600"):
        dev_signing_key(settings)


def test_minted_tokens_verify_with_the_dev_jwks(tmp_path: Path) -> None:
    key = dev_signing_key(_settings(tmp_path))
    token = mint_token(AGENT, ttl_s=120, key=key, now=time.time())
    header = jwt.get_unverified_header(token)
    assert header == {"alg": "ES256", "kid": key.kid, "typ": "JWT"}
    claims = jwt.decode(token, options={"verify_signature": False})
    assert set(claims) == {"iss", "sub", "iat", "exp", "logistics_agent_uri"}
    assert claims["exp"] - claims["iat"] == 120
    assert claims["iss"] == DEV_ISSUER
    verifier = TokenVerifier(JwksFile(key.jwks_path), issuers=[DEV_ISSUER])
    principal = verifier.verify(token)
    assert principal.agent_uri == AGENT
    assert principal.subject == AGENT


def test_minting_refuses_bad_input(tmp_path: Path) -> None:
    key = dev_signing_key(_settings(tmp_path))
    with pytest.raises(InvalidInputError, match="agent"):
        mint_token("not-a-uri", key=key)
    with pytest.raises(InvalidInputError, match="ttl"):
        mint_token(AGENT, ttl_s=0, key=key)


def test_static_keys_and_public_key_values() -> None:
    key = PublicKey("k", EC_KEY.public_key(), frozenset({"ES256"}))
    source = StaticKeys([key])
    assert source.keys() == (key,)
    assert source.refresh() is False


# --- settings ----------------------------------------------------------------------------


def test_auth_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMARTLOGISTICS_AUTH", "disabled")
    monkeypatch.setenv(
        "SMARTLOGISTICS_OIDC_ISSUERS", "https://a.example.com, https://b.example.com"
    )
    monkeypatch.setenv("SMARTLOGISTICS_OIDC_JWKS", "https://a.example.com/jwks.json")
    settings = Settings(_env_file=None)
    assert settings.auth == "disabled"
    assert settings.oidc_issuers == ["https://a.example.com", "https://b.example.com"]
    assert settings.oidc_jwks == "https://a.example.com/jwks.json"
    monkeypatch.setenv("SMARTLOGISTICS_OIDC_ISSUERS", '["https://c.example.com"]')
    assert Settings(_env_file=None).oidc_issuers == ["https://c.example.com"]
    monkeypatch.setenv("SMARTLOGISTICS_AUTH", "off")
    with pytest.raises(ValueError, match="auth"):
        Settings(_env_file=None)


def test_auth_settings_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AUTH", "OIDC_ISSUERS", "OIDC_JWKS", "OIDC_AUDIENCE", "DEV_KEY_PATH"):
        monkeypatch.delenv(f"SMARTLOGISTICS_{name}", raising=False)
    settings = Settings(_env_file=None)
    assert settings.auth == "oidc"
    assert settings.oidc_issuers == []
    assert settings.oidc_jwks is None
    assert settings.oidc_audience is None
    assert settings.oidc_leeway_s == 30
    assert settings.dev_key_path is None
