#!/usr/bin/env node
// Reads promptyard.results.json (PROMPTYARD_USAGE_JSON_MIRRORS=true on the usage aggregator) with KafkaJS and
// prints one line per result: custom id, HTTP status, cost and the start of the answer or error.
//
//   npm ci
//   node json-results-consumer.js [BOOTSTRAP] [--topic-prefix P] [--group G] [--count N]
//
// BOOTSTRAP defaults to localhost:9092, the prefix to "promptyard."; --count N stops after N results (it runs
// until Ctrl-C otherwise). A consumer group, from the earliest offset, reading only committed records: the
// mirror is written in the aggregator's transactions.
"use strict";

const { Kafka, logLevel } = require("kafkajs");

function options(argv) {
  const o = { bootstrap: "localhost:9092", prefix: "promptyard.", group: "json-results-example", count: 0 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--topic-prefix") o.prefix = argv[++i];
    else if (a === "--group") o.group = argv[++i];
    else if (a === "--count") o.count = Number.parseInt(argv[++i], 10);
    else if (a.startsWith("--")) throw new Error(`unknown option ${a}`);
    else o.bootstrap = a;
  }
  if (!(o.count >= 0)) throw new Error("--count takes a number of results");
  return o;
}

/** The line printed for one OpenAI Batch output line. */
function describe(line) {
  const response = line.response || {};
  const body = response.body || {};
  const text = body.choices
    ? body.choices[0].message.content || ""
    : ((body.error || line.error || {}).message || "");
  const status = response.status_code === undefined ? "expired" : response.status_code;
  return [line.custom_id, status, line.promptyard.cost_micros, "µ$", text.slice(0, 60).replace(/\n/g, " ")].join(" ");
}

async function main() {
  const o = options(process.argv.slice(2));
  const kafka = new Kafka({ clientId: "promptyard-json-results-example", brokers: [o.bootstrap], logLevel: logLevel.WARN });
  const consumer = kafka.consumer({ groupId: o.group, readUncommitted: false });
  let seen = 0;
  let stopping = false;
  const stop = async (code) => {
    if (stopping) return;
    stopping = true;
    await consumer.disconnect();
    process.exit(code);
  };
  process.on("SIGINT", () => stop(0));
  process.on("SIGTERM", () => stop(0));
  await consumer.connect();
  await consumer.subscribe({ topic: `${o.prefix}results.json`, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      if (stopping) return;
      console.log(describe(JSON.parse(message.value.toString("utf8"))));
      seen++;
      if (o.count > 0 && seen >= o.count) {
        // after this message's offset is committed
        setImmediate(() => stop(0));
      }
    },
  });
}

main().catch((e) => {
  console.error(`json-results-consumer: ${e.message}`);
  process.exit(1);
});
