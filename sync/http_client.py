"""The client's HTTP layer to the platform server: TLS always verified, optional public-key
pinning, bounded retries for idempotent calls, and every failure turned into a known error
with a stable code the UI translates.

Built on `requests` with urllib3's `Retry`. It does no threading of its own and is meant
for one worker thread (never the GUI thread): a `PlatformClient` is not shared between
threads.

- **Trust**: the system's roots and certifi's stay trusted; an institution CA bundle is
  added to them, never put in their place. Verification cannot be switched off: there is
  no setting for it, the session ignores `verify` and the environment (`REQUESTS_CA_BUNDLE`,
  `CURL_CA_BUNDLE`, `.netrc`, proxies) is not read.
- **Pinning**: with `pinned_spki_sha256` set, each new TLS connection is checked right
  after the handshake, before a byte of the request (or its bearer token) is sent: the
  SHA-256 of the leaf certificate's SubjectPublicKeyInfo must be one of the pins.
- **Retries**: GET and `post(..., idempotent=True)` are retried on connection and read
  errors and on 502/503/504 (honouring a capped Retry-After), with capped exponential
  backoff. Other POSTs are sent once, each on a new connection (`Connection: close`): a
  server closes a kept-alive connection once it has been idle a few seconds (uvicorn after
  5 s), and a request sent on it just then is reset unread, which for a request that is
  never retried would fail a sign-in for nothing. Nothing is retried on 4xx or on a TLS
  failure.
- **Errors**: a message never holds the token, a request body or a response body; the
  server's own `message` is kept apart in `ServerRefusedError.server_message`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import http.client
import importlib.metadata
import json
import logging
import platform
import re
import socket
import ssl
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO, ClassVar, cast
from urllib.parse import urlsplit

import requests
import requests.certs
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from requests.adapters import HTTPAdapter
from urllib3 import exceptions as urllib3_errors
from urllib3.connection import HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.util.retry import Retry

log = logging.getLogger(__name__)

# Plain http is accepted only to these hosts (tests and the in-process demo server).
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
RETRY_STATUSES = frozenset({502, 503, 504})
_SAFE_CODE = re.compile(r"[A-Za-z0-9_.:-]{1,64}")
_TOKEN = re.compile(r"[A-Za-z0-9\-._~+/]+=*")  # RFC 6750 b64token
_SERVER_MESSAGE_MAX = 500


def _client_version() -> str:
    try:
        return importlib.metadata.version("vocational-learning-client")
    except importlib.metadata.PackageNotFoundError:  # a bundle built without metadata
        return "0+unknown"


USER_AGENT = (
    f"vocational-learning-client/{_client_version()} "
    f"({platform.system() or 'unknown'}; Python {platform.python_version()}) "
    f"python-requests/{requests.__version__}"
)


# -- known errors ------------------------------------------------------------------


class SyncError(Exception):
    """A known failure of talking to the platform. `code` is stable; the UI translates by
    it. The message is for logs: it never holds a token, a password or a body."""

    code: ClassVar[str] = "sync_failed"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidSettingsError(SyncError, ValueError):
    """The connection settings (server address, CA bundle, pins, limits) are unusable."""

    code = "invalid_connection_settings"


class InsecureServerAddressError(InvalidSettingsError):
    """Plain http to anything but this machine's loopback."""

    code = "insecure_server_address"


class NoNetworkError(SyncError):
    """Connection refused, unreachable, reset or timed out while connecting."""

    code = "network_down"


class DnsError(SyncError):
    code = "dns_failure"


class TlsError(SyncError):
    """The server's certificate is invalid, untrusted, expired or for another name, or the
    TLS handshake failed."""

    code = "tls_failure"


class TlsPinMismatchError(TlsError):
    """The server's public key is none of the pinned ones."""

    code = "tls_pin_mismatch"

    def __init__(self, message: str, seen_pin: str) -> None:
        super().__init__(message)
        self.seen_pin = seen_pin


