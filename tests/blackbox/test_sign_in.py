"""Sign-in with the real binary: `dossier user add`, `dossier client add` and `dossier token` beside the running
server's data folder, then the SMART authorization-code flow with PKCE over raw HTTP, and bearer tokens on FHIR."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import struct
import subprocess
import time
from urllib.parse import parse_qs, urlencode, urlparse

import pytest

from dossier_server import dossier_binary

PASSWORD = "correct horse battery"
REDIRECT = "https://app.example/callback"


def dossier(server, *args: str, stdin: str | None = None) -> str:
    done = subprocess.run([str(dossier_binary()), *args, "--data-dir", str(server.data_dir)], input=stdin, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, f"dossier {' '.join(args)} failed: {done.stderr}"
    return done.stdout


def totp(secret_base32: str, at: float | None = None) -> str:
    key = base64.b32decode(secret_base32 + "=" * (-len(secret_base32) % 8))
    counter = int((at or time.time()) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


@pytest.fixture(scope="module")
def accounts(server):
    suffix = secrets.token_hex(4)
    out = dossier(server, "user", "add", "--username", f"dr-{suffix}", "--practitioner", "Practitioner/p1", "--role",
                  "PractitionerRole/r1", "--password-stdin", stdin=PASSWORD + "\n")
    secret = re.search(r"secret=([A-Z2-7]+)", out).group(1)
    dossier(server, "user", "add", "--username", f"pat-{suffix}", "--patient", "Patient/pat-1", "--password-stdin", stdin=PASSWORD + "\n")
    dossier(server, "client", "add", "--client-id", f"app-{suffix}", "--redirect-uri", REDIRECT)
    listed = dossier(server, "user", "list")
    assert f"dr-{suffix}\tPractitioner/p1\trole=PractitionerRole/r1\tpassword+totp" in listed
    return {"doctor": f"dr-{suffix}", "patient": f"pat-{suffix}", "secret": secret, "client": f"app-{suffix}"}


def test_operator_tokens_are_accepted_and_tampered_ones_refused(server, http):
    token = dossier(server, "token", "--user", "Practitioner/p1", "--role", "PractitionerRole/r1", "--lifetime", "5m").strip()
    assert token.count(".") == 2, "dossier token prints only the token"
    assert http.get(f"{server.base}/metadata", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    head, payload, signature = token.split(".")
    forged = head + "." + payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB") + "." + signature
    refused = http.get(f"{server.base}/metadata", headers={"Authorization": f"Bearer {forged}"})
    assert refused.status_code == 401
    assert refused.headers["WWW-Authenticate"].startswith('Bearer error="invalid_token"')
    admin = dossier(server, "token", "--admin").strip()
    answer = http.post(f"{server.root}/introspect", data={"token": token}, headers={"Authorization": f"Bearer {admin}"}).json()
    assert answer["active"] is True and answer["fhirUser"] == "Practitioner/p1" and answer["role"] == "PractitionerRole/r1"


def test_smart_configuration_is_published(server, http):
    document = http.get(f"{server.base}/.well-known/smart-configuration").json()
    assert document["token_endpoint"] == f"{server.root}/token"
    assert document["code_challenge_methods_supported"] == ["S256"]
    assert "private_key_jwt" in document["token_endpoint_auth_methods_supported"]


@pytest.mark.parametrize("who", ["doctor", "patient"])
def test_authorization_code_flow_with_pkce(server, http, accounts, who):
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    request = {
        "response_type": "code", "client_id": accounts["client"], "redirect_uri": REDIRECT, "state": "s1",
        "scope": "openid fhirUser launch/patient patient/*.rs user/*.rs", "aud": server.base,
        "code_challenge": challenge, "code_challenge_method": "S256",
    }
    page = http.get(f"{server.root}/authorize?{urlencode(request)}")
    assert page.status_code == 200 and 'name="password"' in page.text
    form = dict(request, username=accounts[who], password=PASSWORD, decision="allow")
    if who == "doctor":
        form["otp"] = totp(accounts["secret"])
    # A browser sends every box left ticked, one `grant` field each.
    fields = list(form.items()) + [("grant", scope) for scope in request["scope"].split()]
    signed_in = http.post(f"{server.root}/authorize", data=fields, allow_redirects=False)
    assert signed_in.status_code == 303, signed_in.text[:500]
    answer = parse_qs(urlparse(signed_in.headers["Location"]).query)
    assert "code" in answer, signed_in.headers["Location"]
    assert answer["state"] == ["s1"]
    tokens = http.post(f"{server.root}/token", data={
        "grant_type": "authorization_code", "code": answer["code"][0], "redirect_uri": REDIRECT,
        "client_id": accounts["client"], "code_verifier": verifier,
    }).json()
    assert tokens["token_type"] == "Bearer" and tokens["refresh_token"] and tokens["id_token"]
    if who == "patient":
        assert tokens["patient"] == "pat-1"
        assert "patient/*.rs" in tokens["scope"].split()
    else:
        assert "patient" not in tokens
        assert tokens["scope"].split() == ["openid", "fhirUser", "user/*.rs"]
    assert http.get(f"{server.base}/metadata", headers={"Authorization": f"Bearer {tokens['access_token']}"}).status_code == 200
