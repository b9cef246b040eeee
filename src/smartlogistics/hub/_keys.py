"""Public keys the hub verifies tokens with, and the development signing key.

Keys come only from configuration, never from a token: a JWKS file, a JWKS URL (fetched
with a timeout, no redirects, cached with a TTL and refetched on an unknown ``kid`` at most
once per minute) or PEM public keys. The token's ``jku``, ``jwk``, ``x5u`` and ``x5c``
headers are never used.

The development signing key is an EC P-256 (ES256) private key kept in a file of mode 0600
under ``var_dir``; its public half is written next to it as a JWKS so a development server
can verify the tokens ``smartlogistics hub token`` mints.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import ipaddress
import json
import logging
import os
import stat
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Protocol, TypeAlias
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from jwt.algorithms import ECAlgorithm, OKPAlgorithm, RSAAlgorithm

from smartlogistics.config import Settings
from smartlogistics.errors import InvalidInputError

__all__ = [
    "DevSigningKey",
    "JwksFile",
    "JwksUrl",
    "KeySource",
    "KeysUnavailableError",
    "PublicKey",
    "StaticKeys",
    "dev_key_paths",
    "dev_signing_key",
    "is_loopback_host",
    "load_key_source",
    "load_pem_public_keys",
    "parse_jwks",
]

log = logging.getLogger("smartlogistics.hub.security")

VerifyingKey: TypeAlias = rsa.RSAPublicKey | ec.EllipticCurvePublicKey | ed25519.Ed25519PublicKey

MIN_RSA_BITS = 2048
MAX_JWKS_BYTES = 1024 * 1024
_CURVE_ALGORITHMS = {"secp256r1": "ES256", "secp384r1": "ES384", "secp521r1": "ES512"}
_RSA_ALGORITHMS = frozenset({"RS256", "RS384", "RS512", "PS256", "PS384", "PS512"})


@dataclass(frozen=True)
class PublicKey:
    """One verification key.

    Attributes
    ----------
    kid
        Key id (``kid``), or ``None`` for a key that has none (a PEM file's key).
    key
        The public key.
    algorithms
        The JWS algorithms this key may verify: what its type allows, narrowed to the
        JWK's ``alg`` when it names one.
    """

    kid: str | None
    key: VerifyingKey
    algorithms: frozenset[str]


class KeySource(Protocol):
    """Where a :class:`~smartlogistics.hub.security.TokenVerifier` gets its keys."""

    def keys(self) -> Sequence[PublicKey]:
        """Return the current keys (may fetch or reload when the cache is stale)."""
        ...

    def refresh(self) -> bool:
        """Reload the keys after an unknown ``kid``; ``True`` if anything was reloaded."""
        ...


def _algorithms_for(key: VerifyingKey) -> frozenset[str]:
    if isinstance(key, rsa.RSAPublicKey):
        return _RSA_ALGORITHMS
    if isinstance(key, ec.EllipticCurvePublicKey):
        alg = _CURVE_ALGORITHMS.get(key.curve.name)
        return frozenset({alg}) if alg else frozenset()
    return frozenset({"EdDSA"})


def _public_key(key: object, field: str) -> VerifyingKey:
    """Check a loaded key: public, of a supported type, RSA at least 2048 bits."""
    if isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey):
        raise InvalidInputError(field, "contains private key material; give the public key only")
    if isinstance(key, rsa.RSAPublicKey):
        if key.key_size < MIN_RSA_BITS:
            raise InvalidInputError(
                field, f"RSA key of {key.key_size} bits; at least {MIN_RSA_BITS} are required"
            )
        return key
    if isinstance(key, ec.EllipticCurvePublicKey):
        if key.curve.name not in _CURVE_ALGORITHMS:
            raise InvalidInputError(field, f"unsupported elliptic curve {key.curve.name}")
        return key
    if isinstance(key, ed25519.Ed25519PublicKey):
        return key
    raise InvalidInputError(field, "unsupported key type (RSA, EC or Ed25519 public keys only)")


def parse_jwks(document: object, field: str = "jwks") -> tuple[PublicKey, ...]:
    """Parse a JWK Set (RFC 7517) into verification keys.

    Keys whose ``use`` is not ``sig`` are skipped; symmetric (``oct``) keys, private keys,
    RSA keys under 2048 bits and unknown key types are refused.

    Parameters
    ----------
    document
        The decoded JSON: an object with a ``keys`` array.
    field
        Name of the source in error messages (a setting or a file name).

    Returns
    -------
    tuple of PublicKey
        The signing keys, in document order.

    Raises
    ------
    InvalidInputError
        When the document or one of its keys is unusable, naming ``keys[i]``.
    """
    if not isinstance(document, Mapping) or not isinstance(document.get("keys"), list):
        raise InvalidInputError(field, "not a JWK Set (a JSON object with a 'keys' array)")
    found: list[PublicKey] = []
    kids: set[str] = set()
    for index, jwk in enumerate(document["keys"]):
        where = f"{field}.keys[{index}]"
        if not isinstance(jwk, Mapping):
            raise InvalidInputError(where, "not a JSON object")
        if jwk.get("use", "sig") != "sig":
            continue
        kty = jwk.get("kty")
        kid = jwk.get("kid")
        if kid is not None and not isinstance(kid, str):
            raise InvalidInputError(f"{where}.kid", "must be a string")
        if "d" in jwk:
            raise InvalidInputError(where, "contains private key material; publish public keys")
        loaders: dict[str, Callable[[str], object]] = {
            "RSA": RSAAlgorithm.from_jwk,
            "EC": ECAlgorithm.from_jwk,
            "OKP": OKPAlgorithm.from_jwk,
        }
        loader = loaders.get(kty) if isinstance(kty, str) else None
        if loader is None:
            raise InvalidInputError(f"{where}.kty", f"unsupported key type {kty!r}")
        try:
            loaded = loader(json.dumps(dict(jwk)))
        except Exception as exc:  # PyJWT raises several types; its messages echo the key
            raise InvalidInputError(where, f"not a valid {kty} key") from exc
        key = _public_key(loaded, where)
        algorithms = _algorithms_for(key)
        alg = jwk.get("alg")
        if alg is not None:
            if alg not in algorithms:
                raise InvalidInputError(f"{where}.alg", f"{alg!r} does not fit a {kty} key")
            algorithms = frozenset({alg})
        if kid is not None:
            if kid in kids:
                raise InvalidInputError(f"{where}.kid", f"duplicate key id {kid!r}")
            kids.add(kid)
        found.append(PublicKey(kid=kid, key=key, algorithms=algorithms))
    return tuple(found)


def load_pem_public_keys(text: str, field: str = "pem") -> tuple[PublicKey, ...]:
    """Load one or more PEM public keys (``-----BEGIN PUBLIC KEY-----`` blocks).

    Each key gets its RFC 7638 thumbprint as ``kid``, so a token may name it by that, but
    a token without ``kid`` is tried against every key of the fitting type too.
    """
    blocks: list[str] = []
    current: list[str] = []
    for line in text.splitlines():
        if line.startswith("-----BEGIN"):
            current = [line]
        elif current:
            current.append(line)
            if line.startswith("-----END"):
                blocks.append("\n".join(current) + "\n")
                current = []
    if not blocks:
        raise InvalidInputError(field, "no PEM public key found")
    keys: list[PublicKey] = []
    for index, block in enumerate(blocks):
        where = f"{field}[{index}]" if len(blocks) > 1 else field
        if "PRIVATE KEY" in block.splitlines()[0]:
            raise InvalidInputError(where, "contains private key material; give the public key")
        try:
            loaded = serialization.load_pem_public_key(block.encode("ascii"))
        except (ValueError, UnicodeEncodeError) as exc:
            raise InvalidInputError(where, "not a PEM public key") from exc
        key = _public_key(loaded, where)
        keys.append(PublicKey(kid=jwk_thumbprint(key), key=key, algorithms=_algorithms_for(key)))
    return tuple(keys)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _int_b64(value: int, length: int | None = None) -> str:
    size = length if length is not None else max(1, (value.bit_length() + 7) // 8)
    return _b64(value.to_bytes(size, "big"))


def public_jwk(key: VerifyingKey) -> dict[str, str]:
    """Return the public JWK members of ``key`` (no ``kid``, ``use`` or ``alg``)."""
    if isinstance(key, rsa.RSAPublicKey):
        numbers = key.public_numbers()
        return {"kty": "RSA", "e": _int_b64(numbers.e), "n": _int_b64(numbers.n)}
    if isinstance(key, ec.EllipticCurvePublicKey):
        size = (key.curve.key_size + 7) // 8
        crv = {"secp256r1": "P-256", "secp384r1": "P-384", "secp521r1": "P-521"}[key.curve.name]
        point = key.public_numbers()
        return {"kty": "EC", "crv": crv, "x": _int_b64(point.x, size), "y": _int_b64(point.y, size)}
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return {"kty": "OKP", "crv": "Ed25519", "x": _b64(raw)}


def jwk_thumbprint(key: VerifyingKey) -> str:
    """Return the RFC 7638 SHA-256 JWK thumbprint of ``key`` (base64url)."""
    members = public_jwk(key)
    canonical = json.dumps(members, sort_keys=True, separators=(",", ":"))
    return _b64(hashlib.sha256(canonical.encode("ascii")).digest())


def _read_keys_file(path: Path, field: str) -> tuple[PublicKey, ...]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInputError(field, f"cannot read {path}: {exc}") from exc
    if "-----BEGIN" in text:
        return load_pem_public_keys(text, field)
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise InvalidInputError(field, f"{path} is neither a JWK Set nor PEM: {exc}") from exc
    return parse_jwks(document, field)


class KeysUnavailableError(Exception):
    """No keys could be obtained (the JWKS URL never answered with a valid key set)."""


class StaticKeys:
    """A fixed list of keys (PEM keys, a parsed JWKS, tests)."""

    def __init__(self, keys: Sequence[PublicKey]) -> None:
        self._keys = tuple(keys)

    def keys(self) -> Sequence[PublicKey]:
        """Return the keys."""
        return self._keys

    def refresh(self) -> bool:
        """Return ``False``: a fixed list never changes."""
        return False


class JwksFile:
    """Keys from a local JWKS (or PEM) file, reloaded when the file's mtime changes.

    The file is read at construction, so a bad file is refused when the server starts.
    """

    def __init__(self, path: Path, *, field: str = "oidc_jwks") -> None:
        self.path = path
        self._field = field
        self._lock = threading.Lock()
        self._stamp = self._mtime()
        self._keys = _read_keys_file(path, field)

    def _mtime(self) -> int:
        try:
            return self.path.stat().st_mtime_ns
        except OSError as exc:
            raise InvalidInputError(self._field, f"cannot read {self.path}: {exc}") from exc

    def keys(self) -> Sequence[PublicKey]:
        """Return the keys read last."""
        return self._keys

    def refresh(self) -> bool:
        """Reload the file if it changed since it was read; keep the old keys on error."""
        with self._lock:
            try:
                stamp = self._mtime()
                if stamp == self._stamp:
                    return False
                self._keys = _read_keys_file(self.path, self._field)
                self._stamp = stamp
            except InvalidInputError as exc:
                log.warning("keeping the previous keys: %s", exc)
                return False
            return True


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Refuse every redirect: the JWKS is fetched from the configured URL only."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def is_loopback_host(host: str) -> bool:
    """Whether ``host`` is a loopback address: 127.0.0.0/8, ``::1`` or ``localhost``.

    Names other than ``localhost`` are not resolved: only literal addresses count.
    """
    name = host.strip()
    if name.startswith("[") and name.endswith("]"):
        name = name[1:-1]
    if name.lower() in ("localhost", "localhost."):
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped.is_loopback
    return address.is_loopback


def check_jwks_url(url: str, field: str = "oidc_jwks") -> str:
    """Check a JWKS URL: ``https``, or ``http`` to a loopback host; no credentials."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme not in ("https", "http") or not host:
        raise InvalidInputError(field, "must be an https URL or a file path")
    if parts.scheme == "http" and not is_loopback_host(host):
        raise InvalidInputError(field, "a JWKS URL must use https (http only on loopback)")
    if parts.username is not None or parts.password is not None:
        raise InvalidInputError(field, "a JWKS URL must not carry credentials")
    if parts.fragment:
        raise InvalidInputError(field, "a JWKS URL must not have a fragment")
    return url


class JwksUrl:
    """Keys from a JWKS URL, fetched lazily and cached.

    Parameters
    ----------
    url
        ``https`` URL of the JWK Set (``http`` is allowed to loopback hosts only).
    timeout_s
        Connect and read timeout of one fetch.
    ttl_s
        Age after which the cached keys are fetched again on the next verification.
    min_refetch_s
        An unknown ``kid`` triggers a refetch at most this often.
    clock
        Monotonic clock in seconds (injectable for tests).

    Notes
    -----
    Redirects are refused, the response is capped at 1 MiB, and proxies are bypassed for
    loopback URLs. When a refetch fails the previous keys stay in use (logged); before the
    first successful fetch :meth:`keys` raises :class:`KeysUnavailableError`.
    """

    def __init__(
        self,
        url: str,
        *,
        timeout_s: float = 5.0,
        ttl_s: float = 300.0,
        min_refetch_s: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.url = check_jwks_url(url)
        self.timeout_s = timeout_s
        self.ttl_s = ttl_s
        self.min_refetch_s = min_refetch_s
        self._clock = clock
        self._lock = threading.Lock()
        self._keys: tuple[PublicKey, ...] | None = None
        self._fetched_at: float | None = None  # last successful fetch
        self._tried_at: float | None = None  # last attempt, successful or not
        self.fetches = 0  # attempts, for tests and metrics
        handlers: list[urllib.request.BaseHandler] = [_NoRedirect()]
        if is_loopback_host(urlsplit(url).hostname or ""):
            handlers.append(urllib.request.ProxyHandler({}))
        self._opener = urllib.request.build_opener(*handlers)

    def _fetch(self) -> bool:
        """Fetch once (caller holds the lock); ``True`` on success."""
        self._tried_at = self._clock()
        self.fetches += 1
        try:
            request = urllib.request.Request(
                self.url, headers={"Accept": "application/jwk-set+json, application/json"}
            )
            with self._opener.open(request, timeout=self.timeout_s) as response:
                if response.status != 200:
                    raise OSError(f"HTTP {response.status}")
                body = response.read(MAX_JWKS_BYTES + 1)
            if len(body) > MAX_JWKS_BYTES:
                raise OSError("JWKS larger than 1 MiB")
            keys = parse_jwks(json.loads(body), "oidc_jwks")
        except (OSError, ValueError) as exc:  # URLError, HTTPError, timeouts, JSON, keys
            log.warning("JWKS fetch from %s failed: %s", self.url, exc)
            return False
        self._keys = keys
        self._fetched_at = self._tried_at
        return True

    def keys(self) -> Sequence[PublicKey]:
        """Return the cached keys, fetching them first when absent or older than the TTL."""
        with self._lock:
            now = self._clock()
            stale = self._fetched_at is None or now - self._fetched_at >= self.ttl_s
            # A failing IdP is retried at most once a second before the first success and
            # once per min_refetch_s afterwards (the stale keys serve meanwhile).
            retry_s = 1.0 if self._keys is None else self.min_refetch_s
            if stale and (self._tried_at is None or now - self._tried_at >= retry_s):
                self._fetch()
            if self._keys is None:
                raise KeysUnavailableError(f"the key set at {self.url} could not be fetched")
            return self._keys

    def refresh(self) -> bool:
        """Refetch after an unknown ``kid``, unless the last attempt was under a minute ago."""
        with self._lock:
            now = self._clock()
            if self._tried_at is not None and now - self._tried_at < self.min_refetch_s:
                return False
            return self._fetch()


def load_key_source(spec: str, *, field: str = "oidc_jwks") -> KeySource:
    """Build the key source a setting names: an ``http(s)`` URL or a JWKS/PEM file path."""
    if spec.startswith(("https://", "http://")):
        return JwksUrl(check_jwks_url(spec, field))
    if "://" in spec:
        raise InvalidInputError(field, "must be an https URL or a file path")
    return JwksFile(Path(spec), field=field)


# --- development signing key -------------------------------------------------------------


@dataclass(frozen=True)
class DevSigningKey:
    """The development ES256 signing key.

    Attributes
    ----------
    private_key
        The EC P-256 private key.
    kid
        Its RFC 7638 thumbprint, put in every minted token's header.
    path
        The private key file (PEM, mode 0600).
    jwks_path
        The public JWK Set written next to it.
    """

    private_key: ec.EllipticCurvePrivateKey
    kid: str
    path: Path
    jwks_path: Path

    algorithm: ClassVar[str] = "ES256"

    def public_key(self) -> PublicKey:
        """Return the verification key matching this signing key."""
        return PublicKey(self.kid, self.private_key.public_key(), frozenset({"ES256"}))

    def jwks(self) -> dict[str, list[dict[str, str]]]:
        """Return the public JWK Set of this key."""
        jwk = public_jwk(self.private_key.public_key())
        return {"keys": [{**jwk, "kid": self.kid, "use": "sig", "alg": "ES256"}]}


def dev_key_paths(settings: Settings) -> tuple[Path, Path]:
    """Return (private key file, public JWKS file) of the development signing key."""
    path = settings.dev_key_path or settings.var_dir / "hub" / "dev-signing-key.pem"
    return path, path.with_name(path.stem + ".jwks.json")


def _write_new(path: Path, data: bytes, mode: int) -> bool:
    """Create ``path`` with ``data`` atomically; ``False`` if it already exists."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, mode)
        try:
            os.link(tmp, path)  # atomic: fails if another process created it first
        except FileExistsError:
            return False
        return True
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def dev_signing_key(settings: Settings) -> DevSigningKey:
    """Load the development signing key, creating it (and its public JWKS) on first use.

    The key is an EC P-256 key in PKCS#8 PEM, in ``settings.dev_key_path`` (default
    ``<var_dir>/hub/dev-signing-key.pem``), created with mode 0600. Its public JWK Set is
    (re)written next to it as ``dev-signing-key.jwks.json``, for
    ``SMARTLOGISTICS_OIDC_JWKS``.

    Raises
    ------
    InvalidInputError
        When the key file is readable by others (like ssh, it is refused, not fixed), or
        is not an EC P-256 private key.
    """
    path, jwks_path = dev_key_paths(settings)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not path.exists():
        private = ec.generate_private_key(ec.SECP256R1())
        pem = private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        _write_new(path, pem, 0o600)
    mode = stat.S_IMODE(path.stat().st_mode)
    if os.name == "posix" and mode & 0o077:
        raise InvalidInputError(
            "dev_key_path", f"{path} has mode {mode:04o}; it must be 0600 (chmod 600 {path})"
        )
    try:
        loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (ValueError, TypeError) as exc:
        raise InvalidInputError("dev_key_path", f"{path} is not a PEM private key") from exc
    if not isinstance(loaded, ec.EllipticCurvePrivateKey) or loaded.curve.name != "secp256r1":
        raise InvalidInputError("dev_key_path", f"{path} is not an EC P-256 private key")
    key = DevSigningKey(loaded, jwk_thumbprint(loaded.public_key()), path, jwks_path)
    document = json.dumps(key.jwks(), indent=2) + "\n"
    if not jwks_path.exists() or jwks_path.read_text(encoding="utf-8") != document:
        tmp = jwks_path.with_name(f".{jwks_path.name}.{os.getpid()}.tmp")
        tmp.write_text(document, encoding="utf-8")
        os.replace(tmp, jwks_path)
    return key
