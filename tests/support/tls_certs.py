"""Throwaway certificates for the HTTP client's TLS tests, made with `cryptography`: an
institution CA and server certificates it signs (good for 127.0.0.1/localhost, expired,
for another host name), and a rogue CA nobody trusts signing a certificate that is
otherwise perfect. EC P-256 keys: generated in milliseconds."""

from __future__ import annotations

import datetime
import ipaddress
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

LOCAL_NAMES = ("localhost", "127.0.0.1", "::1")


@dataclass(frozen=True)
class ServerIdentity:
    cert: Path  # PEM, leaf only (the client has the CA)
    key: Path  # PEM, unencrypted
    cert_pem: bytes


@dataclass(frozen=True)
class TlsWorld:
    ca: Path  # the institution CA bundle the client is given
    rogue_ca: Path  # a CA the client does not trust
    good: ServerIdentity  # signed by `ca`, for 127.0.0.1, localhost, ::1
    other_key: ServerIdentity  # signed by `ca` too, same names, another key (pin tests)
    untrusted: ServerIdentity  # signed by `rogue_ca`, same names
    expired: ServerIdentity  # signed by `ca`, validity ended yesterday
    wrong_host: ServerIdentity  # signed by `ca`, for platform.example.org only


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Test Training Centre"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def _make_ca(common_name: str) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = _key()
    now = _now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name))
        .issuer_name(_name(common_name))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return cert, key


def _san(names: tuple[str, ...]) -> x509.SubjectAlternativeName:
    entries: list[x509.GeneralName] = []
    for name in names:
        try:
            entries.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            entries.append(x509.DNSName(name))
    return x509.SubjectAlternativeName(entries)


def _make_server(
    directory: Path,
    stem: str,
    ca: tuple[x509.Certificate, ec.EllipticCurvePrivateKey],
    names: tuple[str, ...] = LOCAL_NAMES,
    valid_days: tuple[int, int] = (-1, 30),
) -> ServerIdentity:
    ca_cert, ca_key = ca
    key = _key()
    now = _now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(names[0]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now + datetime.timedelta(days=valid_days[0]))
        .not_valid_after(now + datetime.timedelta(days=valid_days[1]))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_san(names), critical=False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    cert_pem = cert.public_bytes(serialization.Encoding.PEM)
    cert_path = directory / f"{stem}.crt"
    key_path = directory / f"{stem}.key"
    cert_path.write_bytes(cert_pem)
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return ServerIdentity(cert_path, key_path, cert_pem)


def make_tls_world(directory: Path) -> TlsWorld:
    directory.mkdir(parents=True, exist_ok=True)
    ca = _make_ca("Test Institution Root CA")
    rogue = _make_ca("Rogue Root CA")
    ca_path = directory / "institution-ca.pem"
    ca_path.write_bytes(ca[0].public_bytes(serialization.Encoding.PEM))
    rogue_path = directory / "rogue-ca.pem"
    rogue_path.write_bytes(rogue[0].public_bytes(serialization.Encoding.PEM))
    return TlsWorld(
        ca=ca_path,
        rogue_ca=rogue_path,
        good=_make_server(directory, "good", ca),
        other_key=_make_server(directory, "other-key", ca),
        untrusted=_make_server(directory, "untrusted", rogue),
        expired=_make_server(directory, "expired", ca, valid_days=(-30, -1)),
        wrong_host=_make_server(directory, "wrong-host", ca, names=("platform.example.org",)),
    )
