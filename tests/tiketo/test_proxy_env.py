"""Which proxy the environment names for the API URL: the rules of urllib and httpx, upper
and lower case, NO_PROXY, and a SOCKS proxy refused in words (never with its password)."""

from __future__ import annotations

import pytest

from kiosk.tiketo.proxy import ProxyRefused, proxy_for, shown, shown_url

API = "https://api.tiketo.eu/graphql"


def chosen(api_url: str = API) -> str | None:
    proxy = proxy_for(api_url)
    return None if proxy is None else shown(proxy)


def test_no_proxy_variables_means_a_direct_connection():
    assert proxy_for(API) is None


@pytest.mark.parametrize("name", ["HTTPS_PROXY", "https_proxy"])
def test_https_proxy_in_either_case(monkeypatch, name):
    monkeypatch.setenv(name, "http://proxy.lan:3128")
    assert chosen() == "http://proxy.lan:3128"


def test_the_scheme_of_the_api_url_picks_the_variable(monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", "http://for-https:3128")
    monkeypatch.setenv("HTTP_PROXY", "http://for-http:3128")
    assert chosen() == "http://for-https:3128"
    assert chosen("http://127.0.0.1:8000/graphql") == "http://for-http:3128"


def test_all_proxy_is_the_fallback(monkeypatch):
    monkeypatch.setenv("ALL_PROXY", "proxy.lan:8080")  # no scheme: http, as in curl
    assert chosen() == "http://proxy.lan:8080"
    monkeypatch.setenv("https_proxy", "http://specific:3128")
    assert chosen() == "http://specific:3128"


@pytest.mark.parametrize(
    ("no_proxy", "bypassed"),
    [
        ("*", True),
        ("tiketo.eu", True),
        (".tiketo.eu", True),
        ("localhost, api.tiketo.eu", True),
        ("example.org,127.0.0.1", False),
        ("eu", True),  # a suffix match, as in urllib
        ("keto.eu", False),  # but only on a dot boundary
    ],
)
def test_no_proxy(monkeypatch, no_proxy, bypassed):
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.lan:3128")
    monkeypatch.setenv("NO_PROXY", no_proxy)
    assert (proxy_for(API) is None) is bypassed


def test_loopback_is_not_bypassed_unless_no_proxy_says_so(monkeypatch):
    """urllib's rule (and httpx's): 127.0.0.1 goes through the proxy too unless listed."""
    monkeypatch.setenv("HTTP_PROXY", "http://proxy.lan:3128")
    assert chosen("http://127.0.0.1:8000/graphql") == "http://proxy.lan:3128"
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    assert chosen("http://127.0.0.1:8000/graphql") is None


def test_credentials_are_kept_for_the_proxy_but_never_shown(monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", "http://door-3:S3cret!pw@proxy.lan:3128")
    proxy = proxy_for(API)
    assert proxy is not None
    assert proxy.raw_auth == (b"door-3", b"S3cret!pw")
    assert shown(proxy) == "http://proxy.lan:3128"
    assert "S3cret" not in repr(proxy) and "S3cret" not in str(proxy.url)


@pytest.mark.parametrize("url", ["socks5://door:pw@10.0.0.1:1080", "socks5h://10.0.0.1:1080"])
def test_a_socks_proxy_is_refused_in_words(monkeypatch, url):
    monkeypatch.setenv("ALL_PROXY", url)
    with pytest.raises(ProxyRefused, match="SOCKS proxy") as caught:
        proxy_for(API)
    assert "10.0.0.1:1080" in str(caught.value) and "pw" not in str(caught.value)


def test_a_proxy_that_is_no_url_is_refused(monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", "ftp://user:pw@proxy.lan:21")
    with pytest.raises(ProxyRefused, match="not an http") as caught:
        proxy_for(API)
    assert "pw" not in str(caught.value)


def test_shown_url_drops_user_password_and_path():
    assert shown_url("http://u:p@[::1]:3128/x?y") == "http://[::1]:3128"
    assert shown_url("https://proxy.lan") == "https://proxy.lan"
