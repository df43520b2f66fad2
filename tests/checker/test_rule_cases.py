"""Every rule of the registry: the good lesson passes it, one small change fails it.

Each case is a mutation of ``tests/fixtures/lesson_ok.md`` (or a tiny page of
its own) that produces the rule's code at the line an author would fix, with
a Portuguese message naming the thing to fix. ``also`` lists the codes that
the same change legitimately brings along (e.g. no front matter also means no
title); anything else is a regression.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from typing import Callable

import pytest
import yaml

from checker_helpers import (
    GOOD_ID,
    GOOD_REL,
    check,
    codes,
    findings,
    line_of,
    mutate,
    outcome_runner,
    short,
    with_code,
)
from themelion_docs.config import load_config


@dataclass(frozen=True)
class Case:
    code: str
    pages: Callable[[str], list]  # good text -> [(rel, text), ...], the page under test first
    at: int | str | Callable[[str], int] | None  # expected line: number, text on that line, or function
    says: str = ""  # part of the message
    also: frozenset[str] = field(default_factory=frozenset)
    execute: Callable | None = None

    def __str__(self) -> str:
        return self.code


def edit(*replacements: str) -> Callable[[str], list]:
    """The good lesson with ``old, new, old, new...`` replaced, at GOOD_REL."""
    def build(good: str) -> list:
        text = good
        for old, new in zip(replacements[::2], replacements[1::2]):
            text = mutate(text, old, new)
        return [(GOOD_REL, text)]
    return build


LOG_CALL = 'logger.warning("tentativa %d falhou: %s", tentativa, erro)'


def without_logging(instead: str) -> Callable[[str], list]:
    """The production block with its logging import replaced by ``instead`` and print for the log call."""
    return edit("import logging\n\nlogger = logging.getLogger(__name__)\n\n\n", instead,
                LOG_CALL, 'print("tentativa", tentativa, "falhou:", erro)')


def alone(rel: str, text: str | bytes) -> Callable[[str], list]:
    return lambda good: [(rel, text)]


def first_fence_after(heading: str) -> Callable[[str], int]:
    def line(text: str) -> int:
        return line_of(text, "```", start=line_of(text, heading))
    return line


def drop_section_body(good: str, title: str) -> str:
    """Keep ``## title`` but delete everything up to the next ``## ``."""
    head, _, rest = good.partition(f"## {title}\n")
    _, sep, tail = rest.partition("\n## ")
    return head + f"## {title}\n" + (sep + tail if sep else "\n")


def swap_sections(good: str, first: str, second: str) -> str:
    """Move ``## second`` (up to the next ``## ``) in front of ``## first``."""
    start = good.index(f"## {second}\n")
    end = good.index("\n## ", start) + 1
    block = good[start:end]
    without = good[:start] + good[end:]
    at = without.index(f"## {first}\n")
    return without[:at] + block + without[at:]


MAX_BYTES = load_config().max_page_bytes
LATIN1_LINE = "Cada conexão nova custa um handshake TCP e outro TLS"
NON_LESSON = "backend/protocolos/index.md"

