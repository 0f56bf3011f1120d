"""The Grafana dashboard and the Prometheus rules of docker/ read what the API really exports.

A panel over a misspelt metric or label shows "No data" forever and nobody notices; so every
PromQL expression of docker/grafana/dashboards/*.json and docker/prometheus/alerts.yml is
checked against the families the real /metrics serves (real Redis), and the wiring between
the files (data source uid, scrape target, alert names) is checked against its other end.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
import yaml  # PyYAML: installed with schemathesis (requirements-dev.txt)
from fastapi.testclient import TestClient
from prometheus_client.metrics import MetricWrapperBase
from prometheus_client.parser import text_string_to_metric_families

from sync_service.alerts import ALERTS
from sync_service.main import create_app
from sync_service.stats import STATS

DOCKER = Path(__file__).resolve().parents[2] / "docker"
DASHBOARDS = sorted((DOCKER / "grafana" / "dashboards").glob("*.json"))
RULES = DOCKER / "prometheus" / "alerts.yml"

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_RANGE = re.compile(r"\[[^\]]*\]")
_GROUPING = re.compile(r"\b(?:by|without)\s*\(([^)]*)\)")
_SELECTOR = re.compile(r"([a-zA-Z_:][\w:]*)?\s*\{([^}]*)\}")
_MATCHER = re.compile(r"(\w+)\s*(?:=~|!~|!=|=)\s*\"")
_IDENT = re.compile(r"(?<![\w$])([a-zA-Z_:][\w:]*)(?![\w:])(?!\s*\()")
_LABEL_REPLACE = re.compile(
    r',\s*"(\w+)"\s*,\s*"(?:[^"\\]|\\.)*"\s*,\s*"\w+"\s*,\s*"(?:[^"\\]|\\.)*"\s*\)'
)
_LEGEND = re.compile(r"\{\{\s*(\w+)\s*\}\}")
_KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "and", "or",
             "unless", "bool", "offset", "inf", "nan"}  # fmt: skip
_SUFFIXES = {"counter": ("_total", "_created"), "gauge": ("",), "unknown": ("",),
             "histogram": ("_bucket", "_sum", "_count", "_created"),
             "summary": ("", "_sum", "_count", "_created")}  # fmt: skip


@pytest.fixture(scope="module")
def exported(redis_server) -> dict[str, set[str]]:
    """Series name -> its label names, as the API's /metrics serves them."""
    client = redis_server.client()
    client.flushdb()
    client.hincrby(STATS, "ingested:order:created", 1)  # a worker outcome, as workers count
    try:
        from tests.sync.helpers import make_settings

        with TestClient(create_app(make_settings(redis_server.url))) as api:
            reply = api.get("/metrics")
    finally:
        client.flushdb()
        client.close()
    assert reply.status_code == 200
    # Label names of the API's own metrics, also of those with no sample yet.
    declared = {
        metric._name: set(metric._labelnames)
        for name, module in list(sys.modules.items())
        if name.startswith("sync_service")
        for metric in vars(module).values()
        if isinstance(metric, MetricWrapperBase)
    }
    series: dict[str, set[str]] = {}
    for family in text_string_to_metric_families(reply.text):
        labels = set(declared.get(family.name, ()))
        for sample in family.samples:
            labels |= set(sample.labels) - {"le", "quantile"}
        for suffix in _SUFFIXES[family.type]:
            series[family.name + suffix] = set(labels)
        if family.type == "histogram":
            series[family.name + "_bucket"].add("le")
    return series


def problems(expr: str, legend: str, series: dict[str, set[str]]) -> list[str]:
    """What in one PromQL expression (and its legend) names no series or label of /metrics."""
    found = []
    targets = [m.group(1) for m in _LABEL_REPLACE.finditer(expr)]
    text = _RANGE.sub("", expr)
    used_metrics: list[str] = []
    for match in _SELECTOR.finditer(text):
        metric, matchers = match.group(1), _STRING.sub('""', match.group(2))
        for label in _MATCHER.findall(matchers):
            if label == "__name__" or metric is None:
                continue
            if metric in series and label not in series[metric]:
                found.append(f"{metric} has no label {label!r}")
    text = _SELECTOR.sub(lambda m: " " + (m.group(1) or "") + " ", _STRING.sub('""', text))
    grouping = set()
    for match in _GROUPING.finditer(text):
        grouping |= {label.strip() for label in match.group(1).split(",") if label.strip()}
    text = _GROUPING.sub(" ", text)
    for name in _IDENT.findall(text):
        if name.lower() in _KEYWORDS:
            continue
        used_metrics.append(name)
        if name not in series:
            found.append(f"{name} is not exported at /metrics")
    labels = set().union(*(series.get(name, set()) for name in used_metrics))
    for label in grouping - labels:
        found.append(f"grouping by {label!r}, a label none of {used_metrics} has")
    result = grouping or labels  # an aggregation keeps only the labels it groups by
    for label in set(_LEGEND.findall(legend)) - result - set(targets):
        found.append(f"legend names {label!r}, a label the result does not have")
    return found


