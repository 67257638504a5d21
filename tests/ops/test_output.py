"""Text from outside (server messages, holder names, codes, hook output) printed and logged
bounded, with control characters escaped and tokens scrubbed; the hook's environment."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from kiosk.demo.passes import DOORS, FAR_FUTURE, DemoPass
from kiosk.device import DeviceCredentials, save_credentials
from kiosk.hooks.door import DoorHook
from kiosk.logs import clean
from tests.conftest import REPO_ROOT

RAW_CONTROLS = ("\x1b", "\x07", "\x9b", "\u202e", "\x00")
EVIL = "\x1b]0;pwned\x07\x1b[2J\x9b31m\u202eevil"


def assert_clean(text: str) -> None:
    for char in RAW_CONTROLS:
        assert char not in text, repr(text)


@pytest.fixture
def hostile_server(credentials: DeviceCredentials) -> Iterator[str]:
    """A GraphQL endpoint whose every answer is an error message full of terminal escapes
    that also echoes the device token back."""
    message = f"{EVIL} rejected TOKEN {credentials.token} and {credentials.token}" + "x" * 5000

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            body = json.dumps({"data": None, "errors": [{"message": message}]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/graphql"
    server.shutdown()
    server.server_close()


def test_server_messages_with_escapes_and_echoed_tokens(
    run_cli, credentials, paths, hostile_server
):
    save_credentials(
        paths.device_file,
        DeviceCredentials(
            hostile_server, credentials.workspace, credentials.device_name, credentials.token
        ),
    )
    for args in (
        ["scan", "TKT-VALID-0001"],
        ["scan", "--json", "TKT-VALID-0001"],
        ["sync"],
        ["sync", "--json"],
        ["doctor", "--no-camera", "--no-screen"],
        ["doctor", "--json", "--no-camera", "--no-screen"],
    ):
        result = run_cli(*args, timeout=120)
        output = result.stdout + result.stderr
        if args[0] == "doctor" or args == ["scan", "TKT-VALID-0001"]:
            assert "rejected" in output, (args, output)  # the message is shown...
        assert credentials.token not in output, args  # ...without the token
        assert_clean(output)
        assert "Traceback" not in output
        assert max(len(line) for line in output.splitlines()) < 10_000
    log = paths.log_file.read_text(encoding="utf-8")
    assert credentials.token not in log
    assert_clean(log)


def test_holder_names_and_codes_are_escaped(run_cli, credentials, paths, demo_server):
    code = "TKT-\x1b[2J-EVIL"
    demo_server.state.add_pass(
        DemoPass(
            code,
            "evil-1",
            DOORS.id,
            "Festival Day Ticket",
            "eventTicket",
            {"firstName": EVIL, "lastName": "Doe"},
            FAR_FUTURE,
        )
    )
    text = run_cli("scan", code)
    assert text.returncode == 0 and text.stdout.startswith("VALID")
    assert_clean(text.stdout)
    assert "pwned" in text.stdout
    as_json = run_cli("scan", "--json", code.replace("TKT", "TKT"))
    assert_clean(as_json.stdout)
    [line] = as_json.json_lines()  # still valid JSON, one line
    assert line["verdict"] == "duplicate" and line["code"] == code  # the exact text


def test_clean_bounds_escapes_and_scrubs():
    from kiosk.logs import add_secret

    add_secret("s3cr3t-token-value")
    shown = clean("a\x1bb\nc\u2066d s3cr3t-token-value " + "z" * 5000, 100)
    assert shown.startswith("a\\x1bb\\nc\\u2066d *** ")
    assert len(shown) < 130 and shown.endswith("characters)")


def test_the_door_hook_gets_a_minimal_environment(tmp_path, monkeypatch):
    out = tmp_path / "env.json"
    monkeypatch.setenv("KIOSK_WORKSPACE_TOKEN", "ws-token-123456")
    monkeypatch.setenv("KIOSK_DEVICE_TOKEN", "dev-token-123456")
    monkeypatch.setenv("SOME_SECRET", "not-for-the-hook")
    monkeypatch.setenv("LANG", "C.UTF-8")
    script = f"import json, os; open(r'{out}', 'w').write(json.dumps(dict(os.environ)))"
    with DoorHook(f'{sys.executable} -c "{script}"') as hook:
        [outcome] = hook.run_now({"verdict": "valid", "scan_id": "s-1"})
    assert outcome.ok, outcome.line
    env = json.loads(out.read_text())
    assert env["KIOSK_VERDICT"] == "valid" and env["KIOSK_SCAN_ID"] == "s-1"
    assert env["LANG"] == "C.UTF-8" and env["PATH"]
    assert "SOME_SECRET" not in env
    assert not [name for name in env if name.startswith("KIOSK_") and "TOKEN" in name]
    assert set(env) - {"LC_CTYPE"} <= {
        "PATH",
        "HOME",
        "USER",
        "LOGNAME",
        "LANG",
        "LC_ALL",
        "TZ",
        "TMPDIR",
        "KIOSK_VERDICT",
        "KIOSK_SCAN_ID",
    }


def test_hook_stderr_is_bounded_and_escaped_in_output_and_log(run_cli, paths):
    """200 MB on stderr: the kiosk keeps the tail, and its memory stays small."""
    hook = (
        'sh -c \'head -c 200000000 /dev/zero | tr "\\000" x >&2; '
        'printf "\\033[31mlast words\\007\\n" >&2; exit 3\''
    )
    paths.settings_file.write_text(
        f"[door_hook]\ncommand = {json.dumps(hook)}\ntimeout_seconds = 60\n"
    )
    paths.settings_file.chmod(0o600)
    measure = (
        "import resource, subprocess, sys; "
        "p = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
        "print(p.returncode); print(p.stdout); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            measure,
            sys.executable,
            "-m",
            "kiosk",
            "--data-dir",
            str(paths.data_dir.parent),
            "door-hook",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
        check=False,
    )
    lines = proc.stdout.splitlines()
    returncode, output, max_rss_kb = int(lines[0]), "\n".join(lines[1:-1]), int(lines[-1])
    assert returncode == 1, proc.stdout
    assert "last words" in output and "exit=3" in output
    assert "\\x1b[31m" in output
    assert_clean(output)
    assert len(output) < 2000
    assert max_rss_kb < 150 * 1024, f"the kiosk held {max_rss_kb} KB for a 200 MB stderr"
    log = paths.log_file.read_text(encoding="utf-8")
    assert "last words" in log and "\\x1b[31m" in log
    assert_clean(log)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss > 0


def test_token_on_the_command_line_warns(run_cli, demo_server):
    from kiosk.demo import DEMO_WORKSPACE_TOKEN

    result = run_cli("provision", "--api-url", demo_server.url, "--token", DEMO_WORKSPACE_TOKEN)
    assert result.returncode == 0
    assert "can be seen by other users" in result.stderr
    assert "--token -" in result.stderr and "KIOSK_WORKSPACE_TOKEN" in result.stderr
    assert DEMO_WORKSPACE_TOKEN not in result.stderr + result.stdout
    quiet = run_cli(
        "provision", "--api-url", demo_server.url, "--token", "-", input=DEMO_WORKSPACE_TOKEN + "\n"
    )
    assert quiet.returncode == 0 and "warning" not in quiet.stderr
    from_env = run_cli(
        "provision",
        "--api-url",
        demo_server.url,
        env={"KIOSK_WORKSPACE_TOKEN": DEMO_WORKSPACE_TOKEN},
    )
    assert from_env.returncode == 0 and "warning" not in from_env.stderr
