#!/usr/bin/env python3
"""Run the Kyodaku 0.1 vectors in spec/vectors/ against kyodaku_verify.py.

Prints per-file counts, every mismatch, and a closing line `N passed, M failed`;
exit code 1 when anything failed.
"""
from __future__ import annotations

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kyodaku_verify as kv  # noqa: E402

VECTORS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "spec", "vectors")


def load(name):
    with open(os.path.join(VECTORS, name), encoding="utf-8") as f:
        return json.load(f)


TEST_KEYS = {k["name"]: k for k in load("test-keys.json")["keys"]}


def check_test_keys(fail):
    """The kids in test-keys.json must be the RFC 7638 thumbprints of the keys."""
    for name, k in TEST_KEYS.items():
        if kv.jwk_thumbprint(k["jwk"]["x"]) != k["kid"]:
            fail(f"test-keys.json: {name}: kid is not the thumbprint of x")


def resolver_for(key_name):
    """Bound keys for the vectors: the test key named by input.key (records,
    revocations); the node key for node-signed kinds."""
    def resolve(kind, payload):
        if kind in ("attestation", "attestation-revocation"):
            return [TEST_KEYS["node"]["jwk"]["x"]] if payload.get("node") == TEST_KEYS["node"]["kid"] else []
        if kind == "admin":
            return [TEST_KEYS["admin"]["jwk"]["x"]]
        k = TEST_KEYS[key_name]
        return [k["jwk"]["x"]] if payload.get("iss") == k["kid"] else []
    return resolve


def run_objects(fail):
    n = 0
    for t in load("objects.json")["tests"]:
        tc = f"objects.json #{t['tcId']}"
        inp, out = t["input"], t["output"]
        try:
            obj = kv.verify_object(inp["jws"], inp["kind"], resolver_for(inp["signer"]))
        except kv.KyodakuError as e:
            fail(f"{tc}: expected valid, got {e.problem} ({e.detail})")
            continue
        bad = []
        if obj.id != out["id"]:
            bad.append(f"id {obj.id} != {out['id']}")
        if kv.object_id(inp["jws"]) != out["id"]:
            bad.append("object_id()")
        if obj.header != out["header"]:
            bad.append("header")
        if obj.payload != out["payload"]:
            bad.append("payload")
        # the payload bytes must be the JCS serialization of the expected value
        if kv.jcs(out["payload"]) != kv.b64url_decode_canonical(inp["jws"].split(".")[1]).decode("utf-8"):
            bad.append("jcs(payload) differs from the signed bytes")
        if bad:
            fail(f"{tc}: " + "; ".join(bad))
        else:
            n += 1
    return n


def run_rejections(fail):
    n = 0
    for t in load("jws-rejections.json")["tests"]:
        tc = f"jws-rejections.json #{t['tcId']} ({t['comment']})"
        inp = t["input"]
        try:
            kv.verify_object(inp["jws"], inp["kind"], resolver_for(inp["key"]))
            got = None
        except kv.KyodakuError as e:
            got = e
        if t["result"] in ("valid", "acceptable"):
            if got is not None and t["result"] == "valid":
                fail(f"{tc}: expected valid, got {got.problem} ({got.detail})")
                continue
            n += 1
            continue
        if got is None:
            fail(f"{tc}: expected {t['problem']}, got valid")
        elif got.problem != t["problem"]:
            fail(f"{tc}: expected {t['problem']}, got {got.problem} ({got.detail})")
        else:
            n += 1
    return n


def run_decisions(fail):
    n = 0
    for t in load("decisions.json")["tests"]:
        tc = f"decisions.json #{t['tcId']} ({t['comment']})"
        q = t["input"]["query"]
        try:
            got = kv.decide(t["input"]["records"], q["ids"], q["purpose"], q["at"])
        except Exception as e:  # noqa: BLE001
            fail(f"{tc}: raised {e!r}")
            continue
        exp = t["expected"]
        bad = []
        if got["decision"] != exp["decision"]:
            bad.append(f"decision {got['decision']} != {exp['decision']}")
        if sorted(got["reasons"]) != sorted(exp["reasons"]):  # order not significant (notes)
            bad.append(f"reasons {got['reasons']} != {exp['reasons']}")
        if sorted(got["records"]) != sorted(exp["records"]):
            bad.append(f"records {got['records']} != {exp['records']}")
        if got["disputed"] != exp["disputed"]:
            bad.append("disputed")
        if sorted(got.get("conditionsFrom", [])) != sorted(exp.get("conditionsFrom", [])):
            bad.append(f"conditionsFrom {got.get('conditionsFrom')} != {exp.get('conditionsFrom')}")
        if "conditions" in exp and got.get("conditions") != exp["conditions"]:
            bad.append(f"conditions {got.get('conditions')} != {exp['conditions']}")
        if "leaves" in exp and got.get("leaves") != exp["leaves"]:
            bad.append(f"leaves {got.get('leaves')} != {exp['leaves']}")
        if "leaves" not in exp and "leaves" in got:
            bad.append("unexpected leaves")
        if bad:
            fail(f"{tc}: " + "; ".join(bad))
        else:
            n += 1
    return n


def run_identifiers(fail):
    n = 0
    for t in load("identifiers.json")["tests"]:
        tc = f"identifiers.json #{t['tcId']} ({t['comment']})"
        try:
            got = kv.normalize_identifier(t["input"])
        except kv.InvalidIdentifierError as e:
            got = e
        if t["result"] == "valid":
            if isinstance(got, Exception):
                fail(f"{tc}: expected {t['output']!r}, got invalid ({got.reason})")
                continue
            if got != t["output"]:
                fail(f"{tc}: expected {t['output']!r}, got {got!r}")
                continue
            try:
                again = kv.normalize_identifier(got)
            except kv.InvalidIdentifierError as e:
                fail(f"{tc}: output does not normalize: {e.reason}")
                continue
            if again != got:
                fail(f"{tc}: not idempotent: {again!r}")
                continue
            n += 1
        else:
            if not isinstance(got, Exception):
                fail(f"{tc}: expected invalid, got {got!r}")
            else:
                n += 1
    return n


def run_folding(fail):
    n = 0
    for t in load("name-folding.json")["tests"]:
        tc = f"name-folding.json #{t['tcId']} ({t['comment']})"
        got = kv.fold_name(t["input"])
        if got != t["output"]:
            fail(f"{tc}: expected {t['output']!r}, got {got!r}")
        elif kv.fold_name(got) != got:
            fail(f"{tc}: folding is not idempotent")
        else:
            n += 1
    return n


def main():
    total_pass = total_fail = 0
    mismatches: list[str] = []
    check_test_keys(mismatches.append)
    total_fail += len(mismatches)
    for name, fn in [("objects.json", run_objects), ("jws-rejections.json", run_rejections),
                     ("decisions.json", run_decisions), ("identifiers.json", run_identifiers),
                     ("name-folding.json", run_folding)]:
        file_fails: list[str] = []
        passed = fn(file_fails.append)
        print(f"{name}: {passed} passed, {len(file_fails)} failed")
        for m in file_fails:
            print("  MISMATCH " + m)
        total_pass += passed
        total_fail += len(file_fails)
    for m in mismatches:
        print("  MISMATCH " + m)
    print(f"{total_pass} passed, {total_fail} failed")
    return 1 if total_fail else 0


if __name__ == "__main__":
    sys.exit(main())
