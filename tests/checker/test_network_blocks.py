"""Issue 21: a block that tries to leave the machine gets E031, not E010 with a traceback.

The sandbox only has loopback. The judge is pure over an Outcome, so most
cases are synthetic outcomes (what the worker reports for each kind of
failure); one block really runs in the sandbox.
"""

from __future__ import annotations

import errno

import pytest

from themelion_docs.execution import RunnerSettings, build_examples, run_examples
from themelion_docs.execution.judge import judge
from themelion_docs.execution.outcome import Outcome
from themelion_docs.execution.tracebacks import SourceMap
from themelion_docs.lesson import parse

PAGE = "content/backend/protocolos/rede.md"
SETTINGS = RunnerSettings(jobs=1, default_timeout=5.0, max_timeout=20.0, cache_dir=None)


def _example(options: str = ""):
    text = f"# Rede\n\n```python{options}\nimport urllib.request\nurllib.request.urlopen('http://exemplo.com.br/')\n```\n"
    examples, findings = build_examples(PAGE, list(parse(PAGE, text).fences), SETTINGS)
    assert not findings
    return examples[0]


def _judged(outcome: Outcome, options: str = ""):
    example = _example(options)
    return judge(example, outcome, SourceMap(PAGE, (example.content_line,)), SETTINGS)


URLERROR_DNS = ("Traceback (most recent call last):\n" + "  File \"x\", line 1, in <module>\n" * 30
                + "socket.gaierror: [Errno -3] Temporary failure in name resolution\n\n"
                "During handling of the above exception, another exception occurred:\n\n"
                "urllib.error.URLError: <urlopen error [Errno -3] Temporary failure in name resolution>\n")


@pytest.mark.parametrize("outcome, what", [
    (Outcome("finished", exit_code=1, exc_type="URLError", traceback=URLERROR_DNS), "DNS"),
    (Outcome("finished", exit_code=1, exc_type="gaierror",
             traceback="socket.gaierror: [Errno -2] Name or service not known\n"), "DNS"),
    (Outcome("finished", exit_code=1, exc_type="OSError", errno=errno.ENETUNREACH,
             traceback="OSError: [Errno 101] Network is unreachable\n"), "sem rota para a rede"),
    (Outcome("finished", exit_code=1, exc_type="ConnectError",
             traceback="httpx.ConnectError: [Errno -3] Temporary failure in name resolution\n"), "DNS"),
    (Outcome("finished", exit_code=1, exc_type="Error",
             traceback="Error: getaddrinfo EAI_AGAIN api.exemplo.com\n"), "DNS"),
])
def test_network_failures_get_their_own_finding_and_hint(outcome, what):
    verdict = _judged(outcome)
    assert verdict.status == "failed"
    assert [f.code for f in verdict.findings] == ["E031"]
    finding = verdict.findings[0]
    assert what in finding.message and "loopback (127.0.0.1)" in finding.message
    assert "run=\"no\" reason=" in finding.hint and "127.0.0.1" in finding.hint
    assert "expect=" not in finding.hint  # no longer "mark it expect=URLError"
    assert finding.message.count("\n") == 0  # the last error line, not 40 lines of traceback


def test_an_expect_for_another_exception_still_says_it_is_the_network():
    verdict = _judged(Outcome("finished", exit_code=1, exc_type="URLError", traceback=URLERROR_DNS),
                      ' expect="ValueError"')
    assert [f.code for f in verdict.findings] == ["E031"]


def test_loopback_refused_and_ordinary_errors_stay_e010():
    refused = Outcome("finished", exit_code=1, exc_type="ConnectionRefusedError", errno=errno.ECONNREFUSED,
                      traceback="ConnectionRefusedError: [Errno 111] Connection refused\n")
    key = Outcome("finished", exit_code=1, exc_type="KeyError", traceback="KeyError: 'cha'\n")
    loopback = 'import socket\nsocket.create_connection(("127.0.0.1", 9), timeout=1)'
    assert [f.code for f in _judged_code(loopback, refused).findings] == ["E010"]
    assert [f.code for f in _judged(key).findings] == ["E010"]


def test_a_real_block_that_resolves_a_name_in_the_sandbox_gets_e031():
    example = _example()
    report = run_examples([example], SETTINGS)
    (result,) = report.results
    assert result.status in ("failed", "timeout")
    if result.status == "failed":  # DNS answered "no network" at once
        assert [f.code for f in result.findings] == ["E031"], result.findings


def _judged_code(code: str, outcome: Outcome):
    text = f"# Rede\n\n```python\n{code}\n```\n"
    examples, _ = build_examples(PAGE, list(parse(PAGE, text).fences), SETTINGS)
    example = examples[0]
    return judge(example, outcome, SourceMap(PAGE, (example.content_line,)), SETTINGS)


REFUSED = Outcome("finished", exit_code=1, exc_type="ConnectionRefusedError", errno=errno.ECONNREFUSED,
                  traceback="ConnectionRefusedError: [Errno 111] Connection refused\n")


def test_refused_by_a_host_outside_the_machine_is_the_network_not_the_block():
    outside = 'import socket\nsocket.create_connection(("10.0.0.5", 5432), timeout=1)'
    verdict = _judged_code(outside, REFUSED)
    assert [f.code for f in verdict.findings] == ["E031"]
    assert "conexão recusada num endereço fora da máquina" in verdict.findings[0].message
    url = 'import urllib.request\nurllib.request.urlopen("https://api.github.com/", timeout=1)'
    wrapped = Outcome("finished", exit_code=1, exc_type="URLError",
                      traceback="urllib.error.URLError: <urlopen error [Errno 111] Connection refused>\n")
    assert [f.code for f in _judged_code(url, wrapped).findings] == ["E031"]


def test_refused_on_loopback_is_the_blocks_own_bug():
    local = 'import socket\nsocket.create_connection(("127.0.0.1", 8080), timeout=1)'
    assert [f.code for f in _judged_code(local, REFUSED).findings] == ["E010"]
    both = 'import urllib.request\n# servidor em http://localhost:8000, documentação em https://docs.python.org\n' \
           'urllib.request.urlopen("http://localhost:8000/")'
    assert [f.code for f in _judged_code(both, REFUSED).findings] == ["E010"]