CASES = [
    # ------------------------------------------------------------------ page
    Case("M001", lambda good: [(GOOD_REL, good.encode().replace(LATIN1_LINE.encode(), LATIN1_LINE.encode("latin-1")))],
         at=LATIN1_LINE.replace("ã", "\ufffd"), says="coluna 11"),
    Case("M002", alone(GOOD_REL, ""), at=1, says="vazia"),
    Case("M003", edit("- [Documentação oficial do urllib3](https://urllib3.readthedocs.io/)\n",
                      "- [Documentação oficial do urllib3](https://urllib3.readthedocs.io/)\n\n```python title=\"sem_fim.py\"\nprint(1)\n"),
         at='title="sem_fim.py"', says="```"),
    Case("M004", alone(GOOD_REL, b"a" * (MAX_BYTES + 1)), at=1, says=f"{MAX_BYTES + 1} bytes"),
    Case("M005", edit("## Referências\n", "## Referências\n\n" + "> " * 200 + "fundo\n\n"), at="fundo", says="máximo 30"),
    Case("M006", alone("backend/index.md", "---\ndescription: A sala.\n---\n\nTexto sem título.\n"), at=1,
         says="title:"),
    # ---------------------------------------------------------- front matter
    Case("F001", lambda good: [(GOOD_REL, good.split("---\n", 2)[2])], at=1, says="front matter",
         also=frozenset({"M006"})),
    Case("F002", edit("order: 1\n", "order: 1: 2\n"), at="order: 1: 2", says="YAML"),
    Case("F003", edit("tags: [http, conexoes]\n", "tags: [http, conexoes]\nobjetives: [Explicar]\n"),
         at="objetives:", says="`objetives` (quis dizer `objectives`?)"),
    Case("F004", edit("description: Por que reaproveitar conexões TCP corta a latência e como configurar o keep-alive.\n", ""),
         at=1, says="`description`"),
    Case("F005", edit("order: 1\n", "order: primeiro\n"), at="order:", says="`order` deve ser um número inteiro"),
    Case("F006", edit("module: protocolos\n", "module: protocolo\n"), at="module:", says="quis dizer `protocolos`"),
    Case("F007", edit("level: intermediario\n", "level: Intermediário\n"), at="level:", says="`Intermediário`"),
    Case("F008", edit("  - Configurar um pool de conexões com timeout e retentativas\n", ""), at="objectives:",
         says="1 objetivo(s)"),
    Case("F009", edit("tags: [http, conexoes]\n", "tags: [http, conexoes]\nprerequisites: [protocolos/websocket]\n"),
         at="prerequisites:", says="`protocolos/websocket`"),
    Case("F010", edit("tags: [http, conexoes]\n", f"tags: [http, conexoes]\nprerequisites: [{GOOD_ID}]\n"),
         at="prerequisites:", says=f"{GOOD_ID} → {GOOD_ID}"),
    Case("F011", edit("tags: [http, conexoes]\n", "tags: [http, conexoes]\nwaive:\n  Q040:\n"), at="  Q040:",
         says="não tem motivo"),
    Case("F012", lambda good: [(GOOD_REL, good), ("backend/protocolos/outra.md", good)], at="order:",
         says="docs/backend/protocolos/outra.md"),
    Case("F013", edit("level: intermediario\n", "level: intermediario\nlevel: avancado\n"), at="level: avancado",
         says="`level` aparece de novo aqui (já estava na linha 6)"),
    # -------------------------------------------------------------- sections
    Case("S001", edit("## Como funciona\n\n", ""), at="## Na prática", says="`## Como funciona`"),
    Case("S002", lambda good: [(GOOD_REL, good + "\n## Referências\n\nOutra lista de fontes sobre conexões persistentes, escrita mais tarde.\n")],
         at=lambda text: line_of(text, "## Referências", start=line_of(text, "## Referências") + 1),
         says="a primeira está na linha"),
    Case("S003", lambda good: [(GOOD_REL, drop_section_body(good, "Referências"))], at="## Referências",
         says="`## Referências` está vazia", also=frozenset({"Q100", "Q101"})),
    Case("S004", lambda good: [(GOOD_REL, swap_sections(good, "Na prática", "Quando usar"))], at="## Na prática",
         says="deveria vir antes de `## Quando usar`"),
    Case("S005", edit("## Referências\n", "## Curiosidades\n\nO keep-alive surgiu como extensão do HTTP/1.0.\n\n"
                                          "## Referências\n"),
         at="## Curiosidades", says="`## Curiosidades`"),
    # ------------------------------------------------------------- checklist
    Case("Q010", edit("O cliente abre a conexão uma vez e envia várias requisições por ela, em\n"
                      "sequência, até que um dos lados a feche por ociosidade.\n\n", ""),
         at="## O que é e por que importa", says="mínimo é 306"),
    Case("Q011", edit("O módulo padrão já reaproveita a conexão enquanto o objeto existir.\n\n", ""),
         at="## Na prática", says="`## Na prática` tem 12 palavras"),
    Case("Q020", edit('```diagram title="Uma conexão, várias requisições"', '```text'), at="## Como funciona",
         says="```diagram"),
    Case("Q030", edit("### Segurança\n", "### Conexões reaproveitadas\n"), at="## O que é e por que importa",
         says="3 termo(s)"),
    Case("Q040", edit("com 10.000 req/s", "com 200 req/s"), at="## O que é e por que importa",
         says="100 req/s"),
    Case("Q050", edit("o cliente desiste por timeout, faz uma\nretentativa com backoff de 200 ms e, depois de 3 "
                      "tentativas, usa um fallback\nem cache.", "o cliente desiste em 200 ms e mostra o erro."),
         at="## O que é e por que importa", says="1 termo(s) de falha (timeout)"),
    Case("Q060", edit("| HTTP/2 | 1 ms | 128 KB |\n", ""), at="| Estratégia", says="(a maior tem 2)"),
    Case("Q061", edit("o custo de\nmemória de manter", "a memória gasta\npara manter"), at="## Quando usar",
         says="não discute custo"),
    Case("Q070", edit("### Pronto para produção\n", "### Versão completa\n"), at="## Na prática",
         says="`### Pronto para produção`"),
    Case("Q071", without_logging(""), at=first_fence_after("### Pronto para produção"), says="logging"),
    Case("Q072", edit("except TimeoutError as erro:", "except:", LOG_CALL, 'logger.warning("tentativa %d falhou", tentativa)'),
         at="except:", says="`except:` sem tipo"),
    # The text alone is not the answer: "logging" in a comment imports nothing, a bare `except`
    # split by a line continuation is still bare, and a typed except inside a string is no handler.
    Case("Q071", without_logging("# sem `import logging`: o registro fica para depois\n\n\n"),
         at=first_fence_after("### Pronto para produção"), says="logging"),
    Case("Q072", edit("except TimeoutError as erro:", "except \\\n        :",
                      LOG_CALL, 'logger.warning("tentativa %d falhou", tentativa)'),
         at="except \\", says="`except:` sem tipo"),
    Case("Q072", edit("except TimeoutError as erro:", "except:",
                      LOG_CALL, 'logger.warning("tentativa %d falhou (except ValueError: não)", tentativa)'),
         at=first_fence_after("### Pronto para produção"), says="nenhuma exceção específica"),
    Case("Q080", edit("assert total_de_handshakes(10, persistente=True) == 1\n"
                      "assert total_de_handshakes(10, persistente=False) == 10\n",
                      "print(total_de_handshakes(10, persistente=True))\n"),
         at="## O que é e por que importa", says="`assert`"),
    Case("Q081", edit(), at=first_fence_after("### Implementação mínima"), says="não passou (failed)",
         execute=outcome_runner("failed")),
    Case("Q090", edit("| Nova conexão | 80 ms | 4 KB |\n| Keep-alive | 1 ms | 64 KB |\n| HTTP/2 | 1 ms | 128 KB |",
                      "| Nova conexão | alta | pouca |\n| Keep-alive | baixa | média |\n| HTTP/2 | baixa | alta |"),
         at="## O que é e por que importa", says="10 quantidade(s)"),
    Case("Q091", edit("## Como funciona\n", "## Como funciona\n\nO keep-alive é rápido.\n"),
         at="O keep-alive é rápido.", says="«rápido»"),
    Case("Q100", edit("- [RFC 9110 — HTTP Semantics](https://www.rfc-editor.org/rfc/rfc9110)\n", ""),
         at="## Referências", says="2 referência(s)"),
    Case("Q101", edit('  - "RFC 9112 — HTTP/1.1"\n', '  - "Um post no Medium"\n'), at="sources:",
         says="`sources` do front matter"),
    Case("Q110", edit("### Pool sem limite\n", "**Pool sem limite**\n"), at="## Erros comuns",
         says="2 erro(s)"),
    Case("Q111", edit("✅ Crie o cliente uma vez e reaproveite-o em todas as chamadas.\n\n", ""),
         at="### Criar um cliente por requisição", says="não mostra o jeito certo"),
    Case("C001", edit("assert total_de_handshakes(10, persistente=True) == 1\n",
                      "assert total_de_handshakes(10, persistente=True) == 1" + " " * 40 + "# " + "x" * 60 + "\n"),
         at="# xxxx", says="(limite 100)"),
    Case("C002", edit("  |--- GET /b ------------->|\n",
                      "  |--- GET /b ------------->|" + " " * 60 + "(reaproveita a conexão)\n"),
         at="(reaproveita a conexão)", says="linha do diagrama com 112 caracteres (limite 100)"),
    # ------------------------------------------------------------ exercises
    Case("X001", edit('```python exercise="lote" part="tests" title="test_lote.py"', '```python title="test_lote.py"'),
         at="## Pratique", says="nenhum bloco com exercise"),
    Case("X002", edit("Complete `handshakes_do_lote(requisicoes, por_conexao)` para devolver quantos handshakes um\n"
                      "cliente faz para enviar `requisicoes` requisições quando cada conexão persistente atende no\n"
                      "máximo `por_conexao` delas. Os testes abaixo conferem lotes exatos, lotes com sobra e o lote vazio.\n",
                      "Complete a função.\n"),
         at=first_fence_after("### Exercício 1"), says="«lote» não tem enunciado", also=frozenset({"Q010", "Q011"})),
    Case("X003", edit('??? tip "Dica"\n', '??? note "Observação"\n'),
         at='```python exercise="lote" part="solution"', says="«lote» não tem dica"),
    Case("X004", edit("### Pronto para produção\n\nA versão", '### Pronto para produção\n\n'
                      '```python exercise="lote" part="solution"\nx = 1\n```\n\nA versão'),
         at='```python exercise="lote" part="solution"', says="fora de `## Pratique` (em `## Na prática`)"),
    # ---------------------------------------------------------------- prose
    Case("L001", edit("## Quando usar\n", "## Quando usar\n\n!!! note\n    O pool guarda 50 conexões por host.\n"),
         at="!!! note", says="«Note»"),
    Case("L002", edit("O módulo padrão já reaproveita", "O módulo padrão já devolve a response e reaproveita"),
         at="O módulo padrão", says="prefira «resposta»"),
    Case("L003", edit("## Quando usar\n", "## Quando usar\n\nTODO(themelion): compare com HTTP/2.\n"),
         at="TODO(themelion)", says="`## Quando usar` ainda tem 1 marcador(es)"),
    Case("L004", edit("## Quando usar\n", "## Quando usar\n\nnome do erro 1\n"),
         at="nome do erro 1", says="«nome do erro 1»"),
    # ----------------------------------------------------------- other pages
    Case("P001", alone(NON_LESSON, "---\ntitle: Protocolos\nobjectives: [Explicar]\n---\n\n# Protocolos\n"),
         at="objectives:", says="`objectives`"),
]


