#!/usr/bin/env python3
"""Makes NATS decentralized-auth material without nsc (not packaged for Debian).

    make_creds.py DIR

writes into DIR:
  auth.conf   operator-mode server settings: operator JWT, system account, MEMORY resolver
              preloaded with the account JWTs (include it from a server config)
  user.creds  the user's JWT and nkey seed, as `nsc generate creds` writes them
  user.pub    the user's public nkey (for assertions)

Keys are fresh ed25519 nkeys; JWTs follow nats-io/jwt v2 (alg ed25519-nkey). The account
has JetStream enabled with unlimited limits. Needs python3 and python3-cryptography.
"""
import base64
import hashlib
import json
import os
import sys
import time

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

PREFIX_SEED = 18 << 3  # 'S'
PREFIX_OPERATOR = 14 << 3  # 'O'
PREFIX_ACCOUNT = 0  # 'A'
PREFIX_USER = 20 << 3  # 'U'


def crc16(data: bytes) -> int:
    """CRC-16/XMODEM (poly 0x1021, init 0), as nkeys uses."""
    crc = 0
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


def b32(raw: bytes) -> str:
    return base64.b32encode(raw).decode().rstrip("=")


def with_crc(raw: bytes) -> str:
    return b32(raw + crc16(raw).to_bytes(2, "little"))


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


class NKey:
    def __init__(self, prefix: int):
        self.prefix = prefix
        self.key = Ed25519PrivateKey.generate()
        raw_public = self.key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.public = with_crc(bytes([prefix]) + raw_public)

    def seed(self) -> str:
        from cryptography.hazmat.primitives.serialization import NoEncryption, PrivateFormat

        raw_seed = self.key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        # Two prefix bytes so that both the 'S' and the key type print: nkeys' EncodeSeed.
        b1 = PREFIX_SEED | (self.prefix >> 5)
        b2 = (self.prefix & 31) << 3
        return with_crc(bytes([b1, b2]) + raw_seed)


def jwt(issuer: NKey, subject: str, name: str, nats: dict) -> str:
    header = {"typ": "JWT", "alg": "ed25519-nkey"}
    claims = {"iat": int(time.time()), "iss": issuer.public, "name": name, "sub": subject,
              "nats": dict(nats, version=2)}
    # jti: the hash of the claims without it, as nats-io/jwt computes it.
    claims["jti"] = b32(hashlib.sha512(json.dumps(claims).encode()).digest()[:32])
    signing_input = (b64url(json.dumps(header).encode()) + "." +
                     b64url(json.dumps(claims, separators=(",", ":")).encode()))
    signature = issuer.key.sign(signing_input.encode())
    return signing_input + "." + b64url(signature)


UNLIMITED = {"subs": -1, "data": -1, "payload": -1, "imports": -1, "exports": -1,
             "wildcards": True, "conn": -1, "leaf": -1}
JETSTREAM = {"mem_storage": -1, "disk_storage": -1, "streams": -1, "consumer": -1}


def main() -> None:
    out = sys.argv[1]
    operator, system, account, user = (NKey(PREFIX_OPERATOR), NKey(PREFIX_ACCOUNT),
                                        NKey(PREFIX_ACCOUNT), NKey(PREFIX_USER))
    operator_jwt = jwt(operator, operator.public, "harmony-test",
                       {"type": "operator", "system_account": system.public})
    system_jwt = jwt(operator, system.public, "SYS",
                     {"type": "account", "limits": UNLIMITED})
    account_jwt = jwt(operator, account.public, "harmony",
                      {"type": "account", "limits": dict(UNLIMITED, **JETSTREAM)})
    user_jwt = jwt(account, user.public, "harmony-user",
                   {"type": "user", "pub": {}, "sub": {}, "subs": -1, "data": -1,
                    "payload": -1})
    with open(os.path.join(out, "auth.conf"), "w") as f:
        f.write(f"operator: {operator_jwt}\n"
                f"system_account: {system.public}\n"
                "resolver: MEMORY\n"
                "resolver_preload: {\n"
                f"  {system.public}: {system_jwt}\n"
                f"  {account.public}: {account_jwt}\n"
                "}\n")
    creds = os.path.join(out, "user.creds")
    with open(creds, "w") as f:
        f.write("-----BEGIN NATS USER JWT-----\n"
                f"{user_jwt}\n"
                "------END NATS USER JWT------\n\n"
                "************************* IMPORTANT *************************\n"
                "NKEY Seed printed below can be used to sign and prove identity.\n"
                "NKEYs are sensitive and should be treated as secrets.\n\n"
                "-----BEGIN USER NKEY SEED-----\n"
                f"{user.seed()}\n"
                "------END USER NKEY SEED------\n\n"
                "*************************************************************\n")
    os.chmod(creds, 0o600)
    with open(os.path.join(out, "user.pub"), "w") as f:
        f.write(user.public + "\n")


if __name__ == "__main__":
    main()