def dashboard_queries(path: Path) -> list[tuple[str, str, str]]:
    dashboard = json.loads(path.read_text())
    return [(panel["title"], target["expr"], target.get("legendFormat", ""))
            for panel in dashboard["panels"] for target in panel.get("targets", ())]  # fmt: skip


def rules() -> list[dict]:
    return [rule for group in yaml.safe_load(RULES.read_text())["groups"]
            for rule in group["rules"]]  # fmt: skip


def test_the_check_finds_misspelt_metrics_labels_and_legends(exported):
    assert problems('sum by (source) (rate(oms_webhooks_accepted_total[5m]))', "{{source}}",
                    exported) == []  # fmt: skip
    assert problems("rate(oms_webhook_accepted_total[5m])", "", exported) == [
        "oms_webhook_accepted_total is not exported at /metrics"]  # fmt: skip
    assert problems('oms_inbox_lag{were="stream"}', "", exported) == [
        "oms_inbox_lag has no label 'were'"]  # fmt: skip
    assert problems("sum by (channel) (oms_dead_letters)", "", exported) == [
        "grouping by 'channel', a label none of ['oms_dead_letters'] has"]  # fmt: skip
    assert problems(
        "sum by (source) (rate(oms_webhooks_stale_total[5m]))", "{{sorce}}", exported
    ) == ["legend names 'sorce', a label the result does not have"]
    assert problems('label_replace(sum by (outcome) (oms_worker_events_total), "what", "$1", '
                    '"outcome", "ingested:(.*)")', "{{what}}", exported) == []  # fmt: skip


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.name)
def test_every_panel_reads_series_the_api_exports(path, exported):
    queries = dashboard_queries(path)
    assert queries, f"{path.name} has no query"
    found = {f"{title}: {expr}": problems(expr, legend, exported)
             for title, expr, legend in queries}  # fmt: skip
    assert {query: errors for query, errors in found.items() if errors} == {}


def test_every_alert_of_the_service_is_a_rule_over_its_exported_flag(exported):
    expressions = [rule["expr"] for rule in rules()]
    assert {problem for expr in expressions for problem in problems(expr, "", exported)} == set()
    flagged = {re.search(r'oms_alert\{alert="(\w+)"\}', expr).group(1) for expr in expressions}
    assert flagged == set(ALERTS)  # docs/sync_service.md's alerts, no more, no fewer


def test_the_files_point_at_each_other():
    compose = yaml.safe_load((DOCKER / "compose.yaml").read_text())
    services = compose["services"]
    scrape = yaml.safe_load((DOCKER / "prometheus" / "prometheus.yml").read_text())
    assert scrape["rule_files"] == [RULES.name]
    [job] = scrape["scrape_configs"]
    [target] = [t for config in job["static_configs"] for t in config["targets"]]
    host, port = target.split(":")
    command = services[host]["command"]
    assert command[command.index("--port") + 1] == port  # the port the api listens on

    source = yaml.safe_load(
        (DOCKER / "grafana" / "provisioning" / "datasources" / "prometheus.yml").read_text()
    )
    [datasource] = source["datasources"]
    assert datasource["url"] == "http://prometheus:9090" and "prometheus" in services
    for path in DASHBOARDS:
        panels = json.loads(path.read_text())["panels"]
        uids = {p["datasource"]["uid"] for p in panels if "datasource" in p}
        uids |= {t["datasource"]["uid"] for p in panels for t in p.get("targets", ())}
        assert uids == {datasource["uid"]}, path.name
