"""API checks: reachable, TLS valid, token accepted, schema compatible, clock in step.

One introspection request answers most questions at once: whether the server answers at
all, whether its certificate is valid, what its ``Date`` header says (the clock check) and
whether every operation the kiosk sends still validates against the schema it serves. The
token is then checked with the kiosk's own client (``projects()``), so the doctor goes
through the same code path as scanning does.
"""

from __future__ import annotations

import json
import ssl
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

import httpx
from graphql import (
    get_introspection_query,
)

from kiosk import __version__
from kiosk.device import DeviceCredentials
from kiosk.doctor.clock import clock_result
from kiosk.doctor.model import CheckResult, Status, fail, ok, short_reason, warn
from kiosk.doctor.schema import schema_result
from kiosk.tiketo.client import TiketoClient, Timeouts
from kiosk.tiketo.connection import api_http_client
from kiosk.tiketo.errors import RateLimited, TiketoError, Unauthorized
from kiosk.tiketo.proxy import ProxyRefused, proxy_for, shown
from kiosk.tiketo.transport import deadline
from kiosk.tiketo.urls import InsecureUrl, check_api_url

NAMES = ("api", "tls", "token", "schema", "clock")
MAX_INTROSPECTION_BYTES = 4 * 1024 * 1024
PROVISION_ADVICE = "Run 'kiosk provision --api-url URL --token WORKSPACE_TOKEN' first."


def api_checks(
    credentials: DeviceCredentials | None,
    *,
    timeout: float = 5.0,
    now: Callable[[], float] = time.time,
    verify: ssl.SSLContext | bool = True,
    ca_file: str | None = None,
) -> list[CheckResult]:
    """The five API results, in :data:`NAMES` order; ``ca_file`` is ``api.ca_file``."""
    if credentials is None:
        return [
            fail(
                name,
                "This kiosk is not provisioned, so the API cannot be checked.",
                PROVISION_ADVICE,
            )
            for name in NAMES
        ]
    try:
        url = check_api_url(credentials.api_url)
    except InsecureUrl as exc:
        return [
            fail("api", str(exc), "Provision again with an https:// API address."),
            *_not_checked(NAMES[1:], "the API address is not usable"),
        ]
    host = urlsplit(url).hostname or url
    results: dict[str, CheckResult] = {}
    if ca_file and verify is True:
        try:
            verify = ssl.create_default_context(cafile=ca_file)
        except (OSError, ssl.SSLError) as exc:
            return [
                fail(
                    "tls",
                    f"The CA file {ca_file} cannot be used ({exc}).",
                    "Fix or empty api.ca_file in settings.toml.",
                ),
                *_not_checked(("api", "token", "schema", "clock"), "api.ca_file is broken"),
            ]
    if urlsplit(url).scheme == "http":
        results["tls"] = warn(
            "tls",
            f"Plain http to {host}: not encrypted (demo only).",
            "Use the https:// Tiketo API address at a real venue.",
        )

    try:
        proxy = proxy_for(url)
    except ProxyRefused as exc:
        return [
            fail("api", str(exc), "Fix the proxy settings of this PC's session."),
            *_not_checked(NAMES[1:], "the proxy cannot be used"),
        ]
    via = "" if proxy is None else f" (through the proxy {shown(proxy)})"
    started = now()
    try:
        with (
            api_http_client(
                url,
                timeout=httpx.Timeout(timeout),
                max_connections=1,
                verify=verify,
                user_agent=f"tiketo-kiosk/{__version__} doctor",
            ) as http,
            deadline(time.monotonic() + timeout),
        ):
            response = http.post(
                url,
                json={"query": get_introspection_query(), "operationName": None},
                headers={"Authorization": f"TOKEN {credentials.token}"},
            )
    except httpx.HTTPError as exc:
        return [_with_proxy(result, via) for result in _unreachable(url, host, exc, results)]
    finished = now()
    if "tls" not in results:
        results["tls"] = ok("tls", f"The certificate of {host} is valid.")
    results["clock"] = clock_result(response.headers.get("Date"), (started + finished) / 2)
    results["api"], introspection = _answer(response, host, finished - started)
    results["api"] = _with_proxy(results["api"], via)
    if results["api"].status is Status.FAIL:
        results["token"], results["schema"] = _not_checked(
            ("token", "schema"), "the API did not answer properly"
        )
    else:
        results["token"] = token_result(credentials, timeout, ca_file)
        results["schema"] = schema_result(
            introspection, response.status_code, token_accepted=results["token"].status is Status.OK
        )
    return [results[name] for name in NAMES]


def _with_proxy(result: CheckResult, via: str) -> CheckResult:
    """The api result saying which proxy it went through (without its credentials)."""
    if not via or result.check != "api":
        return result
    return replace(result, detail=f"{result.detail.removesuffix('.')}{via}.")


def _not_checked(names: tuple[str, ...], why: str) -> list[CheckResult]:
    return [warn(name, f"Not checked: {why}.", "Fix the check above first.") for name in names]


