#!/usr/bin/env python3
"""Reads promptyard.results.json (PROMPTYARD_USAGE_JSON_MIRRORS=true on the usage aggregator) and prints
one line per result: custom id, HTTP status, cost and the start of the answer or error.

    pip install confluent-kafka
    python3 examples/json-results-consumer.py localhost:9092
"""
import json
import sys

from confluent_kafka import Consumer

consumer = Consumer({
    "bootstrap.servers": sys.argv[1] if len(sys.argv) > 1 else "localhost:9092",
    "group.id": "json-results-example",
    "auto.offset.reset": "earliest",
    "isolation.level": "read_committed",
})
consumer.subscribe(["promptyard.results.json"])
try:
    while True:
        msg = consumer.poll(1.0)
        if msg is None:
            continue
        if msg.error():
            print(msg.error(), file=sys.stderr)
            continue
        line = json.loads(msg.value())  # one OpenAI Batch output line
        response = line["response"] or {}
        body = response.get("body") or {}
        if "choices" in body:
            text = body["choices"][0]["message"]["content"] or ""
        else:
            text = (body.get("error") or line.get("error") or {}).get("message", "")
        print(line["custom_id"], response.get("status_code", "expired"),
              line["promptyard"]["cost_micros"], "µ$", text[:60].replace("\n", " "))
finally:
    consumer.close()
