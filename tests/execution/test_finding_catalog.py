"""The finding codes of the runner, kept as data in findings.yaml."""

from __future__ import annotations

import re

from themelion_docs.execution import catalog
from themelion_docs.execution.catalog import make_finding
from themelion_docs.findings import Severity


def test_every_code_has_a_kebab_case_name_a_severity_a_message_and_a_hint():
    kinds = catalog()
    assert len(kinds) >= 20
    for code, kind in kinds.items():
        assert re.fullmatch(r"E\d{3}", code)
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", kind.name), kind.name
        assert kind.message and kind.hint


def test_names_are_unique():
    names = [kind.name for kind in catalog().values()]
    assert len(names) == len(set(names))


def test_codes_named_in_the_contract():
    expected = {
        "E001": "opcao-desconhecida", "E002": "valor-de-opcao-invalido", "E003": "run-no-sem-motivo",
        "E004": "saida-sem-bloco", "E010": "exemplo-falhou", "E011": "saida-divergente",
        "E012": "tempo-esgotado", "E013": "limite-de-memoria", "E014": "saida-truncada",
        "E015": "erro-esperado-nao-ocorreu", "E016": "sessao-interrompida",
        "E017": "processo-encerrado-por-sinal", "E020": "node-ausente",
    }
    assert {code: catalog()[code].name for code in expected} == expected


def test_node_absence_is_only_a_warning():
    assert catalog()["E020"].severity is Severity.WARNING
    single = make_finding("E020", "a.md", 3, others="")
    assert single.message == "não executado: Node.js ausente"


def test_output_flood_is_an_error():
    assert catalog()["E014"].severity is Severity.ERROR


def test_placeholders_are_filled():
    finding = make_finding("E012", "a.md", 3, timeout="1", max_timeout="60")
    assert finding.message == "o exemplo passou do limite de tempo de 1 s e foi encerrado"
    assert "60" in finding.hint
    assert (finding.path, finding.line, finding.code, finding.name) == ("a.md", 3, "E012", "tempo-esgotado")


def test_the_runner_package_never_imports_mkdocs():
    from pathlib import Path

    import themelion_docs.execution as package

    for source in Path(package.__file__).parent.glob("*.py"):
        assert not re.search(r"^\s*(import|from)\s+mkdocs", source.read_text(), re.M), source
