"""The real kiosk CLI over HTTPS + HTTP/2 with the tests' CA set in settings.toml."""

from __future__ import annotations

from kiosk.demo import DEMO_WORKSPACE_TOKEN, DemoServer
from kiosk.demo.link import Link
from kiosk.demo.passes import VALID_CODE


def test_provision_scan_and_sync_over_https_with_api_ca_file(test_certs, paths, run_cli):
    with DemoServer(tls=test_certs, http2=True, link=Link(round_trip_seconds=0.02)) as server:
        result = run_cli(
            "provision",
            "--api-url",
            server.url,
            "--token",
            DEMO_WORKSPACE_TOKEN,
            "--name",
            "door-tls",
        )
        assert result.returncode != 0 and "certificate" in result.stderr  # not trusted yet
        assert "Traceback" not in result.stderr
        paths.settings_file.write_text(f'[api]\nca_file = "{test_certs.ca_file}"\n')
        result = run_cli(
            "provision",
            "--api-url",
            server.url,
            "--token",
            DEMO_WORKSPACE_TOKEN,
            "--name",
            "door-tls",
        )
        assert result.returncode == 0, result.stderr
        [verdict] = run_cli("scan", "--json", VALID_CODE).json_lines()
        assert verdict["verdict"] == "valid" and verdict["offline"] is False
        [synced] = run_cli("sync", "--json").json_lines()
        assert synced["pending"] == 0
        assert [e.data["scanId"] for e in server.state.events()] == [verdict["scan_id"]]


def test_a_ca_file_that_is_no_certificate_is_one_sentence(tmp_path, paths, run_cli):
    bad = tmp_path / "ca.pem"
    bad.write_text("hello")
    paths.settings_file.write_text(f'[api]\nca_file = "{bad}"\n')
    result = run_cli("provision", "--api-url", "https://127.0.0.1:9/graphql", "--token", "x")
    assert result.returncode != 0 and "CA file" in result.stderr
    assert "Traceback" not in result.stderr


def test_doctor_trusts_api_ca_file(test_certs, paths, run_cli):
    with DemoServer(tls=test_certs) as server:
        paths.settings_file.write_text(f'[api]\nca_file = "{test_certs.ca_file}"\n')
        assert (
            run_cli(
                "provision", "--api-url", server.url, "--token", DEMO_WORKSPACE_TOKEN
            ).returncode
            == 0
        )
        result = run_cli("doctor", "--json", "--no-camera", "--no-screen")
        checks = {line["check"]: line for line in result.json_lines()}
        assert checks["tls"]["status"] == "ok", checks["tls"]
        assert checks["token"]["status"] == "ok", checks["token"]
