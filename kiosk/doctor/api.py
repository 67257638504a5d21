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
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, cast
from urllib.parse import urlsplit

import httpx
from graphql import (
    IntrospectionQuery,
    build_client_schema,
    get_introspection_query,
    parse,
    validate,
)

from kiosk import __version__
from kiosk.device import DeviceCredentials
from kiosk.doctor.assumptions import DEVICE_TOKEN_ENTRY, check_assumptions, scope_values
from kiosk.doctor.model import CheckResult, Status, fail, ok, warn
from kiosk.tiketo.client import TiketoClient, Timeouts
from kiosk.tiketo.connection import api_http_client
from kiosk.tiketo.errors import RateLimited, TiketoError, Unauthorized
from kiosk.tiketo.operations import OPERATION_NAMES, operation_text
from kiosk.tiketo.proxy import ProxyRefused, proxy_for, shown
from kiosk.tiketo.transport import deadline
from kiosk.tiketo.urls import InsecureUrl, check_api_url

NAMES = ("api", "tls", "token", "schema", "clock")
CLOCK_WARN_SECONDS = 120.0
CLOCK_FAIL_SECONDS = 600.0
MAX_INTROSPECTION_BYTES = 4 * 1024 * 1024
PROVISION_ADVICE = "Run 'kiosk provision --api-url URL --token WORKSPACE_TOKEN' first."
CLOCK_ADVICE = (
    "Turn on automatic date and time (NTP) on this PC: pass expiry and "
    "re-entry decisions use its clock."
)


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
            detail = f"{host} cannot be reached ({_short(exc)})."
        else:
            detail = f"{host} dropped the connection without an answer ({_short(exc)})."
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


def schema_result(
    data: dict[str, Any] | None, http_status: int, *, token_accepted: bool = False
) -> CheckResult:
    """Validate every operation the kiosk sends against the schema the server serves, and
    say which of the API assumptions (schema.graphql's header) that schema confirms."""
    if data is None or "__schema" not in data:
        if http_status != 200:
            return warn(
                "schema",
                "Not checked: the server did not answer the schema query.",
                "Fix the checks above first.",
            )
        total = len(check_assumptions(None).not_checkable)
        return ok(
            "schema",
            "The server does not publish its schema (introspection is off); "
            "the kiosk's operations were checked against the bundled schema instead, "
            f"and none of the {total} API assumptions could be confirmed "
            "(listed in kiosk/tiketo/schema.graphql).",
        )
    try:
        schema = build_client_schema(cast(IntrospectionQuery, data))
    except (TypeError, ValueError, KeyError) as exc:
        return warn(
            "schema",
            f"The server's schema could not be read ({_short(exc)}).",
            "Run doctor again; if it persists, tell Tiketo support.",
        )
    problems = []
    for name in OPERATION_NAMES:
        errors = validate(schema, parse(operation_text(name)))
        if errors:
            problems.append(f"{name}: {errors[0].message}")
    if problems:
        return fail(
            "schema",
            f"The server no longer accepts {len(problems)} of the kiosk's "
            f"operations ({problems[0]}).",
            "Update the kiosk to the latest version: the Tiketo API has changed.",
        )
    outcome = check_assumptions(schema)
    if token_accepted and DEVICE_TOKEN_ENTRY in outcome.not_checkable:  # shown by the token check
        outcome.not_checkable.remove(DEVICE_TOKEN_ENTRY)
        outcome.confirmed.append(DEVICE_TOKEN_ENTRY)
        outcome.confirmed.sort(key=lambda entry: int(entry[1:]))
    summary = (
        f"The server's schema accepts all {len(OPERATION_NAMES)} operations the kiosk "
        f"sends; it confirms API assumptions {_ids(outcome.confirmed)}; "
        f"{_ids(outcome.not_checkable)} cannot be seen in a schema"
    )
    scopes = [v for v in scope_values(schema) if v != "PUBLIC"]
    if scopes:
        summary += f"; variable scopes other than PUBLIC (never shown): {', '.join(scopes)}"
    if outcome.contradicted:
        return warn(
            "schema",
            f"{summary}; it contradicts {_ids(outcome.contradicted)}.",
            "See those entries in kiosk/tiketo/schema.graphql for what the kiosk does "
            "then, and tell Tiketo support or update the kiosk.",
        )
    return ok("schema", summary + ".")


def _ids(ids: list[str]) -> str:
    return ", ".join(ids) if ids else "none"


def clock_result(date_header: str | None, local_time: float) -> CheckResult:
    """Compare this PC's clock with the server's ``Date`` header (1-second resolution)."""
    if not date_header:
        return warn(
            "clock", "The server sent no time, so the clock could not be compared.", CLOCK_ADVICE
        )
    try:
        server_time = parsedate_to_datetime(date_header)
    except (TypeError, ValueError):
        return warn("clock", "The server's time could not be read.", CLOCK_ADVICE)
    if server_time.tzinfo is None:
        server_time = server_time.replace(tzinfo=UTC)
    skew = local_time - server_time.timestamp()
    direction = "ahead of" if skew > 0 else "behind"
    amount = _duration(abs(skew))
    if abs(skew) > CLOCK_FAIL_SECONDS:
        return fail("clock", f"This PC's clock is {amount} {direction} the server's.", CLOCK_ADVICE)
    if abs(skew) > CLOCK_WARN_SECONDS:
        return warn("clock", f"This PC's clock is {amount} {direction} the server's.", CLOCK_ADVICE)
    local = datetime.fromtimestamp(local_time, UTC).strftime("%H:%M:%S UTC")
    return ok(
        "clock",
        f"This PC's clock ({local}) agrees with the server's (within {max(abs(skew), 1):.0f} s).",
    )


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 2 * 3600:
        return f"{seconds / 60:.0f} min"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.0f} days"


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
    return _short(exc)


def _short(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) <= 160 else text[:157] + "..."
