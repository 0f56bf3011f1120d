"""`python -m oms_engine`: the examples' plans, the schemas they follow, errors naming fields."""

from __future__ import annotations

import copy
import dataclasses
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import oms_engine
from oms_engine.__main__ import main

PACKAGE = Path(oms_engine.__file__).parent
EXAMPLES = PACKAGE / "examples"
SCHEMAS = PACKAGE / "schemas"


def schema(name):
    return json.loads((SCHEMAS / f"{name}.schema.json").read_text())


def validate(instance, node, root, path="$"):
    """The JSON Schema subset our schemas use; returns the first violation or None."""
    if "$ref" in node:
        return validate(instance, root["$defs"][node["$ref"].split("/")[-1]], root, path)
    if "anyOf" in node:
        if all(validate(instance, option, root, path) for option in node["anyOf"]):
            return f"{path}: matches no alternative"
        return None
    if "const" in node and instance != node["const"]:
        return f"{path}: must be {node['const']!r}"
    if "enum" in node and instance not in node["enum"]:
        return f"{path}: not in {node['enum']}"
    kind = node.get("type")
    checks = {
        "object": lambda v: isinstance(v, dict),
        "array": lambda v: isinstance(v, list),
        "string": lambda v: isinstance(v, str),
        "boolean": lambda v: isinstance(v, bool),
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
        "null": lambda v: v is None,
    }
    if kind and not checks[kind](instance):
        return f"{path}: not {kind}"
    if kind in ("number", "integer"):
        if "minimum" in node and instance < node["minimum"]:
            return f"{path}: below minimum"
        if "exclusiveMinimum" in node and instance <= node["exclusiveMinimum"]:
            return f"{path}: not above minimum"
        if "maximum" in node and instance > node["maximum"]:
            return f"{path}: above maximum"
    if kind == "string":
        if len(instance) < node.get("minLength", 0):
            return f"{path}: too short"
        if "pattern" in node and not re.search(node["pattern"], instance):
            return f"{path}: does not match {node['pattern']}"
    if kind == "array":
        if len(instance) < node.get("minItems", 0):
            return f"{path}: too few items"
        for i, item in enumerate(instance):
            error = validate(item, node.get("items", {}), root, f"{path}[{i}]")
            if error:
                return error
    if kind == "object":
        for key in node.get("required", []):
            if key not in instance:
                return f"{path}.{key}: required"
        props = node.get("properties", {})
        for key, value in instance.items():
            if key in props:
                error = validate(value, props[key], root, f"{path}.{key}")
            elif node.get("additionalProperties") is False:
                error = f"{path}.{key}: not allowed"
            elif isinstance(node.get("additionalProperties"), dict):
                error = validate(value, node["additionalProperties"], root, f"{path}.{key}")
            else:
                error = None
            if error:
                return error
    return None


def run(capsys, *args):
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def route_json(capsys, path):
    code, out, err = run(capsys, "route", str(path))
    assert code == 0, err
    return json.loads(out)


@pytest.mark.parametrize("name", ["split_order", "dangerous_goods", "pickup_with_transfer"])
def test_examples_follow_the_problem_schema_and_their_plans_the_plan_schema(capsys, name):
    problem = json.loads((EXAMPLES / f"{name}.json").read_text())
    assert validate(problem, schema("problem-1"), schema("problem-1")) is None
    plan = route_json(capsys, EXAMPLES / f"{name}.json")
    assert validate(plan, schema("plan-1"), schema("plan-1")) is None


def test_the_schema_check_can_fail():
    problem = json.loads((EXAMPLES / "split_order.json").read_text())
    problem["order"]["lines"][0]["quantity"] = 0
    assert "quantity" in validate(problem, schema("problem-1"), schema("problem-1"))


def test_split_order_example_ships_from_two_nodes_and_explains_the_runner_up(capsys):
    plan = route_json(capsys, EXAMPLES / "split_order.json")["plans"][0]
    assert plan["status"] == "complete" and plan["method"] == "exact"
    assert sorted(s["node"] for s in plan["shipments"]) == ["DC-BERLIN", "STORE-HAMBURG"]
    runner = plan["explanation"]["runners_up"][0]
    assert runner["nodes"] == ["DC-MUNICH"]
    assert runner["delta"]["lateness"] > 0 > runner["delta"]["packages"]
    assert {"node": "STORE-COLOGNE", "rule": "capacity_reached"}.items() <= plan["explanation"][
        "excluded"
    ][0].items()


