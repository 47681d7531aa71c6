"""The Python rows of `cargo xtask bench-compare`: python3-saml and python-xmlsec on the same 4 KB
Response as `netid_saml::ResponseVerifier::verify_xml`.

Driven by the Rust harness over stdin/stdout, one JSON object per line, so that its rows alternate
with the Rust ones (A B C D ... A B C D ...) in one run:

1. started as `saml_bench.py FIXTURE CERT NOW BATCH_SECONDS`, it checks that each row succeeds
   (is_valid returns True, the signature verifies: otherwise a figure would time a failure),
   calibrates one batch per row (timeit's own autorange, grown to BATCH_SECONDS) and prints
   `{"ready": ..., "rows": [...], "versions": {...}}`;
2. for every line `round` on stdin it times one batch of each row and prints
   `{"round": {"row": seconds_per_op, ...}}`;
3. it exits at the end of stdin.
"""

import base64
import json
import platform
import sys
import timeit

import lxml.etree
import xmlsec
from onelogin.saml2.response import OneLogin_Saml2_Response
from onelogin.saml2.settings import OneLogin_Saml2_Settings
from onelogin.saml2.utils import OneLogin_Saml2_Utils

NS_SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
NS_DS = "http://www.w3.org/2000/09/xmldsig#"
REQUEST_ID = "_req1"


def fail(message):
    """Tells the harness why no figure can be taken, and stops."""
    print(json.dumps({"error": message}), flush=True)
    sys.exit(1)


def versions():
    """What was measured: a figure means nothing without the versions behind it."""
    from importlib.metadata import version

    return {
        "python": platform.python_version(),
        "python3-saml": version("python3-saml"),
        "xmlsec": version("xmlsec"),
        "lxml": version("lxml"),
        "libxmlsec1": ".".join(map(str, xmlsec.get_libxmlsec_version())),
        "libxml2": ".".join(map(str, xmlsec.get_libxml_version())),
    }


def main():
    if len(sys.argv) != 5:
        fail("usage: saml_bench.py FIXTURE CERT NOW BATCH_SECONDS")
    fixture_path, cert_path, now, batch_seconds = sys.argv[1:]
    now, batch_seconds = int(now), float(batch_seconds)
    with open(fixture_path, "rb") as f:
        xml = f.read()
    with open(cert_path, "r", encoding="ascii") as f:
        cert = f.read()

    # The fixture is valid at one instant only (NotOnOrAfter a few minutes after its IssueInstant):
    # python3-saml reads the clock through this one static method, so it is frozen like our `now`.
    OneLogin_Saml2_Utils.now = staticmethod(lambda: now)

    # strict: every Web SSO check (destination, audience, recipient, InResponseTo, times, schema),
    # as `ResponseVerifier` makes them; without it python3-saml checks little beyond the signature.
    settings = OneLogin_Saml2_Settings(
        {
            "strict": True,
            "sp": {
                "entityId": "https://sp.example/saml",
                "assertionConsumerService": {
                    "url": "https://sp.example/saml/acs",
                    "binding": "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST",
                },
                "NameIDFormat": "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified",
            },
            "idp": {
                "entityId": "https://idp.example/saml",
                "singleSignOnService": {
                    "url": "https://idp.example/saml/sso",
                    "binding": "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect",
                },
                "x509cert": cert,
            },
            "security": {"wantAssertionsSigned": True},
        },
        sp_validation_only=True,
    )
    # The ACS request as the web framework would describe it (the URL the Response's Destination
    # and Recipient name).
    request_data = {
        "https": "on",
        "http_host": "sp.example",
        "server_port": "443",
        "script_name": "/saml/acs",
    }
    posted = base64.b64encode(xml).decode("ascii")

    def python3_saml_is_valid():
        response = OneLogin_Saml2_Response(settings, posted)
        return response.is_valid(request_data, REQUEST_ID, raise_exceptions=True)

    key = xmlsec.Key.from_file(cert_path, xmlsec.constants.KeyDataFormatCertPem)

    def xmlsec_verify():
        # As bergshamra_signature_only: parse the document, then check the signature of the
        # signed Assertion with the IdP key (raises xmlsec.Error when it does not verify).
        root = lxml.etree.fromstring(xml)
        assertion = root.find("{%s}Assertion" % NS_SAML)
        xmlsec.tree.add_ids(assertion, ["ID"])
        signature = assertion.find("{%s}Signature" % NS_DS)
        ctx = xmlsec.SignatureContext()
        ctx.key = key
        ctx.verify(signature)
        return True

    rows = {
        "python3_saml_is_valid": python3_saml_is_valid,
        "xmlsec_signature_only": xmlsec_verify,
    }
    for name, row in rows.items():
        try:
            ok = row()
        except Exception as err:  # noqa: BLE001 (reported, then the run stops)
            fail("%s failed on the fixture: %s: %s" % (name, type(err).__name__, err))
        if ok is not True:
            fail("%s did not accept the fixture (returned %r)" % (name, ok))

    timers = {name: timeit.Timer(row) for name, row in rows.items()}
    batches = {}
    for name, timer in timers.items():
        number, elapsed = timer.autorange()
        # autorange stops at 0.2 s; scale to the harness's batch length.
        batches[name] = max(1, round(number * batch_seconds / max(elapsed, 1e-9)))
    print(
        json.dumps({"ready": True, "rows": list(rows), "batches": batches, "versions": versions()}),
        flush=True,
    )

    for line in sys.stdin:
        if line.strip() != "round":
            fail("unknown command %r" % line.strip())
        figures = {
            name: timer.timeit(number=batches[name]) / batches[name] for name, timer in timers.items()
        }
        print(json.dumps({"round": figures}), flush=True)


if __name__ == "__main__":
    main()