@pytest.fixture(scope="module")
def good_findings(good_text):
    """What the good lesson gets in every run shape a case uses."""
    report = check([(GOOD_REL, good_text)], execute=outcome_runner("passed"))
    return findings(report)


def test_the_good_lesson_passes_every_rule(good_findings):
    assert [f"{f.line}: {f.code} {f.message}" for f in good_findings] == []


def test_the_good_lesson_passes_without_running_examples(good_text):
    assert findings(check([(GOOD_REL, good_text)])) == ()


def test_a_clean_index_page_passes_every_rule():
    report = check([(NON_LESSON, "---\ntitle: Protocolos\ndescription: O módulo.\n---\n\n# Protocolos\n")])
    assert findings(report, NON_LESSON) == ()


def test_every_registry_rule_has_a_failing_case():
    """A rule added to the registry without a failing case fails the suite."""
    in_yaml = set(yaml.safe_load(resources.files("themelion_docs").joinpath("data/rules.yaml").read_text("utf-8"))["rules"])
    # E* codes registered by the example runner outside rules.yaml are tested with the runner.
    required = {code for code in load_config().rules if code in in_yaml or not code.startswith("E")}
    missing = sorted(required - {case.code for case in CASES})
    assert missing == [], f"rules without a failing case in CASES: {missing}"