def test_dangerous_goods_example_keeps_the_lamp_oil_away_from_the_store(capsys):
    plan = route_json(capsys, EXAMPLES / "dangerous_goods.json")["plans"][0]
    assert [s["node"] for s in plan["shipments"]] == ["DC-BERLIN"]
    assert plan["shipments"][0]["carrier_service"] == "dhl-paket"
    rules = {(e["node"], e["rule"], e["sku"]) for e in plan["explanation"]["excluded"]}
    assert ("STORE-HAMBURG", "dangerous_goods_not_certified", "LAMP-OIL-1L") in rules


def test_pickup_example_transfers_what_the_store_lacks(capsys):
    plan = route_json(capsys, EXAMPLES / "pickup_with_transfer.json")["plans"][0]
    kinds = [(s["node"], s["kind"]) for s in plan["shipments"]]
    assert kinds == [("STORE-HAMBURG", "pickup"), ("DC-BERLIN", "transfer")]
    assert plan["promised_date"] == "2026-11-27"


def test_explain_mode_reads_like_a_sentence(capsys):
    code, out, _ = run(capsys, "route", str(EXAMPLES / "split_order.json"), "--explain")
    assert code == 0
    assert "Order WEB-1042: complete, 2 shipment(s)" in out
    assert "STORE-COLOGNE: capacity_reached (daily capacity reached)" in out
    assert "DC-MUNICH (dhl-paket)" in out and "lateness +" in out


def test_promise_command_follows_its_schema(capsys):
    code, out, err = run(capsys, "promise", str(EXAMPLES / "split_order.json"))
    assert code == 0, err
    answer = json.loads(out)
    assert validate(answer, schema("promise-1"), schema("promise-1")) is None
    assert answer["delivery_date"] == "2026-11-27"


def test_same_problem_same_output(capsys):
    first = run(capsys, "route", str(EXAMPLES / "split_order.json"))
    second = run(capsys, "route", str(EXAMPLES / "split_order.json"))
    assert first == second


def _broken(tmp_path, change):
    doc = json.loads((EXAMPLES / "split_order.json").read_text())
    change(doc)
    path = tmp_path / "problem.json"
    path.write_text(json.dumps(doc))
    return path


def _set(path, value):
    def change(doc):
        *parents, last = path
        target = doc
        for key in parents:
            target = target[key]
        target[last] = value

    return change


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            _set(["order", "lines", 2, "quantity"], 0),
            "order.lines[2].quantity: must be a positive integer",
        ),
        (
            _set(["order", "lines", 0, "quantity"], 1.5),
            "order.lines[0].quantity: must be a positive integer",
        ),
        (
            _set(["order", "order_time"], "2026-11-26T14:30:00"),
            "order.order_time: must carry a UTC offset",
        ),
        (
            _set(["order", "service_level"], "overnight"),
            "order.service_level: must be one of standard, express",
        ),
        (_set(["nodes", 1, "cutoff"], "25:00"), 'nodes[1].cutoff: must be a time "HH:MM"'),
        (_set(["nodes", 0, "lat"], 123), "nodes[0].lat: must be <= 90"),
        (_set(["nodes", 2, "colour"], "red"), "nodes[2].colour: unknown field"),
        (_set(["nodes", 1, "id"], "DC-BERLIN"), "nodes[1].id: duplicate node id 'DC-BERLIN'"),
        (
            _set(["carrier_services", 0, "zones", 1, "transit_days"], -1),
            "carrier_services[0].zones[1].transit_days",
        ),
        (_set(["stock", 0, "node"], "DC-PARIS"), "stock[0].node: unknown node 'DC-PARIS'"),
        (_set(["policy", "weights", "cost"], "cheap"), "policy.weights.cost: must be a number"),
        (_set(["schema"], "oms.problem/2"), "schema: must be 'oms.problem/1'"),
        (lambda d: d["order"].pop("destination"), "order.destination: is required"),
        (
            lambda d: d.update(orders=[copy.deepcopy(d["order"]), {"id": "x"}]),
            "orders[1].lines: is required",
        ),
        (_set(["order", "pickup_node"], "NOWHERE"), "order.pickup_node: unknown node 'NOWHERE'"),
    ],
)
def test_bad_input_is_one_line_naming_the_field(capsys, tmp_path, change, message):
    code, out, err = run(capsys, "route", str(_broken(tmp_path, change)))
    assert code == 2
    assert out == ""
    assert err.startswith(f"error: {message}")
    assert err.count("\n") == 1 and "Traceback" not in err


def test_unreadable_and_non_json_files_are_errors_too(capsys, tmp_path):
    code, _, err = run(capsys, "route", str(tmp_path / "missing.json"))
    assert code == 2 and err.startswith("error: problem: cannot read")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    code, _, err = run(capsys, "route", str(bad))
    assert code == 2 and err.startswith("error: problem: not JSON")


