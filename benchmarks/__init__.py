"""`mobilize bench`: mobilize's own figures next to the raw ceilings of the same machine, measured in the same run.

Separate from the tests: timings live here, correctness in `tests/`. One run prints one table
(`report`) and writes it as JSON to `benchmarks/results/<timestamp>.json`:

- `raw`: what the hardware and the drivers allow without mobilize — PostgreSQL inserts one row per
  transaction (1 and 16 clients, with and without a table lock), 1,000 rows per transaction
  (executemany, binary COPY), reading the log with orjson / json.loads / eventsourcing's mapper and
  folding it in memory, and a batched view upsert with its tracking position;
- `commands`: HTTP commands (a realistic mix of assignments, check-ins and dispatch transitions)
  through uvicorn at 1, 16 and 64 clients, on PostgreSQL and SQLite (with group commit on too, when
  this version has it), the cost of a request that does nothing (`floor`), and the same mix given
  in-process without HTTP, profiled (`breakdown`: aggregate reads, round trips, time waiting on the
  database, the costliest functions);
- `rebuild`: every projection rebuilt from a big generated drive (`mobilize.demo.city`, 100k events
  with --quick, 1M otherwise, cached in benchmarks/.cache/), with where its time goes (read, decode,
  SQL statements per event), and the Kafka relay catching up on it;
- `latency`: event recorded → SSE client and → Kafka consumer (each a process of its own, as subscribers
  are) at a sustained ~1k events/s (at 80% of what the API sustains with 16 clients when that is less,
  said so in the table);
- `memory`: peak RSS of the API process, of each projection's process and of the relay's.

Every process whose memory is reported runs as a subprocess (`benchmarks.worker`).
"""