class ServerRefusedError(SyncError):
    """A 4xx answer. `reason_code` and `server_message` come from the server's JSON body
    `{"code": ..., "message": ...}` (None when it has none)."""

    code = "server_refused"

    def __init__(
        self, message: str, status: int, reason_code: str | None, server_message: str | None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.reason_code = reason_code
        self.server_message = server_message


class ServerFailureError(SyncError):
    """A 5xx answer (after the retries, for idempotent calls)."""

    code = "server_error"

    def __init__(self, message: str, status: int, reason_code: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.reason_code = reason_code


class MalformedResponseError(SyncError):
    """Not JSON, JSON of the wrong type, a body cut short, an unexpected redirect, or
    something that is not HTTP at all (a captive portal or another service)."""

    code = "malformed_response"


class DownloadCancelledError(SyncError):
    """A download stopped on request (the client is closing)."""

    code = "cancelled"


class ServerTimeoutError(SyncError):
    """The server accepted the connection but did not answer in time (after retries)."""

    code = "timeout"


# -- settings ----------------------------------------------------------------------


def _normalized_pin(pin: str) -> str:
    try:
        digest = base64.b64decode(pin.strip(), validate=True)
    except (binascii.Error, ValueError):
        digest = b""
    if len(digest) != hashlib.sha256().digest_size:
        raise InvalidSettingsError(
            f"a pinned key must be the base64 SHA-256 of a SubjectPublicKeyInfo: {pin!r}"
        )
    return base64.b64encode(digest).decode("ascii")


@dataclass(frozen=True)
class ConnectionSettings:
    """Where the platform is and how far to trust and wait for it. Validated on
    construction; an institution's provisioning fills it."""

    base_url: str
    ca_bundle: Path | None = None
    pinned_spki_sha256: frozenset[str] = field(default_factory=frozenset)
    connect_timeout_s: float = 5.0
    read_timeout_s: float = 15.0
    retries: int = 3
    backoff_factor: float = 0.5
    backoff_max_s: float = 8.0
    retry_after_max_s: int = 30  # a longer Retry-After would stall the sync worker

    def __post_init__(self) -> None:
        _check_base_url(self.base_url)
        if self.ca_bundle is not None:
            object.__setattr__(self, "ca_bundle", Path(self.ca_bundle))
        pins = self.pinned_spki_sha256
        if isinstance(pins, str) or not isinstance(pins, Iterable):
            raise InvalidSettingsError("pinned_spki_sha256 must be a set of base64 pins")
        object.__setattr__(self, "pinned_spki_sha256", frozenset(map(_normalized_pin, pins)))
        if not (self.connect_timeout_s > 0 and self.read_timeout_s > 0):
            raise InvalidSettingsError("timeouts must be positive")
        if self.retries < 0 or self.backoff_factor < 0 or self.backoff_max_s < 0:
            raise InvalidSettingsError("retries and backoff must not be negative")
        if self.retry_after_max_s < 0:
            raise InvalidSettingsError("retry_after_max_s must not be negative")


def _check_base_url(base_url: str) -> None:
    try:
        parts = urlsplit(base_url)
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError as exc:
        raise InvalidSettingsError(f"the server address is not a URL: {base_url!r}") from exc
    scheme = parts.scheme.lower()
    if scheme not in ("https", "http") or not parts.hostname:
        raise InvalidSettingsError(
            f"the server address must be https://host[:port][/path]: {base_url!r}"
        )
    if parts.username is not None or parts.password is not None:
        # Credentials in the address would end up in logs; refuse without echoing them.
        raise InvalidSettingsError("the server address must not contain a user name or password")
    if parts.query or parts.fragment:
        raise InvalidSettingsError(f"the server address must not have a query: {base_url!r}")
    if scheme == "http" and parts.hostname.lower() not in LOOPBACK_HOSTS:
        raise InsecureServerAddressError(
            f"plain http is refused for {parts.hostname!r}: the platform must be reached "
            "over https (http is allowed only to 127.0.0.1, localhost and [::1])"
        )


# -- TLS: trust and pinning ------------------------------------------------------------


def spki_pin_of_der(der_certificate: bytes) -> str:
    """base64(SHA-256(SubjectPublicKeyInfo)) of a DER certificate (the HPKP pin form)."""
    key = x509.load_der_x509_certificate(der_certificate).public_key()
    return _pin_of_key(key)


def spki_pin_of_pem(pem: bytes) -> str:
    """The pin of the first certificate (or public key) in `pem`."""
    if b"-----BEGIN PUBLIC KEY-----" in pem:
        return _pin_of_key(serialization.load_pem_public_key(pem))
    return _pin_of_key(x509.load_pem_x509_certificate(pem).public_key())


def _pin_of_key(key: Any) -> str:
    spki = key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return base64.b64encode(hashlib.sha256(spki).digest()).decode("ascii")


def build_ssl_context(ca_bundle: Path | None = None) -> ssl.SSLContext:
    """Verification on, hostname checked, TLS 1.2 or later; trusted roots: the system's,
    certifi's, and the institution's bundle on top of them."""
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH)  # loads the system roots
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_verify_locations(cafile=requests.certs.where())
    if ca_bundle is not None:
        try:
            pem = ca_bundle.read_bytes()
        except OSError as exc:
            raise InvalidSettingsError(
                f"the institution CA bundle cannot be read: {ca_bundle} ({exc.strerror})"
            ) from exc
        try:
            certificates = x509.load_pem_x509_certificates(pem)
            # Re-encoded, so comments and text around the PEM blocks do not matter.
            context.load_verify_locations(
                cadata="".join(
                    c.public_bytes(serialization.Encoding.PEM).decode("ascii") for c in certificates
                )
            )
        except (ValueError, ssl.SSLError) as exc:
            raise InvalidSettingsError(
                f"the institution CA bundle holds no usable PEM certificate: {ca_bundle}"
            ) from exc
        log.debug(
            "institution CA bundle loaded", extra={"data": {"certificates": len(certificates)}}
        )
    context.check_hostname = True
    context.verify_mode = ssl.CERT_REQUIRED
    return context


class _PinMismatch(urllib3_errors.SSLError):
    """Raised inside urllib3 so the connection is dropped like any TLS failure (and, being
    an "other" error, never retried)."""

    def __init__(self, host: str, seen_pin: str) -> None:
        super().__init__(
            f"the public key of {host} (sha256/{seen_pin}) matches none of the pinned keys"
        )
        self.host = host
        self.seen_pin = seen_pin


class _PinCheckingHTTPSConnection(HTTPSConnection):
    spki_pins: ClassVar[frozenset[str]] = frozenset()

    def connect(self) -> None:
        super().connect()
        if not self.spki_pins:
            return
        # An HTTPS connection's socket is TLS (urllib3 types it as a plain socket).
        der = cast("ssl.SSLSocket", self.sock).getpeercert(binary_form=True)
        seen = spki_pin_of_der(der) if der else ""
        if seen not in self.spki_pins:
            self.close()
            raise _PinMismatch(self.host, seen)


def _https_pool_class(pins: frozenset[str]) -> type[HTTPSConnectionPool]:
    connection = type("PinnedHTTPSConnection", (_PinCheckingHTTPSConnection,), {"spki_pins": pins})
    return type("PinnedHTTPSConnectionPool", (HTTPSConnectionPool,), {"ConnectionCls": connection})


class _PlatformAdapter(HTTPAdapter):
    """Our SSL context and pin check on every connection; `verify` is not honoured."""

    def __init__(self, ssl_context: ssl.SSLContext, pins: frozenset[str], retry: Retry) -> None:
        self._ssl_context = ssl_context
        self._pool_classes: dict[str, type[HTTPConnectionPool]] = {
            "http": HTTPConnectionPool,
            "https": _https_pool_class(pins),
        }
        super().__init__(max_retries=retry)  # calls init_poolmanager

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = self._pool_classes

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        # The sessions never get proxies (trust_env is off); a proxied connection would
        # bypass the pin check, so refuse rather than connect unpinned.
        raise requests.exceptions.InvalidProxyURL("proxies are not supported")

    def build_connection_pool_key_attributes(
        self, request: requests.PreparedRequest, verify: Any, cert: Any = None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(request, True, None)
        pool_kwargs.pop("ca_certs", None)
        pool_kwargs.pop("ca_cert_dir", None)
        pool_kwargs["cert_reqs"] = "CERT_REQUIRED"
        pool_kwargs["ssl_context"] = self._ssl_context
        return host_params, pool_kwargs

    def cert_verify(self, conn: Any, url: str, verify: Any, cert: Any) -> None:
        # Always verify, against the roots already in our context (not a CA file path).
        conn.cert_reqs = "CERT_REQUIRED"
        conn.ca_certs = None
        conn.ca_cert_dir = None


# -- retries ------------------------------------------------------------------------


class _PlatformRetry(Retry):
    # urllib3 would retry 413 and 429 when they carry Retry-After; a 4xx is never retried.
    RETRY_AFTER_STATUS_CODES = frozenset()


def retry_policy(settings: ConnectionSettings, idempotent: bool) -> Retry:
    """What urllib3 retries. TLS failures are "other" errors and are never retried."""
    if not idempotent:
        return _PlatformRetry(total=0, other=0, redirect=0, raise_on_status=False)
    return _PlatformRetry(
        total=settings.retries,
        other=0,
        redirect=0,
        allowed_methods=None,  # only idempotent calls use this policy
        status_forcelist=RETRY_STATUSES,
        backoff_factor=settings.backoff_factor,
        backoff_max=settings.backoff_max_s,
        respect_retry_after_header=True,
        retry_after_max=settings.retry_after_max_s,
        raise_on_status=False,  # the last 5xx answer comes back and becomes a known error
    )


# -- failure classification ------------------------------------------------------------


def _causes(exc: BaseException) -> list[BaseException]:
    """`exc` and everything it wraps: causes, contexts, urllib3 reasons, exception args."""
    found: list[BaseException] = []
    pending = [exc]
    seen: set[int] = set()
    while pending:
        current = pending.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        found.append(current)
        linked = [current.__cause__, current.__context__, getattr(current, "reason", None)]
        linked += list(current.args)
        pending += [item for item in linked if isinstance(item, BaseException)]
    return found


def _first(causes: list[BaseException], *types: type[BaseException]) -> BaseException | None:
    return next((cause for cause in causes if isinstance(cause, types)), None)


# What a failed request became, first match wins (the order matters: a name resolution
# failure is also a connect error; a remote hang-up is also a bad status line).
_FAILURE_RULES: tuple[tuple[tuple[type[BaseException], ...], type[SyncError], str], ...] = (
    (
        (ssl.SSLError, urllib3_errors.SSLError, requests.exceptions.SSLError),
        TlsError,
        "the TLS handshake with the server failed",
    ),
    (
        (socket.gaierror, urllib3_errors.NameResolutionError),
        DnsError,
        "the server name {host!r} could not be resolved",
    ),
    (
        (urllib3_errors.ReadTimeoutError, requests.exceptions.ReadTimeout),
        ServerTimeoutError,
        "the server did not answer in time",
    ),
    (
        (http.client.IncompleteRead, urllib3_errors.InvalidChunkLength),
        MalformedResponseError,
        "the answer was cut short",
    ),
    (
        (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError),
        NoNetworkError,
        "the connection was closed or reset",
    ),
    (
        (
            http.client.HTTPException,
            urllib3_errors.DecodeError,
            urllib3_errors.HeaderParsingError,
            requests.exceptions.ContentDecodingError,
            requests.exceptions.InvalidHeader,
        ),
        MalformedResponseError,
        "the answer is not valid HTTP",
    ),
    ((ConnectionRefusedError,), NoNetworkError, "the connection was refused"),
    (
        (urllib3_errors.ConnectTimeoutError, TimeoutError),
        NoNetworkError,
        "connecting to the server timed out",
    ),
    ((OSError,), NoNetworkError, "the server cannot be reached"),
)


def _failure_of(exc: requests.RequestException, where: str, host: str) -> SyncError:
    causes = _causes(exc)
    pin = _first(causes, _PinMismatch)
    if isinstance(pin, _PinMismatch):
        return TlsPinMismatchError(f"{where}: {pin.args[0]}", pin.seen_pin)
    refused = _first(causes, ssl.SSLCertVerificationError)
    if isinstance(refused, ssl.SSLCertVerificationError):
        why = refused.verify_message or refused.reason or "verification failed"
        return TlsError(f"{where}: the server's certificate was refused ({why})")
    for types, error, message in _FAILURE_RULES:
        if _first(causes, *types):
            return error(f"{where}: {message.format(host=host)}")
    return NoNetworkError(f"{where}: the request failed ({type(exc).__name__})")


def _json_error_fields(content: bytes) -> tuple[str | None, str | None]:
    try:
        body = json.loads(content)
    except ValueError:
        return None, None
    if not isinstance(body, dict):
        return None, None
    code, message = body.get("code"), body.get("message")
    return (
        code if isinstance(code, str) else None,
        message[:_SERVER_MESSAGE_MAX] if isinstance(message, str) else None,
    )


def _status_failure(response: requests.Response, where: str) -> SyncError:
    status = response.status_code
    reason_code, server_message = _json_error_fields(response.content)
    shown = f", {reason_code}" if reason_code and _SAFE_CODE.fullmatch(reason_code) else ""
    if 400 <= status < 500:
        return ServerRefusedError(
            f"{where}: the server refused the request (HTTP {status}{shown})",
            status,
            reason_code,
            server_message,
        )
    if status >= 500:
        return ServerFailureError(
            f"{where}: the server failed (HTTP {status}{shown})", status, reason_code
        )
    return MalformedResponseError(f"{where}: unexpected HTTP {status} answer")


# -- the client -----------------------------------------------------------------------


def _where(method: str, path: str) -> str:
    return f"{method} {path.split('?', 1)[0]}"  # a query may carry identifiers; not logged


def _session(adapter: HTTPAdapter) -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # no .netrc auth, no env CA bundle or proxies
    session.headers["User-Agent"] = USER_AGENT
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


class PlatformClient:
    """Calls to the platform server. Not thread-safe: one per worker thread."""

    def __init__(self, settings: ConnectionSettings) -> None:
        self.settings = settings
        self._base = settings.base_url.rstrip("/")
        self._host = urlsplit(settings.base_url).hostname or ""
        self._timeout = (settings.connect_timeout_s, settings.read_timeout_s)
        context = build_ssl_context(settings.ca_bundle)
        pins = settings.pinned_spki_sha256
        self._idempotent = _session(
            _PlatformAdapter(context, pins, retry_policy(settings, idempotent=True))
        )
        self._once = _session(
            _PlatformAdapter(context, pins, retry_policy(settings, idempotent=False))
        )

    def get(
        self, path: str, token: str | None = None, params: Mapping[str, Any] | None = None
    ) -> dict | list:
        """GET a JSON object or array; retried."""
        response = self._send("GET", path, token, idempotent=True, params=params)
        return self._json(response, _where("GET", path), dict | list)

    def post(
        self, path: str, body: Any, token: str | None = None, idempotent: bool = False
    ) -> dict:
        """POST `body` as JSON and return the JSON object answered. Retried only when
        `idempotent` (the server must treat a repeat as the same request)."""
        data = json.dumps(body, ensure_ascii=False, allow_nan=False).encode("utf-8")
        response = self._send(
            "POST",
            path,
            token,
            idempotent=idempotent,
            data=data,
            headers={"Content-Type": "application/json"},
        )
        if response.status_code == http.client.NO_CONTENT:
            return {}
        return self._json(response, _where("POST", path), dict)

    def get_bytes(
        self, path: str, token: str | None = None, headers: Mapping[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        """GET raw bytes (media, with `Range` in `headers`); retried. Returns the status
        (200, 206 or 304), the answer's headers with lower-case names, and the body."""
        sent = {"Accept-Encoding": "identity", **(headers or {})}  # byte ranges of the file
        response = self._send("GET", path, token, idempotent=True, headers=sent, media=True)
        return (
            response.status_code,
            {name.lower(): value for name, value in response.headers.items()},
            response.content,
        )

    def download(
        self,
        path: str,
        token: str | None,
        into: BinaryIO,
        headers: Mapping[str, str] | None = None,
        cancel: threading.Event | None = None,
        chunk_bytes: int = 1 << 20,
        resumed_from: int = 0,
    ) -> int:
        """GET raw bytes streamed into the open file `into`, a chunk at a time (a course
        video never sits whole in memory); retried before the first byte. Returns the
        status (200: the whole file, written from the start even when `resumed_from`
        bytes were there; 206: the range asked for in `headers`). A `cancel`
        that is set stops between chunks with `DownloadCancelledError`; what was
        written stays, for a later Range request to resume."""
        sent = {"Accept-Encoding": "identity", **(headers or {})}
        response = self._send(
            "GET", path, token, idempotent=True, headers=sent, media=True, stream=True
        )
        where = _where("GET", path)
        if response.status_code == http.client.OK and resumed_from:
            into.seek(0)  # a server that ignores Range sends the whole file: start over
            into.truncate()
        try:
            for chunk in response.iter_content(chunk_bytes):
                if cancel is not None and cancel.is_set():
                    raise DownloadCancelledError(f"{where}: cancelled")
                into.write(chunk)
        except requests.RequestException as exc:
            raise self._failed(_failure_of(exc, where, self._host)) from exc
        finally:
            response.close()
        return response.status_code

    def close(self) -> None:
        self._idempotent.close()
        self._once.close()

    def __enter__(self) -> PlatformClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # -- internals -------------------------------------------------------------------

    def _url(self, path: str) -> str:
        # A path, never a URL: the token must not be sent to another host.
        if not path.startswith("/") or path.startswith("//") or re.search(r"[\s#\\]", path):
            raise ValueError(f"not an API path: {path!r}")
        return self._base + path

    def _send(
        self,
        method: str,
        path: str,
        token: str | None,
        *,
        idempotent: bool,
        headers: Mapping[str, str] | None = None,
        media: bool = False,
        **kwargs: Any,
    ) -> requests.Response:
        url = self._url(path)
        where = _where(method, path)
        sent = {"Accept": "*/*" if media else "application/json", **(headers or {})}
        if token is not None:
            if not _TOKEN.fullmatch(token):
                # Checked here so requests' own header check never echoes the token.
                raise ValueError("the session token is not a valid bearer token")
            sent["Authorization"] = f"Bearer {token}"
        if not idempotent:
            sent["Connection"] = "close"
        session = self._idempotent if idempotent else self._once
        try:
            response = session.request(
                method,
                url,
                headers=sent,
                timeout=self._timeout,
                allow_redirects=False,
                **kwargs,
            )
        except requests.RequestException as exc:
            raise self._failed(_failure_of(exc, where, self._host)) from exc
        status = response.status_code
        if media and status == http.client.NOT_MODIFIED:
            return response
        if not 200 <= status < 300:
            raise self._failed(_status_failure(response, where))
        return response

    @staticmethod
    def _json(response: requests.Response, where: str, expected: Any) -> Any:
        try:
            answer = json.loads(response.content)
        except ValueError:  # JSONDecodeError and UnicodeDecodeError
            raise PlatformClient._failed(
                MalformedResponseError(f"{where}: the answer is not JSON")
            ) from None
        if not isinstance(answer, expected):
            kind = "an object or an array" if expected is not dict else "an object"
            raise PlatformClient._failed(
                MalformedResponseError(f"{where}: the answer is JSON but not {kind}")
            )
        return answer

    @staticmethod
    def _failed(error: SyncError) -> SyncError:
        data: dict[str, object] = {"code": error.code}
        if isinstance(error, ServerRefusedError | ServerFailureError):
            data["status"] = error.status
            data["reason_code"] = error.reason_code
        log.info("platform request failed: %s", error.message, extra={"data": data})
        return error