def test_module_entry_point_exits_2_without_traceback(tmp_path):
    path = _broken(tmp_path, _set(["order", "lines", 2, "quantity"], -3))
    done = subprocess.run(
        [sys.executable, "-m", "oms_engine", "route", str(path)], capture_output=True, text=True
    )
    assert done.returncode == 2
    assert done.stderr == "error: order.lines[2].quantity: must be a positive integer\n"


@pytest.mark.parametrize(
    ("definition", "cls"),
    [
        ("Node", oms_engine.Node),
        ("CarrierService", oms_engine.CarrierService),
        ("Zone", oms_engine.Zone),
        ("Calendar", oms_engine.Calendar),
        ("Product", oms_engine.Product),
        ("Policy", oms_engine.Policy),
        ("Weights", oms_engine.Weights),
        ("Budget", oms_engine.Budget),
        ("Destination", oms_engine.Destination),
        ("Order", oms_engine.Order),
    ],
)
def test_problem_schema_names_exactly_the_dataclass_fields(definition, cls):
    props = schema("problem-1")["$defs"][definition]["properties"]
    assert set(props) == {f.name for f in dataclasses.fields(cls)}


def test_orders_are_routed_in_sequence_against_the_same_stock(capsys, tmp_path):
    doc = json.loads((EXAMPLES / "split_order.json").read_text())
    first = doc.pop("order")
    second = copy.deepcopy(first)
    second["id"] = "WEB-1043"
    doc["orders"] = [first, second]
    # one pair of boots left in the whole network: the first order takes it
    doc["stock"] = [row for row in doc["stock"] if row["sku"] != "BOOTS-BROWN-42"]
    doc["stock"].append({"node": "STORE-HAMBURG", "sku": "BOOTS-BROWN-42", "sellable": 1})
    path = tmp_path / "two.json"
    path.write_text(json.dumps(doc))
    plans = route_json(capsys, path)["plans"]
    assert [p["order_id"] for p in plans] == ["WEB-1042", "WEB-1043"]
    assert plans[0]["status"] == "complete"
    assert plans[1]["unfulfilled"] == [
        {"sku": "BOOTS-BROWN-42", "quantity": 1, "reason": "out_of_stock"}
    ]


INF = float("inf")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_set(["stock", 0, "sellable"], INF), "stock[0].sellable: must be a finite number"),
        (_set(["nodes", 0, "handling_cost"], INF), "nodes[0].handling_cost: must be a finite"),
        (_set(["nodes", 0, "country"], "XX"), "nodes[0].country: no public holidays known"),
        (
            _set(["nodes", 0, "calendar"], {"country": "DE", "subdivision": "XX"}),
            "nodes[0].calendar.subdivision: no public holidays known for 'DE' subdivision 'XX'",
        ),
        (
            _set(["carrier_services", 0, "calendar"], {"country": "QQ"}),
            "carrier_services[0].calendar.country: no public holidays known for 'QQ'",
        ),
    ],
)
def test_inputs_that_ended_in_a_traceback_are_one_line_errors(capsys, tmp_path, change, message):
    """json reads 1e999 (and Infinity) as an infinite float; the holidays package raises for a
    country or subdivision it does not know, when the first date is computed."""
    doc = json.loads((EXAMPLES / "split_order.json").read_text())
    change(doc)
    path = tmp_path / "problem.json"
    path.write_text(json.dumps(doc))  # writes Infinity for inf
    code, out, err = run(capsys, "route", str(path))
    assert (code, out) == (2, "")
    assert err.startswith(f"error: {message}"), err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_deeply_nested_json_is_an_error(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 200_000 + "]" * 200_000)
    done = subprocess.run(
        [sys.executable, "-m", "oms_engine", "route", str(path)], capture_output=True, text=True
    )
    assert done.returncode == 2
    assert done.stderr == "error: problem: JSON nested too deeply to read\n"


def test_output_into_a_closed_pipe_ends_quietly(tmp_path):
    """`python -m oms_engine route big.json | head -c 1`: the reader goes away, the engine
    stops without a traceback, with the status a shell reports for a broken pipe."""
    doc = json.loads((EXAMPLES / "split_order.json").read_text())
    first = doc.pop("order")
    doc["orders"] = [{**first, "id": f"WEB-{i}"} for i in range(300)]
    path = tmp_path / "many.json"
    path.write_text(json.dumps(doc))
    engine = subprocess.Popen(
        [sys.executable, "-m", "oms_engine", "route", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert engine.stdout.read(1) == b"{"
    engine.stdout.close()  # the reader is gone
    _, err = engine.communicate(timeout=60)
    assert b"Traceback" not in err and err == b""
    assert engine.returncode == 141