def _unreachable(
    url: str, host: str, exc: httpx.HTTPError, results: dict[str, CheckResult]
) -> list[CheckResult]:
    if _is_certificate_error(exc):
        reason = _certificate_reason(exc)
        results["tls"] = fail(
            "tls",
            f"The certificate of {host} is not valid ({reason}).",
            "Check the API address and this PC's date; if the venue network "
            "intercepts HTTPS, ask IT to let the Tiketo API through.",
        )
        results["api"] = fail(
            "api", f"No secure connection to {host}.", "Fix the certificate problem (see tls)."
        )
    else:
        if isinstance(exc, httpx.TimeoutException):
            detail = f"{host} did not answer within the time limit."
        elif isinstance(exc, httpx.ConnectError) and "refused" in str(exc).lower():
            detail = f"{host} refuses connections (the server is down or the port is wrong)."
        elif isinstance(exc, httpx.ConnectError):
            detail = f"{host} cannot be reached ({short_reason(exc)})."
        else:
            detail = f"{host} dropped the connection without an answer ({short_reason(exc)})."
        results["api"] = fail(
            "api",
            detail,
            "Check the network cable or Wi-Fi and the API address; scans are "
            "still journaled and uploaded once the server is reachable.",
        )
        results.setdefault(
            "tls",
            warn(
                "tls", "Not checked: the server could not be reached.", "Fix the api check first."
            ),
        )
    for name, result in zip(
        ("token", "schema", "clock"),
        _not_checked(("token", "schema", "clock"), "the server could not be reached"),
        strict=True,
    ):
        results[name] = result
    return [results[name] for name in NAMES]


def _answer(
    response: httpx.Response, host: str, seconds: float
) -> tuple[CheckResult, dict[str, Any] | None]:
    """The api result, and the introspection answer's ``data`` when there is one."""
    status = response.status_code
    if status in (401, 403):
        return ok("api", f"The Tiketo API at {host} answers (it refused the token)."), None
    if status == 429:
        return warn(
            "api",
            f"The Tiketo API at {host} asks us to slow down (HTTP 429).",
            "Wait a minute and run doctor again; too many kiosks may share one token.",
        ), None
    if status >= 500:
        return fail(
            "api",
            f"The Tiketo API at {host} has a problem (HTTP {status}).",
            "Try again in a few minutes; scans are journaled and uploaded later.",
        ), None
    if status != 200:
        return fail(
            "api",
            f"{host} answered HTTP {status}, not like the Tiketo API.",
            "Check the API address (it usually ends in /graphql) and provision again.",
        ), None
    if len(response.content) > MAX_INTROSPECTION_BYTES:
        return fail(
            "api",
            f"{host} sent a far larger answer than the Tiketo API would.",
            "Check the API address and provision again.",
        ), None
    try:
        payload = json.loads(response.content)
    except ValueError:
        return fail(
            "api",
            f"{host} answered with a web page, not the Tiketo API.",
            "Check the API address; on venue Wi-Fi, log in to its portal page first.",
        ), None
    if not isinstance(payload, dict) or not ({"data", "errors"} & payload.keys()):
        return fail(
            "api",
            f"{host} answered JSON that is not GraphQL.",
            "Check the API address and provision again.",
        ), None
    data = payload.get("data") if isinstance(payload.get("data"), dict) else None
    return ok("api", f"The Tiketo API at {host} answers ({seconds:.2f} s)."), data


def token_result(
    credentials: DeviceCredentials, timeout: float, ca_file: str | None = None
) -> CheckResult:
    """Ask for the workspace's projects with the device token, through the kiosk's client."""
    timeouts = Timeouts(connect=timeout, read=timeout, total=timeout)
    try:
        with TiketoClient(
            credentials.api_url, credentials.token, timeouts=timeouts, ca_file=ca_file
        ) as client:
            projects = client.projects()
    except Unauthorized:
        return fail(
            "token",
            f"The server refused device '{credentials.device_name}' (its "
            "token was revoked or is wrong).",
            "Provision this kiosk again: 'kiosk provision --api-url URL --token "
            "WORKSPACE_TOKEN --name NAME'.",
        )
    except RateLimited:
        return warn(
            "token",
            "Not checked: the server asks us to slow down.",
            "Run doctor again in a minute.",
        )
    except TiketoError as exc:
        return warn("token", f"Not checked: {exc}", "Run doctor again in a few minutes.")
    return ok(
        "token",
        f"Device '{credentials.device_name}' is accepted in workspace "
        f"'{credentials.workspace}' ({len(projects)} project(s)).",
    )


def _is_certificate_error(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError):
            return True
        if isinstance(seen, ssl.SSLError) or "CERTIFICATE_VERIFY_FAILED" in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _certificate_reason(exc: BaseException) -> str:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError) and seen.verify_message:
            return str(seen.verify_message)
        seen = seen.__cause__ or seen.__context__
    return short_reason(exc)
