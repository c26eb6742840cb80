// Dialects: quoting, table names, row limits, and type mapping per driver; the
// snapshot's JSON form; enabled_tables scoping.
#include "db/sqldialect.h"
#include "db/tablescope.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace ktx;

class TestSqlDialect : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void forDriver()
    {
        QCOMPARE(SqlDialect::forDriver(QStringLiteral("sqlite"))->name(), QStringLiteral("sqlite"));
        QCOMPARE(SqlDialect::forDriver(QStringLiteral("postgres"))->name(),
                 QStringLiteral("postgres"));
        QCOMPARE(SqlDialect::forDriver(QStringLiteral("mysql"))->name(), QStringLiteral("mysql"));
        QVERIFY(!SqlDialect::forDriver(QStringLiteral("snowflake")));
    }

    void quoting_data()
    {
        QTest::addColumn<QString>("driver");
        QTest::addColumn<QString>("identifier");
        QTest::addColumn<QString>("quoted");
        QTest::newRow("sqlite plain") << "sqlite"
                                      << "orders"
                                      << "\"orders\"";
        QTest::newRow("sqlite space") << "sqlite"
                                      << "Order Details"
                                      << "\"Order Details\"";
        QTest::newRow("sqlite quote") << "sqlite"
                                      << "say \"hi\""
                                      << "\"say \"\"hi\"\"\"";
        QTest::newRow("postgres mixed case") << "postgres"
                                             << "CamelTable"
                                             << "\"CamelTable\"";
        QTest::newRow("postgres unicode") << "postgres"
                                          << "Größe"
                                          << "\"Größe\"";
        QTest::newRow("postgres quote") << "postgres"
                                        << "a\"b"
                                        << "\"a\"\"b\"";
        QTest::newRow("mysql plain") << "mysql"
                                     << "orders"
                                     << "`orders`";
        QTest::newRow("mysql backtick") << "mysql"
                                        << "a`b"
                                        << "`a``b`";
        QTest::newRow("mysql double quote") << "mysql"
                                            << "a\"b"
                                            << "`a\"b`";
    }
    void quoting()
    {
        QFETCH(QString, driver);
        QFETCH(QString, identifier);
        QFETCH(QString, quoted);
        QCOMPARE(SqlDialect::forDriver(driver)->quoteIdentifier(identifier), quoted);
    }

    void tables_data()
    {
        QTest::addColumn<QString>("driver");
        QTest::addColumn<QString>("db");
        QTest::addColumn<QString>("formatted");
        QTest::newRow("sqlite main") << "sqlite"
                                     << "main"
                                     << "\"Order Details\"";
        QTest::newRow("sqlite empty") << "sqlite"
                                      << ""
                                      << "\"Order Details\"";
        QTest::newRow("sqlite attached") << "sqlite"
                                         << "aux"
                                         << "\"aux\".\"Order Details\"";
        QTest::newRow("postgres") << "postgres"
                                  << "Sales"
                                  << "\"Sales\".\"Order Details\"";
        QTest::newRow("mysql") << "mysql"
                               << "shop"
                               << "`shop`.`Order Details`";
    }
    void tables()
    {
        QFETCH(QString, driver);
        QFETCH(QString, db);
        QFETCH(QString, formatted);
        const auto dialect = SqlDialect::forDriver(driver);
        const TableRef ref {QStringLiteral("catalog"), db, QStringLiteral("Order Details")};
        QCOMPARE(dialect->formatTable(ref), formatted);
        QCOMPARE(dialect->sampleQuery(ref, 100),
                 QStringLiteral("select * from %1 limit 100").arg(formatted));
    }

    void limitQuery()
    {
        const auto dialect = SqlDialect::forDriver(QStringLiteral("postgres"));
        QCOMPARE(
            dialect->limitQuery(QStringLiteral("SELECT 1 -- one"), 1001),
            QStringLiteral("select * from (\nSELECT 1 -- one\n) as ktx_query_result limit 1001"));
        // Percent signs in the user's SQL are data, not placeholders.
        QCOMPARE(dialect->limitQuery(QStringLiteral("SELECT printf('%02d', x) FROM t WHERE a LIKE '%1%'"), 5),
                 QStringLiteral("select * from (\nSELECT printf('%02d', x) FROM t WHERE a LIKE '%1%'\n) as ktx_query_result limit 5"));
    }

    void types_data()
    {
        QTest::addColumn<QString>("driver");
        QTest::addColumn<QString>("native");
        QTest::addColumn<QString>("normalized");
        QTest::addColumn<QString>("dimension");
        // PostgreSQL, as format_type() prints them.
        QTest::newRow("pg integer") << "postgres"
                                    << "integer"
                                    << "integer"
                                    << "number";
        QTest::newRow("pg bigint") << "postgres"
                                   << "bigint"
                                   << "bigint"
                                   << "number";
        QTest::newRow("pg smallint") << "postgres"
                                     << "smallint"
                                     << "smallint"
                                     << "number";
        QTest::newRow("pg numeric") << "postgres"
                                    << "numeric(10,2)"
                                    << "numeric"
                                    << "number";
        QTest::newRow("pg NUMERIC") << "postgres"
                                    << "NUMERIC(10,2)"
                                    << "numeric"
                                    << "number";
        QTest::newRow("pg real") << "postgres"
                                 << "real"
                                 << "real"
                                 << "number";
        QTest::newRow("pg double") << "postgres"
                                   << "double precision"
                                   << "double"
                                   << "number";
        QTest::newRow("pg text") << "postgres"
                                 << "text"
                                 << "text"
                                 << "string";
        QTest::newRow("pg varchar") << "postgres"
                                    << "character varying(40)"
                                    << "varchar"
                                    << "string";
        QTest::newRow("pg VARCHAR") << "postgres"
                                    << "VARCHAR(40)"
                                    << "varchar"
                                    << "string";
        QTest::newRow("pg char") << "postgres"
                                 << "character(2)"
                                 << "char"
                                 << "string";
        QTest::newRow("pg uuid") << "postgres"
                                 << "uuid"
                                 << "uuid"
                                 << "string";
        QTest::newRow("pg json") << "postgres"
                                 << "json"
                                 << "json"
                                 << "string";
        QTest::newRow("pg jsonb") << "postgres"
                                  << "jsonb"
                                  << "jsonb"
                                  << "string";
        QTest::newRow("pg date") << "postgres"
                                 << "date"
                                 << "date"
                                 << "time";
        QTest::newRow("pg timestamp") << "postgres"
                                      << "timestamp without time zone"
                                      << "timestamp"
                                      << "time";
        QTest::newRow("pg timestamp(3)") << "postgres"
                                         << "timestamp(3) without time zone"
                                         << "timestamp"
                                         << "time";
        QTest::newRow("pg timestamptz") << "postgres"
                                        << "timestamp with time zone"
                                        << "timestamptz"
                                        << "time";
        QTest::newRow("pg TIMESTAMPTZ") << "postgres"
                                        << "TIMESTAMPTZ"
                                        << "timestamptz"
                                        << "time";
        QTest::newRow("pg boolean") << "postgres"
                                    << "boolean"
                                    << "boolean"
                                    << "boolean";
        QTest::newRow("pg bool") << "postgres"
                                 << "bool"
                                 << "boolean"
                                 << "boolean";
        QTest::newRow("pg array") << "postgres"
                                  << "integer[]"
                                  << "array"
                                  << "string";
        QTest::newRow("pg interval") << "postgres"
                                     << "interval"
                                     << "interval"
                                     << "string";
        QTest::newRow("pg enum") << "postgres"
                                 << "mood"
                                 << "mood"
                                 << "string";
        QTest::newRow("pg empty") << "postgres"
                                  << ""
                                  << "text"
                                  << "string";
        // MySQL/MariaDB, as COLUMN_TYPE prints them.
        QTest::newRow("my int(11)") << "mysql"
                                    << "int(11)"
                                    << "integer"
                                    << "number";
        QTest::newRow("my INTEGER") << "mysql"
                                    << "INTEGER"
                                    << "integer"
                                    << "number";
        QTest::newRow("my bigint unsigned") << "mysql"
                                            << "bigint(20) unsigned"
                                            << "bigint"
                                            << "number";
        QTest::newRow("my decimal") << "mysql"
                                    << "decimal(10,2)"
                                    << "decimal"
                                    << "number";
        QTest::newRow("my NUMERIC") << "mysql"
                                    << "NUMERIC(10,2)"
                                    << "decimal"
                                    << "number";
        QTest::newRow("my double") << "mysql"
                                   << "double"
                                   << "double"
                                   << "number";
        QTest::newRow("my DOUBLE PRECISION") << "mysql"
                                             << "DOUBLE PRECISION"
                                             << "double"
                                             << "number";
        QTest::newRow("my REAL") << "mysql"
                                 << "REAL"
                                 << "double"
                                 << "number";
        QTest::newRow("my tinyint(1)") << "mysql"
                                       << "tinyint(1)"
                                       << "boolean"
                                       << "boolean";
        QTest::newRow("my TINYINT(1)") << "mysql"
                                       << "TINYINT(1)"
                                       << "boolean"
                                       << "boolean";
        QTest::newRow("my BOOL") << "mysql"
                                 << "BOOL"
                                 << "boolean"
                                 << "boolean";
        QTest::newRow("my tinyint(4)") << "mysql"
                                       << "tinyint(4)"
                                       << "smallint"
                                       << "number";
        QTest::newRow("my varchar") << "mysql"
                                    << "varchar(40)"
                                    << "varchar"
                                    << "string";
        QTest::newRow("my char") << "mysql"
                                 << "CHAR"
                                 << "char"
                                 << "string";
        QTest::newRow("my text") << "mysql"
                                 << "longtext"
                                 << "text"
                                 << "string";
        QTest::newRow("my enum") << "mysql"
                                 << "enum('a','b')"
                                 << "enum"
                                 << "string";
        QTest::newRow("my json") << "mysql"
                                 << "json"
                                 << "json"
                                 << "string";
        QTest::newRow("my uuid") << "mysql"
                                 << "uuid"
                                 << "uuid"
                                 << "string";
        QTest::newRow("my date") << "mysql"
                                 << "date"
                                 << "date"
                                 << "time";
        QTest::newRow("my datetime") << "mysql"
                                     << "datetime"
                                     << "datetime"
                                     << "time";
        QTest::newRow("my DATETIME(6)") << "mysql"
                                        << "DATETIME(6)"
                                        << "datetime"
                                        << "time";
        QTest::newRow("my timestamp") << "mysql"
                                      << "timestamp"
                                      << "timestamp"
                                      << "time";
        QTest::newRow("my year") << "mysql"
                                 << "year(4)"
                                 << "year"
                                 << "number";
        QTest::newRow("my blob") << "mysql"
                                 << "blob"
                                 << "blob"
                                 << "string";
        // SQLite: whatever was declared, by the affinity rules; normalized to
        // the storage class as the original does.
        QTest::newRow("lite INTEGER") << "sqlite"
                                      << "INTEGER"
                                      << "integer"
                                      << "number";
        QTest::newRow("lite BIGINT") << "sqlite"
                                     << "BIGINT"
                                     << "integer"
                                     << "number";
        QTest::newRow("lite INT") << "sqlite"
                                  << "int"
                                  << "integer"
                                  << "number";
        QTest::newRow("lite NUMERIC") << "sqlite"
                                      << "NUMERIC(10,2)"
                                      << "real"
                                      << "number";
        QTest::newRow("lite DECIMAL") << "sqlite"
                                      << "DECIMAL(5,2)"
                                      << "real"
                                      << "number";
        QTest::newRow("lite REAL") << "sqlite"
                                   << "REAL"
                                   << "real"
                                   << "number";
        QTest::newRow("lite DOUBLE PRECISION") << "sqlite"
                                               << "DOUBLE PRECISION"
                                               << "real"
                                               << "number";
        QTest::newRow("lite FLOAT") << "sqlite"
                                    << "FLOAT"
                                    << "real"
                                    << "number";
        QTest::newRow("lite TEXT") << "sqlite"
                                   << "TEXT"
                                   << "text"
                                   << "string";
        QTest::newRow("lite VARCHAR") << "sqlite"
                                      << "VARCHAR(40)"
                                      << "text"
                                      << "string";
        QTest::newRow("lite NVARCHAR") << "sqlite"
                                       << "NVARCHAR(40)"
                                       << "text"
                                       << "string";
        QTest::newRow("lite CHAR") << "sqlite"
                                   << "CHAR(2)"
                                   << "text"
                                   << "string";
        QTest::newRow("lite CLOB") << "sqlite"
                                   << "CLOB"
                                   << "text"
                                   << "string";
        QTest::newRow("lite UUID") << "sqlite"
                                   << "UUID"
                                   << "text"
                                   << "string";
        QTest::newRow("lite BLOB") << "sqlite"
                                   << "BLOB"
                                   << "blob"
                                   << "string";
        QTest::newRow("lite DATE") << "sqlite"
                                   << "DATE"
                                   << "text"
                                   << "time";
        QTest::newRow("lite DATETIME") << "sqlite"
                                       << "DATETIME"
                                       << "text"
                                       << "time";
        QTest::newRow("lite TIMESTAMP") << "sqlite"
                                        << "timestamp"
                                        << "text"
                                        << "time";
        QTest::newRow("lite TIMESTAMPTZ") << "sqlite"
                                          << "TIMESTAMPTZ"
                                          << "text"
                                          << "time";
        QTest::newRow("lite BOOLEAN") << "sqlite"
                                      << "BOOLEAN"
                                      << "integer"
                                      << "boolean";
        QTest::newRow("lite BOOL") << "sqlite"
                                   << "BOOL"
                                   << "integer"
                                   << "boolean";
        QTest::newRow("lite JSON") << "sqlite"
                                   << "JSON"
                                   << "text"
                                   << "string";
        QTest::newRow("lite MONEY") << "sqlite"
                                    << "MONEY"
                                    << "real"
                                    << "number";
        // Affinity oddities: "FLOATING POINT" contains INT; STRING, UUID and JSON
        // are text here although SQLite gives them NUMERIC affinity.
        QTest::newRow("lite FLOATING POINT") << "sqlite"
                                             << "FLOATING POINT"
                                             << "integer"
                                             << "number";
        QTest::newRow("lite STRING") << "sqlite"
                                     << "STRING"
                                     << "text"
                                     << "string";
        QTest::newRow("lite empty") << "sqlite"
                                    << ""
                                    << "text"
                                    << "string";
    }
    void types()
    {
        QFETCH(QString, driver);
        QFETCH(QString, native);
        QFETCH(QString, normalized);
        QFETCH(QString, dimension);
        const auto dialect = SqlDialect::forDriver(driver);
        QCOMPARE(dialect->normalizedType(native), normalized);
        QCOMPARE(dialect->dimensionType(native), dimension);
    }

    void tableJson()
    {
        SchemaTable table;
        table.ref = {QString(), QStringLiteral("main"), QStringLiteral("orders")};
        table.estimatedRows = 5;
        SchemaColumn id {QStringLiteral("id"),
                         QStringLiteral("INTEGER"),
                         QStringLiteral("integer"),
                         QStringLiteral("number"),
                         false,
                         true,
                         QString()};
        SchemaColumn who {QStringLiteral("customer_id"),
                          QStringLiteral("INTEGER"),
                          QStringLiteral("integer"),
                          QStringLiteral("number"),
                          true,
                          false,
                          QStringLiteral("who ordered")};
        table.columns = {id, who};
        table.foreignKeys
            = {{QStringLiteral("customer_id"), QString(), QStringLiteral("main"),
                QStringLiteral("customers"), QStringLiteral("id"), QStringLiteral("fk_customer")}};
        const QJsonObject json = table.toJson();
        // The original's keys, null where a value is unset, plus our exactRows.
        QCOMPARE(json.keys(),
                 QStringList({"catalog", "columns", "comment", "db", "estimatedRows", "exactRows",
                              "foreignKeys", "kind", "name"}));
        QVERIFY(json.value("catalog").isNull());
        QVERIFY(json.value("comment").isNull());
        QVERIFY(json.value("exactRows").isNull());
        QCOMPARE(json.value("estimatedRows").toInt(), 5);
        QCOMPARE(json.value("kind").toString(), QStringLiteral("table"));
        const QJsonObject column = json.value("columns").toArray().at(0).toObject();
        QCOMPARE(column.keys(),
                 QStringList({"comment", "dimensionType", "name", "nativeType", "normalizedType",
                              "nullable", "primaryKey"}));
        QVERIFY(column.value("comment").isNull());
        QCOMPARE(column.value("primaryKey").toBool(), true);
        QCOMPARE(json.value("columns").toArray().at(1).toObject().value("comment").toString(),
                 QStringLiteral("who ordered"));
        const QJsonObject key = json.value("foreignKeys").toArray().at(0).toObject();
        QCOMPARE(key.keys(),
                 QStringList(
                     {"constraintName", "fromColumn", "toCatalog", "toColumn", "toDb", "toTable"}));
        QVERIFY(key.value("toCatalog").isNull());

        const SchemaTable back = SchemaTable::fromJson(json);
        QCOMPARE(back.ref, table.ref);
        QCOMPARE(back.estimatedRows, table.estimatedRows);
        QVERIFY(!back.exactRows);
        QCOMPARE(back.columns.size(), 2);
        QCOMPARE(back.columns[1].comment, QStringLiteral("who ordered"));
        QCOMPARE(back.primaryKey(), QStringList {"id"});
        QCOMPARE(back.foreignKeys[0].constraintName, QStringLiteral("fk_customer"));
        QCOMPARE(back.toJson(), json);
        QVERIFY(back.column(QStringLiteral("customer_id")));
        QVERIFY(!back.column(QStringLiteral("nope")));

        QCOMPARE(table.ref.displayName(), QStringLiteral("orders"));
        QCOMPARE((TableRef {QStringLiteral("db1"), QStringLiteral("sales"), QStringLiteral("x")})
                     .displayName(),
                 QStringLiteral("sales.x"));
    }

    void tableScope_data()
    {
        QTest::addColumn<QStringList>("entries");
        QTest::addColumn<QStringList>("kept");
        QTest::addColumn<int>("warnings");
        QTest::newRow("none") << QStringList() << QStringList({"main.a", "main.b.c", "sales.a"})
                              << 0;
        QTest::newRow("bare name matches every db")
            << QStringList {"a"} << QStringList({"main.a", "sales.a"}) << 0;
        QTest::newRow("db.name") << QStringList {"main.a"} << QStringList {"main.a"} << 0;
        QTest::newRow("catalog.db.name")
            << QStringList {"cat.sales.a"} << QStringList {"sales.a"} << 0;
        QTest::newRow("dotted table name") << QStringList {"b.c"} << QStringList {"main.b.c"} << 0;
        QTest::newRow("glob") << QStringList {"sales.*"} << QStringList {"sales.a"} << 0;
        QTest::newRow("question glob")
            << QStringList {"?"} << QStringList({"main.a", "sales.a"}) << 0;
        QTest::newRow("dead entry warns")
            << QStringList({"a", "zzz"}) << QStringList({"main.a", "sales.a"}) << 1;
        QTest::newRow("case matters")
            << QStringList({"A", "a"}) << QStringList({"main.a", "sales.a"}) << 1;
    }
    void tableScope()
    {
        QFETCH(QStringList, entries);
        QFETCH(QStringList, kept);
        QFETCH(int, warnings);
        QList<SchemaTable> tables;
        for (const auto &[db, name] : {std::pair {"main", "a"}, {"main", "b.c"}, {"sales", "a"}}) {
            SchemaTable t;
            t.ref = {db == QLatin1String("sales") ? QStringLiteral("cat") : QString(),
                     QString::fromLatin1(db), QString::fromLatin1(name)};
            tables << t;
        }
        QStringList out;
        Result<QList<SchemaTable>> result = TableScope(entries).apply(tables, "c", out);
        QVERIFY(result.ok());
        QStringList names;
        for (const SchemaTable &t : *result)
            names << t.ref.db + QLatin1Char('.') + t.ref.name;
        QCOMPARE(names, kept);
        QCOMPARE(out.size(), warnings);
    }

    void tableScopeNothingMatches()
    {
        SchemaTable t;
        t.ref = {QString(), QStringLiteral("main"), QStringLiteral("orders")};
        QStringList warnings;
        Result<QList<SchemaTable>> result
            = TableScope({QStringLiteral("order"), QStringLiteral("x.orders")})
                  .apply({t}, QStringLiteral("shop"), warnings);
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code, QStringLiteral("tables_not_found"));
        QCOMPARE(result.error().message,
                 QStringLiteral("None of connections.shop.enabled_tables (order, x.orders) matches "
                                "a table in scope. Available tables: orders."));
    }
};

QTEST_GUILESS_MAIN(TestSqlDialect)
#include "tst_sqldialect.moc"