def test_every_case_is_a_registry_rule():
    assert sorted({case.code for case in CASES} - set(load_config().rules)) == []


@pytest.mark.parametrize("case", CASES, ids=str)
def test_rule_fails_on_its_mutation(case: Case, good_text: str, good_findings):
    assert case.code not in codes(good_findings)
    pages = case.pages(good_text)
    report = check(pages, execute=case.execute)
    rel, content = pages[0]
    found = findings(report, rel)
    hits = with_code(found, case.code)

    assert hits, f"{case.code} not reported; got {[(f.line, f.code) for f in found]}"
    unexpected = set(codes(found)) - {case.code} - case.also
    assert not unexpected, f"{case.code} mutation also produced {sorted(unexpected)}: {[(f.line, f.code, f.message) for f in found]}"
    if case.at is not None:
        text = content if isinstance(content, str) else content.decode("utf-8", errors="replace")
        expected = case.at if isinstance(case.at, int) else (
            line_of(text, case.at) if isinstance(case.at, str) else case.at(text))
        assert expected in [f.line for f in hits], f"expected line {expected}, got {[f.line for f in hits]}"
    assert any(case.says in f.message for f in hits), [f.message for f in hits]
    spec = load_config().rule(case.code)
    assert all(f.name == spec.name and f.severity == spec.severity for f in hits)


@pytest.mark.parametrize("case", [c for c in CASES if c.code.startswith(("Q", "S"))], ids=str)
def test_waivable_rule_is_silenced_by_a_waiver_with_a_reason(case: Case, good_text: str):
    """Section and checklist findings can be waived; the waiver is reported instead."""
    pages = case.pages(good_text)
    rel, content = pages[0]
    waived = mutate(content, "tags: [http, conexoes]\n",
                    f'tags: [http, conexoes]\nwaive:\n  {case.code}: "caso de teste"\n')
    report = check([(rel, waived), *pages[1:]], execute=case.execute)
    assert case.code not in codes(findings(report, rel))
    assert [(w.code, w.reason) for w in report.waivers] == [(case.code, "caso de teste")]


def test_severity_override_turns_a_warning_into_an_error(good_text):
    vague = mutate(good_text, "## Como funciona\n", "## Como funciona\n\nO keep-alive é rápido.\n")
    report = check([(GOOD_REL, vague)], config=short(overrides={"termo-vago": {"severity": "error"}}))
    assert [f.severity.value for f in with_code(findings(report), "Q091")] == ["error"]
    assert report.errors == 1
