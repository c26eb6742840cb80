// One introspection and query suite, run against every driver in KTX_DB_DRIVERS:
// a SQLite file (tst_dbsession_sqlite, unit) and real PostgreSQL and MariaDB
// servers started on loopback for the run (tst_dbsession_servers, integration).
// Each driver gets the same small schema; the assertions differ only where the
// databases really differ (type spellings, comments, constraint names).
#include "core/secretredactor.h"
#include "db/databasesession.h"
#include "db/qtsqlsession.h"
#include "db/sqldialect.h"
#include "testdatabaseserver.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <map>

#ifndef KTX_DB_DRIVERS
#define KTX_DB_DRIVERS "sqlite"
#endif

using namespace ktx;
using ktx::test::TestDatabaseServer;

namespace {

struct Fixture
{
    std::unique_ptr<TestDatabaseServer> server;
    ConnectionSettings settings;
    QString db; // where the suite's tables live: main | public | ktx
    QString catalog; // TableRef::catalog of those tables
};

// Statements per driver that build the shared schema, as the owner of the data.
QStringList schemaStatements(const QString &driver)
{
    const bool my = driver == QLatin1String("mariadb");
    const bool pg = driver == QLatin1String("postgres");
    const QString q = my ? QStringLiteral("`") : QStringLiteral("\"");
    auto id = [&](const QString &name) -> QString {
        QString escaped = name;
        escaped.replace(q, q + q);
        return q + escaped + q;
    };
    QStringList s;
    if (pg)
        s << QStringLiteral("SET ROLE ktx");
    s << QStringLiteral(
             "CREATE TABLE customers (id INTEGER PRIMARY KEY, name VARCHAR(40) NOT NULL, "
             "email TEXT%1, created_at %2 NOT NULL, is_active BOOLEAN, "
             "balance NUMERIC(10,2))%3")
             .arg(my ? QStringLiteral(" COMMENT 'Where receipts go'") : QString(),
                  my ? QStringLiteral("DATETIME") : QStringLiteral("TIMESTAMP"),
                  my ? QStringLiteral(" COMMENT='People who buy'") : QString());
    if (pg)
        s << QStringLiteral("COMMENT ON TABLE customers IS 'People who buy'")
          << QStringLiteral("COMMENT ON COLUMN customers.email IS 'Where receipts go'");
    s << (my ? QStringLiteral(
              "CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT "
              "NULL, ordered_on DATE, amount DOUBLE PRECISION, CONSTRAINT "
              "fk_customer FOREIGN KEY (customer_id) REFERENCES customers (id))")
             : QStringLiteral(
                 "CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT "
                 "NULL CONSTRAINT fk_customer REFERENCES customers (id), ordered_on "
                 "DATE, amount DOUBLE PRECISION)"));
    s << QStringLiteral("CREATE TABLE order_lines (order_id INTEGER NOT NULL, line_no INTEGER NOT "
                        "NULL, quantity INTEGER, PRIMARY KEY (order_id, line_no), CONSTRAINT "
                        "fk_order FOREIGN KEY (order_id) REFERENCES orders (id))");
    s << QStringLiteral(
        "CREATE TABLE line_notes (id INTEGER PRIMARY KEY, order_id INTEGER, line_no "
        "INTEGER, note TEXT, CONSTRAINT fk_line FOREIGN KEY (order_id, line_no) "
        "REFERENCES order_lines (order_id, line_no))");
    s << QStringLiteral(
        "CREATE VIEW customer_orders AS SELECT c.name AS customer_name, COUNT(o.id) "
        "AS order_count FROM customers c LEFT JOIN orders o ON o.customer_id = "
        "c.id GROUP BY c.name");
    s << QStringLiteral("CREATE TABLE %1 (%2 INTEGER, %3 REAL, %4 TEXT)")
             .arg(id(QStringLiteral("Order Details")), id(QStringLiteral("Order ID")),
                  id(QStringLiteral("Unit Price")), id(QStringLiteral("quote\"d")));
    s << QStringLiteral("CREATE TABLE %1 (%2 INTEGER PRIMARY KEY, %3 VARCHAR(10))")
             .arg(id(QStringLiteral("CamelTable")), id(QStringLiteral("Id")),
                  id(QStringLiteral("Größe")));
    s << QStringLiteral("CREATE TABLE %1 (id INTEGER)").arg(id(QStringLiteral("Café")));

    s << QStringLiteral("INSERT INTO customers VALUES (1, 'Ada', 'ada@example.com', '2024-01-02 "
                        "03:04:05', %1, 10.50), (2, 'Grace', NULL, '2024-02-03 04:05:06', %2, "
                        "NULL), (3, 'Linus', 'linus@example.com', '2024-03-04 05:06:07', NULL, 0)")
             .arg(pg ? QStringLiteral("true") : QStringLiteral("1"),
                  pg ? QStringLiteral("false") : QStringLiteral("0"));
    s << QStringLiteral("INSERT INTO orders VALUES (1, 1, '2024-04-01', 12.5), (2, 1, "
                        "'2024-04-02', 3.25), (3, 2, '2024-04-03', 99), (4, 3, '2024-04-04', 1), "
                        "(5, 3, '2024-04-05', 7.75)");
    s << QStringLiteral(
        "INSERT INTO order_lines VALUES (1, 1, 2), (1, 2, 1), (2, 1, 5), (3, 1, 1), "
        "(4, 1, 3), (5, 1, 1), (5, 2, 4)");
    s << QStringLiteral(
        "INSERT INTO line_notes VALUES (1, 1, 2, 'gift wrap'), (2, 5, 1, 'fragile')");
    s << QStringLiteral("INSERT INTO %1 VALUES (10248, 14.0, 'say \"hi\"')")
             .arg(id(QStringLiteral("Order Details")));
    s << QStringLiteral("INSERT INTO %1 VALUES (1, 'groß')").arg(id(QStringLiteral("CamelTable")));

    // A second scope: PostgreSQL schema "sales", MariaDB database "ktx_sales".
    if (pg)
        s << QStringLiteral("CREATE SCHEMA sales")
          << QStringLiteral("CREATE TABLE sales.regions (code CHAR(2) PRIMARY KEY, name TEXT)")
          << QStringLiteral("ANALYZE customers, orders, order_lines, line_notes, \"Order "
                            "Details\", \"CamelTable\", \"Café\", sales.regions");
    if (my)
        s << QStringLiteral("CREATE DATABASE ktx_sales")
          << QStringLiteral("CREATE TABLE ktx_sales.regions (code CHAR(2) PRIMARY KEY, name TEXT)")
          << QStringLiteral("ANALYZE TABLE customers, orders, order_lines, line_notes");
    return s;
}

QStringList names(const SchemaSnapshot &snapshot)
{
    QStringList out;
    for (const SchemaTable &t : snapshot.tables)
        out << t.ref.name;
    return out;
}

QStringList columnNames(const SchemaTable &table)
{
    QStringList out;
    for (const SchemaColumn &c : table.columns)
        out << c.name;
    return out;
}

} // namespace

class TestDbSession : public QObject
{
    Q_OBJECT

public:
    TestDbSession()
        : m_drivers(QString::fromLatin1(KTX_DB_DRIVERS).split(QLatin1Char(',')))
    { }

private:
    QTemporaryDir m_tmp;
    QStringList m_drivers;
    std::map<QString, Fixture> m_fixtures;

    Fixture &fixture(const QString &driver) { return m_fixtures.at(driver); }

    std::unique_ptr<DatabaseSession> open(const ConnectionSettings &settings)
    {
        Result<std::unique_ptr<DatabaseSession>> session = DatabaseSession::open(settings);
        if (!session.ok()) {
            qWarning("open failed: %s %s", qPrintable(session.error().code),
                     qPrintable(session.error().message));
            return nullptr;
        }
        return std::move(session).value();
    }

    void addDriverRows()
    {
        QTest::addColumn<QString>("driver");
        for (const QString &driver : std::as_const(m_drivers))
            QTest::newRow(qPrintable(driver)) << driver;
    }

    bool createSqliteFixture(Fixture &f, QString *error)
    {
        const QString path = m_tmp.filePath(QStringLiteral("shop.sqlite"));
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"),
                                                        QStringLiteral("fixture-writer"));
            db.setDatabaseName(path);
            if (!db.open()) {
                *error = db.lastError().text();
                return false;
            }
            QSqlQuery query(db);
            for (const QString &statement : schemaStatements(QStringLiteral("sqlite"))) {
                if (!query.exec(statement)) {
                    *error = statement + QStringLiteral(": ") + query.lastError().text();
                    return false;
                }
            }
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("fixture-writer"));
        f.settings.connectionId = QStringLiteral("lite");
        f.settings.driver = QStringLiteral("sqlite");
        f.settings.path = path;
        f.db = QStringLiteral("main");
        return true;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        for (const QString &driver : std::as_const(m_drivers)) {
            Fixture f;
            QString error;
            if (driver == QLatin1String("sqlite")) {
                QVERIFY2(createSqliteFixture(f, &error), qPrintable(error));
            } else {
                QElapsedTimer timer;
                timer.start();
                f.server = TestDatabaseServer::start(driver == QLatin1String("postgres")
                                                         ? TestDatabaseServer::Kind::Postgres
                                                         : TestDatabaseServer::Kind::MariaDb,
                                                     &error);
                QVERIFY2(f.server, qPrintable(error));
                qInfo("%s: server ready in %lld ms (port %d)", qPrintable(driver),
                      f.server->startupMs(), f.server->port());
                QVERIFY2(f.server->admin(schemaStatements(driver), &error), qPrintable(error));
                // For permission_denied: a database the app user may not connect to.
                const QStringList locked = driver == QLatin1String("postgres")
                    ? QStringList {QStringLiteral("CREATE DATABASE locked_db"),
                                   QStringLiteral("REVOKE CONNECT ON DATABASE locked_db FROM "
                                                  "PUBLIC")}
                    : QStringList {QStringLiteral("CREATE DATABASE locked_db"),
                                   QStringLiteral("CREATE USER 'outsider'@'127.0.0.1' IDENTIFIED "
                                                  "BY 'outsider-pw'")};
                QVERIFY2(f.server->admin(locked, &error,
                                         driver == QLatin1String("postgres")
                                             ? QStringLiteral("postgres")
                                             : QStringLiteral("mysql")),
                         qPrintable(error));
                f.settings = f.server->connectionSettings(driver);
                f.db = driver == QLatin1String("postgres") ? QStringLiteral("public")
                                                           : QStringLiteral("ktx");
                f.catalog = driver == QLatin1String("postgres") ? QStringLiteral("ktx") : QString();
                qInfo("%s: fixture schema ready in %lld ms", qPrintable(driver), timer.elapsed());
            }
            m_fixtures.emplace(driver, std::move(f));
        }
    }

    void init()
    {
        // A session must release its Qt connection cleanly.
        QTest::failOnWarning(QRegularExpression(QStringLiteral("still in use")));
    }

    void cleanupTestCase()
    {
        for (auto &[driver, f] : m_fixtures) {
            if (!f.server)
                continue;
            QElapsedTimer timer;
            timer.start();
            f.server.reset();
            qInfo("%s: server stopped in %lld ms", qPrintable(driver), timer.elapsed());
        }
        m_fixtures.clear();
    }

    void introspectTables_data() { addDriverRows(); }
    void introspectTables()
    {
        QFETCH(QString, driver);
        const Fixture &f = fixture(driver);
        auto session = open(f.settings);
        QVERIFY(session);
        QElapsedTimer timer;
        timer.start();
        Result<SchemaSnapshot> snapshot = session->introspect();
        QVERIFY2(snapshot.ok(), qPrintable(snapshot.ok() ? QString() : snapshot.error().message));
        qInfo("%s: introspected %d tables in %lld ms", qPrintable(driver),
              int(snapshot->tables.size()), timer.elapsed());

        // Sorted by (db, name), code point order; the view is a view.
        QCOMPARE(names(*snapshot),
                 QStringList({QStringLiteral("Café"), QStringLiteral("CamelTable"),
                              QStringLiteral("Order Details"), QStringLiteral("customer_orders"),
                              QStringLiteral("customers"), QStringLiteral("line_notes"),
                              QStringLiteral("order_lines"), QStringLiteral("orders")}));
        QVERIFY2(snapshot->warnings.isEmpty(), qPrintable(snapshot->warnings.join(u'\n')));
        for (const SchemaTable &t : snapshot->tables) {
            QCOMPARE(t.ref.db, f.db);
            QCOMPARE(t.ref.catalog, f.catalog);
            QCOMPARE(t.kind,
                     t.ref.name == QLatin1String("customer_orders") ? QStringLiteral("view")
                                                                    : QStringLiteral("table"));
        }
        QCOMPARE(snapshot->connectionId, f.settings.connectionId);
        QCOMPARE(snapshot->driver, f.settings.driver);
        QCOMPARE(snapshot->metadata.value(QStringLiteral("table_count")).toInt(), 8);
        QCOMPARE(snapshot->metadata.value(QStringLiteral("total_columns")).toInt(),
                 6 + 4 + 3 + 4 + 2 + 3 + 2 + 1);
        QVERIFY(snapshot->extractedAt.isValid());
    }

    void introspectColumns_data() { addDriverRows(); }
    void introspectColumns()
    {
        QFETCH(QString, driver);
        auto session = open(fixture(driver).settings);
        QVERIFY(session);
        Result<SchemaSnapshot> snapshot = session->introspect();
        QVERIFY(snapshot.ok());
        const SchemaTable *customers = snapshot->table(
            {fixture(driver).catalog, fixture(driver).db, QStringLiteral("customers")});
        QVERIFY(customers);
        QCOMPARE(columnNames(*customers),
                 QStringList({"id", "name", "email", "created_at", "is_active", "balance"}));

        QStringList native;
        QStringList normalized;
        if (driver == QLatin1String("sqlite")) {
            native = {"INTEGER", "VARCHAR(40)", "TEXT", "TIMESTAMP", "BOOLEAN", "NUMERIC(10,2)"};
            normalized = {"integer", "text", "text", "text", "integer", "real"};
        } else if (driver == QLatin1String("postgres")) {
            native = {"integer", "character varying(40)", "text", "timestamp without time zone",
                      "boolean", "numeric(10,2)"};
            normalized = {"integer", "varchar", "text", "timestamp", "boolean", "numeric"};
        } else {
            native = {"int(11)", "varchar(40)", "text", "datetime", "tinyint(1)", "decimal(10,2)"};
            normalized = {"integer", "varchar", "text", "datetime", "boolean", "decimal"};
        }
        const QStringList dimension = {"number", "string", "string", "time", "boolean", "number"};
        const QList<bool> nullable = {false, false, true, false, true, true};
        for (int i = 0; i < customers->columns.size(); ++i) {
            const SchemaColumn &c = customers->columns.at(i);
            QCOMPARE(c.nativeType, native.at(i));
            QCOMPARE(c.normalizedType, normalized.at(i));
            QCOMPARE(c.dimensionType, dimension.at(i));
            QCOMPARE(c.nullable, nullable.at(i));
        }
        QCOMPARE(customers->primaryKey(), QStringList {"id"});

        const SchemaTable *orders = snapshot->table(
            {fixture(driver).catalog, fixture(driver).db, QStringLiteral("orders")});
        QVERIFY(orders);
        QCOMPARE(orders->column(QStringLiteral("ordered_on"))->dimensionType,
                 QStringLiteral("time"));
        QCOMPARE(orders->column(QStringLiteral("amount"))->dimensionType, QStringLiteral("number"));

        // Comments where the database has them.
        if (driver == QLatin1String("sqlite")) {
            QVERIFY(customers->comment.isEmpty());
            QVERIFY(customers->columns.at(2).comment.isEmpty());
        } else {
            QCOMPARE(customers->comment, QStringLiteral("People who buy"));
            QCOMPARE(customers->columns.at(2).comment, QStringLiteral("Where receipts go"));
            QVERIFY(customers->columns.at(1).comment.isEmpty());
        }

        // Identifiers with spaces, quotes, mixed case and Unicode survive.
        const SchemaTable *details = snapshot->table(
            {fixture(driver).catalog, fixture(driver).db, QStringLiteral("Order Details")});
        QVERIFY(details);
        QCOMPARE(columnNames(*details),
                 QStringList({"Order ID", "Unit Price", QStringLiteral("quote\"d")}));
        const SchemaTable *camel = snapshot->table(
            {fixture(driver).catalog, fixture(driver).db, QStringLiteral("CamelTable")});
        QVERIFY(camel);
        QCOMPARE(columnNames(*camel), QStringList({"Id", QStringLiteral("Größe")}));
        QCOMPARE(camel->primaryKey(), QStringList {"Id"});
    }

    void introspectKeys_data() { addDriverRows(); }
    void introspectKeys()
    {
        QFETCH(QString, driver);
        const Fixture &f = fixture(driver);
        auto session = open(f.settings);
        QVERIFY(session);
        Result<SchemaSnapshot> snapshot = session->introspect();
        QVERIFY(snapshot.ok());
        auto table = [&](const char *name) {
            return snapshot->table({f.catalog, f.db, QString::fromUtf8(name)});
        };

        QCOMPARE(table("order_lines")->primaryKey(), QStringList({"order_id", "line_no"}));
        QVERIFY(table("customer_orders")->primaryKey().isEmpty());

        const QList<SchemaForeignKey> orderKeys = table("orders")->foreignKeys;
        QCOMPARE(orderKeys.size(), 1);
        QCOMPARE(orderKeys[0].fromColumn, QStringLiteral("customer_id"));
        QCOMPARE(orderKeys[0].toCatalog, f.catalog);
        QCOMPARE(orderKeys[0].toDb, f.db);
        QCOMPARE(orderKeys[0].toTable, QStringLiteral("customers"));
        QCOMPARE(orderKeys[0].toColumn, QStringLiteral("id"));
        QVERIFY(!orderKeys[0].constraintName.isEmpty());

        // A composite key is one entry per column pair, sharing the constraint name.
        const QList<SchemaForeignKey> noteKeys = table("line_notes")->foreignKeys;
        QCOMPARE(noteKeys.size(), 2);
        QCOMPARE(noteKeys[0].fromColumn, QStringLiteral("order_id"));
        QCOMPARE(noteKeys[0].toColumn, QStringLiteral("order_id"));
        QCOMPARE(noteKeys[1].fromColumn, QStringLiteral("line_no"));
        QCOMPARE(noteKeys[1].toColumn, QStringLiteral("line_no"));
        QCOMPARE(noteKeys[0].toTable, QStringLiteral("order_lines"));
        QCOMPARE(noteKeys[0].constraintName, noteKeys[1].constraintName);
        if (driver != QLatin1String("sqlite")) {
            QCOMPARE(noteKeys[0].constraintName, QStringLiteral("fk_line"));
            QCOMPARE(orderKeys[0].constraintName, QStringLiteral("fk_customer"));
        }
        QCOMPARE(table("order_lines")->foreignKeys.size(), 1);
        QVERIFY(table("customers")->foreignKeys.isEmpty());
    }

    void introspectRowCounts_data() { addDriverRows(); }
    void introspectRowCounts()
    {
        QFETCH(QString, driver);
        const Fixture &f = fixture(driver);
        auto session = open(f.settings);
        QVERIFY(session);
        Result<SchemaSnapshot> snapshot = session->introspect();
        QVERIFY(snapshot.ok());
        const QMap<QString, qint64> expected {
            {"customers", 3},     {"orders", 5},     {"order_lines", 7},         {"line_notes", 2},
            {"Order Details", 1}, {"CamelTable", 1}, {QStringLiteral("Café"), 0}};
        for (const SchemaTable &t : snapshot->tables) {
            if (t.kind == QLatin1String("view")) {
                QVERIFY(!t.exactRows);
                QVERIFY(!t.estimatedRows);
                continue;
            }
            QVERIFY2(t.exactRows, qPrintable(t.ref.name));
            QCOMPARE(*t.exactRows, expected.value(t.ref.name));
            QVERIFY2(t.estimatedRows, qPrintable(t.ref.name));
            // SQLite keeps no statistics and PostgreSQL's ANALYZE is exact on
            // tables this small; InnoDB's TABLE_ROWS is only an estimate.
            if (driver != QLatin1String("mariadb"))
                QCOMPARE(*t.estimatedRows, *t.exactRows);
        }
    }

    void snapshotJsonCarriesNoPassword_data() { addDriverRows(); }
    void snapshotJsonCarriesNoPassword()
    {
        QFETCH(QString, driver);
        const Fixture &f = fixture(driver);
        auto session = open(f.settings);
        QVERIFY(session);
        Result<SchemaSnapshot> snapshot = session->introspect();
        QVERIFY(snapshot.ok());
        QJsonArray tables;
        for (const SchemaTable &t : snapshot->tables) {
            const QJsonObject json = t.toJson();
            tables.append(json);
            // The JSON form reads back to the same table.
            const SchemaTable back = SchemaTable::fromJson(json);
            QCOMPARE(back.toJson(), json);
        }
        QJsonObject all {{QStringLiteral("metadata"), snapshot->metadata},
                         {QStringLiteral("scope"), snapshot->scope},
                         {QStringLiteral("tables"), tables}};
        const QByteArray text = QJsonDocument(all).toJson();
        if (!f.settings.password.isEmpty())
            QVERIFY(!text.contains(f.settings.password.toUtf8()));
        if (driver != QLatin1String("sqlite"))
            QCOMPARE(snapshot->metadata.value(QStringLiteral("host")).toString(),
                     QStringLiteral("127.0.0.1"));
    }

    void quotedIdentifiersRoundTrip_data() { addDriverRows(); }
    void quotedIdentifiersRoundTrip()
    {
        QFETCH(QString, driver);
        const Fixture &f = fixture(driver);
        auto session = open(f.settings);
        QVERIFY(session);
        const SqlDialect &d = session->dialect();
        const QString sql
            = QStringLiteral("SELECT %1, %2 FROM %3")
                  .arg(d.quoteIdentifier(QStringLiteral("Unit Price")),
                       d.quoteIdentifier(QStringLiteral("quote\"d")),
                       d.formatTable({f.catalog, f.db, QStringLiteral("Order Details")}));
        Result<QueryResult> result = session->query(sql, 10);
        QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().message));
        QCOMPARE(result->columns, QStringList({"Unit Price", QStringLiteral("quote\"d")}));
        QCOMPARE(result->rows.size(), 1);
        QCOMPARE(result->rows[0][0].toDouble(), 14.0);
        QCOMPARE(result->rows[0][1].toString(), QStringLiteral("say \"hi\""));

        result = session->query(QStringLiteral("SELECT %1 FROM %2")
                                    .arg(d.quoteIdentifier(QStringLiteral("Größe")),
                                         d.formatTable({f.catalog, f.db, "CamelTable"})),
                                10);
        QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().message));
        QCOMPARE(result->columns, QStringList {QStringLiteral("Größe")});
        QCOMPARE(result->rows.value(0).value(0).toString(), QStringLiteral("groß"));
    }

    void scopeBySchema_data() { addDriverRows(); }
    void scopeBySchema()
    {
        QFETCH(QString, driver);
        if (driver == QLatin1String("sqlite"))
            QSKIP("SQLite has one schema, main");
        const Fixture &f = fixture(driver);
        const QString other = driver == QLatin1String("postgres") ? QStringLiteral("sales")
                                                                  : QStringLiteral("ktx_sales");
        ConnectionSettings settings = f.settings;
        settings.schemas = {f.db, other};
        auto session = open(settings);
        QVERIFY(session);
        Result<SchemaSnapshot> snapshot = session->introspect();
        QVERIFY(snapshot.ok());
        QCOMPARE(snapshot->tables.size(), 9);
        // Sorted by db first: the other scope's tables come after (or before) as a block.
        const SchemaTable *regions = snapshot->table({f.catalog, other, QStringLiteral("regions")});
        QVERIFY(regions);
        QCOMPARE(regions->primaryKey(), QStringList {"code"});
        QCOMPARE(snapshot->tables.last().ref.db, std::max(f.db, other));

        settings.schemas = {other};
        session = open(settings);
        QVERIFY(session);
        snapshot = session->introspect();
        QVERIFY(snapshot.ok());
        QCOMPARE(names(*snapshot), QStringList {"regions"});

        // A schema that is not there is a warning, not a failure.
        settings.schemas = {other, QStringLiteral("no_such_schema")};
        session = open(settings);
        QVERIFY(session);
        snapshot = session->introspect();
        QVERIFY(snapshot.ok());
        QCOMPARE(snapshot->tables.size(), 1);
        QCOMPARE(snapshot->warnings.size(), 1);
        QVERIFY(snapshot->warnings[0].contains(QLatin1String("no_such_schema")));
    }

    void scopeByEnabledTables_data() { addDriverRows(); }
    void scopeByEnabledTables()
    {
        QFETCH(QString, driver);
        const Fixture &f = fixture(driver);
        ConnectionSettings settings = f.settings;
        // "db.name" and bare names; SQLite's "main.orders" is "orders".
        settings.enabledTables = {f.db + QStringLiteral(".customers"), QStringLiteral("orders"),
                                  QStringLiteral("Order Details")};
        auto session = open(settings);
        QVERIFY(session);
        Result<SchemaSnapshot> snapshot = session->introspect();
        QVERIFY(snapshot.ok());
        QCOMPARE(names(*snapshot), QStringList({"Order Details", "customers", "orders"}));
        QVERIFY(snapshot->scope.value(QStringLiteral("enabledTables")).isArray());

        settings.enabledTables = {QStringLiteral("order*"), QStringLiteral("nothing_like_this")};
        session = open(settings);
        snapshot = session->introspect();
        QVERIFY(snapshot.ok());
        QCOMPARE(names(*snapshot), QStringList({"order_lines", "orders"}));
        QCOMPARE(snapshot->warnings.size(), 1);
        QVERIFY(snapshot->warnings[0].contains(QLatin1String("nothing_like_this")));

        settings.enabledTables = {QStringLiteral("nope"), QStringLiteral("other.customers")};
        session = open(settings);
        snapshot = session->introspect();
        QVERIFY(!snapshot.ok());
        QCOMPARE(snapshot.error().code, QStringLiteral("tables_not_found"));
        QVERIFY2(snapshot.error().message.contains(QLatin1String("customers"))
                     && snapshot.error().message.contains(QLatin1String("Order Details"))
                     && snapshot.error().message.contains(QLatin1String("nope")),
                 qPrintable(snapshot.error().message));
    }

    void scopeByExcludedTables_data() { addDriverRows(); }
    void scopeByExcludedTables()
    {
        QFETCH(QString, driver);
        const Fixture &f = fixture(driver);
        ConnectionSettings settings = f.settings;
        // Globs, exact names with and without the db part, Unicode.
        settings.excludedTables = {QStringLiteral("order*"), f.db + QStringLiteral(".Café"),
                                   QStringLiteral("customer_orders")};
        auto session = open(settings);
        QVERIFY(session);
        Result<SchemaSnapshot> snapshot = session->introspect();
        QVERIFY2(snapshot.ok(), qPrintable(snapshot.ok() ? QString() : snapshot.error().message));
        QCOMPARE(names(*snapshot),
                 QStringList({"CamelTable", "Order Details", "customers", "line_notes"}));
        QCOMPARE(snapshot->warnings, QStringList());
        QCOMPARE(snapshot->scope.value(QStringLiteral("excludedTables")).toArray().size(), 3);

        // With enabled_tables: the allowlist first, then the exclusions.
        settings.enabledTables = {QStringLiteral("order*")};
        settings.excludedTables = {QStringLiteral("order_lines"), QStringLiteral("nothing_here")};
        session = open(settings);
        snapshot = session->introspect();
        QVERIFY(snapshot.ok());
        QCOMPARE(names(*snapshot), QStringList({"orders"}));
        QCOMPARE(snapshot->warnings.size(), 1);
        QVERIFY(snapshot->warnings[0].contains(
            QLatin1String("excluded_tables entry \"nothing_here\"")));

        settings.enabledTables.clear();
        settings.excludedTables = {QStringLiteral("*")};
        session = open(settings);
        snapshot = session->introspect();
        QVERIFY(!snapshot.ok());
        QCOMPARE(snapshot.error().code, QStringLiteral("tables_not_found"));
        QVERIFY2(snapshot.error().message.contains(QLatin1String("excludes every table")),
                 qPrintable(snapshot.error().message));
    }

    void introspectCancelled_data() { addDriverRows(); }
    void introspectCancelled()
    {
        QFETCH(QString, driver);
        auto session = open(fixture(driver).settings);
        QVERIFY(session);
        CancellationToken token;
        token.cancel();
        Result<SchemaSnapshot> snapshot = session->introspect(token);
        QVERIFY(!snapshot.ok());
        QCOMPARE(snapshot.error().code, QStringLiteral("cancelled"));
    }

    void catalogPermissionIsAWarning_data() { addDriverRows(); }
    void catalogPermissionIsAWarning()
    {
        QFETCH(QString, driver);
        if (driver != QLatin1String("postgres"))
            QSKIP("needs per-table privileges (PostgreSQL)");
        Fixture &f = fixture(driver);
        QString error;
        QVERIFY2(f.server->admin({QStringLiteral("CREATE SCHEMA IF NOT EXISTS locked"),
                                  QStringLiteral("GRANT USAGE ON SCHEMA locked TO ktx"),
                                  QStringLiteral("CREATE TABLE IF NOT EXISTS locked.payroll "
                                                 "(id INTEGER PRIMARY KEY, salary NUMERIC)"),
                                  QStringLiteral("REVOKE ALL ON locked.payroll FROM ktx")},
                                 &error),
                 qPrintable(error));
        ConnectionSettings settings = f.settings;
        settings.schemas = {QStringLiteral("locked")};
        auto session = open(settings);
        QVERIFY(session);
        Result<SchemaSnapshot> snapshot = session->introspect();
        QVERIFY2(snapshot.ok(), qPrintable(snapshot.ok() ? QString() : snapshot.error().message));
        QCOMPARE(names(*snapshot), QStringList {"payroll"});
        QCOMPARE(snapshot->tables[0].primaryKey(), QStringList {"id"});
        QVERIFY(!snapshot->tables[0].exactRows);
        QCOMPARE(snapshot->warnings.size(), 1);
        QVERIFY2(snapshot->warnings[0].contains(QLatin1String("payroll"))
                     && snapshot->warnings[0].contains(QLatin1String("ermission")),
                 qPrintable(snapshot->warnings[0]));
    }

    void queryCapsRows_data() { addDriverRows(); }
    void queryCapsRows()
    {
        QFETCH(QString, driver);
        auto session = open(fixture(driver).settings);
        QVERIFY(session);
        const QString sql
            = QStringLiteral("SELECT id, customer_id AS who FROM orders ORDER BY id;");
        Result<QueryResult> r = session->query(sql, 3);
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().message));
        QCOMPARE(r->columns, QStringList({"id", "who"}));
        QCOMPARE(r->columnTypes.size(), 2);
        QVERIFY(!r->columnTypes[0].isEmpty());
        QCOMPARE(r->rows.size(), 3);
        QVERIFY(r->truncated);
        QCOMPARE(r->rows[2][0].toInt(), 3);
        QVERIFY(r->elapsedMs >= 0);

        r = session->query(sql, 5); // exactly all rows: not truncated
        QVERIFY(r.ok());
        QCOMPARE(r->rows.size(), 5);
        QVERIFY(!r->truncated);
        r = session->query(sql, 1000);
        QVERIFY(r.ok());
        QCOMPARE(r->rows.size(), 5);
        QVERIFY(!r->truncated);

        // A query with a LIMIT of its own and a trailing comment.
        r = session->query(QStringLiteral("WITH o AS (SELECT * FROM orders) SELECT COUNT(*) AS n "
                                          "FROM o -- how many\n"),
                           10);
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().message));
        QCOMPARE(r->rows.value(0).value(0).toInt(), 5);

        // `SELECT *` over a join repeats column names (MySQL refuses those in
        // the limit wrapper's derived table; the session falls back).
        r = session->query(QStringLiteral("SELECT * FROM orders o JOIN customers c ON c.id = "
                                          "o.customer_id ORDER BY o.id"),
                           2);
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().message));
        QCOMPARE(r->columns.size(), 4 + 6);
        QCOMPARE(r->columns.first(), QStringLiteral("id"));
        QCOMPARE(r->rows.size(), 2);
        QVERIFY(r->truncated);

        r = session->query(sql, 0);
        QVERIFY(!r.ok());
    }

    void queryRefusedByGuard_data() { addDriverRows(); }
    void queryRefusedByGuard()
    {
        QFETCH(QString, driver);
        auto session = open(fixture(driver).settings);
        QVERIFY(session);
        Result<QueryResult> r = session->query(QStringLiteral("DELETE FROM orders"), 10);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, QStringLiteral("sql_not_read_only"));
        r = session->query(QStringLiteral("SELECT 1; DELETE FROM orders"), 10);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, QStringLiteral("sql_multiple_statements"));
        r = session->query(QStringLiteral("SELECT COUNT(*) FROM orders"), 10);
        QVERIFY(r.ok());
        QCOMPARE(r->rows[0][0].toInt(), 5); // nothing was deleted
    }

    void serverRefusesWrites_data() { addDriverRows(); }
    void serverRefusesWrites()
    {
        QFETCH(QString, driver);
        auto session = open(fixture(driver).settings);
        QVERIFY(session);
        // Straight to the session's own connection, past ReadOnlySqlGuard.
        const QString name = static_cast<QtSqlSession &>(*session).connectionName();
        {
            QSqlDatabase raw = QSqlDatabase::database(name, false);
            QVERIFY(raw.isOpen());
            QSqlQuery q(raw);
            QVERIFY(!q.exec(QStringLiteral("INSERT INTO orders VALUES (6, 1, '2024-05-01', 1)")));
            qInfo("%s refused the INSERT: %s", qPrintable(driver),
                  qPrintable(q.lastError().text()));
            QVERIFY(!q.exec(QStringLiteral("UPDATE customers SET name = 'x'")));
            QVERIFY(!q.exec(QStringLiteral("DELETE FROM line_notes")));
            QVERIFY(!q.exec(QStringLiteral("CREATE TABLE ktx_probe (a INTEGER)")));
            qInfo("%s refused the CREATE TABLE: %s", qPrintable(driver),
                  qPrintable(q.lastError().text()));
        }
        Result<QueryResult> r = session->query(QStringLiteral("SELECT COUNT(*) FROM orders"), 1);
        QVERIFY(r.ok());
        QCOMPARE(r->rows[0][0].toInt(), 5);
        r = session->query(QStringLiteral("SELECT name FROM customers WHERE id = 1"), 1);
        QVERIFY(r.ok());
        QCOMPARE(r->rows[0][0].toString(), QStringLiteral("Ada"));
    }

    void queryTimeout_data() { addDriverRows(); }
    void queryTimeout()
    {
        QFETCH(QString, driver);
        ConnectionSettings settings = fixture(driver).settings;
        settings.statementTimeoutMs = 300;
        auto session = open(settings);
        QVERIFY(session);
        QString slow;
        if (driver == QLatin1String("postgres"))
            slow = QStringLiteral("SELECT pg_sleep(5)");
        else if (driver == QLatin1String("mariadb"))
            slow = QStringLiteral("SELECT SLEEP(5) AS s");
        else // no sleep in SQLite: a counting loop of a billion rows
            slow = QStringLiteral("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
                                  "WHERE x < 1000000000) SELECT COUNT(*) FROM c");
        QElapsedTimer timer;
        timer.start();
        Result<QueryResult> r = session->query(slow, 10);
        const qint64 elapsed = timer.elapsed();
        QVERIFY2(!r.ok(), "the slow query finished");
        QCOMPARE(r.error().code, QStringLiteral("timeout"));
        QCOMPARE(r.error().message, QStringLiteral("query exceeded 0.3s"));
        QVERIFY2(elapsed < 3000, qPrintable(QString::number(elapsed)));
        qInfo("%s: timed out after %lld ms", qPrintable(driver), elapsed);
        // The session is still usable.
        r = session->query(QStringLiteral("SELECT COUNT(*) FROM customers"), 1);
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().message));
        QCOMPARE(r->rows[0][0].toInt(), 3);
    }

    void connectionErrors_data()
    {
        QTest::addColumn<QString>("driver");
        QTest::addColumn<QString>("mistake");
        QTest::addColumn<QString>("code");
        auto row = [](const QString &driver, const char *mistake, const char *code) {
            QTest::addRow("%s %s", qPrintable(driver), mistake)
                << driver << QString::fromLatin1(mistake) << QString::fromLatin1(code);
        };
        for (const QString &driver : std::as_const(m_drivers)) {
            if (driver == QLatin1String("sqlite")) {
                row(driver, "missing file", "file_missing");
                row(driver, "not a database", "connection_failed");
                row(driver, "directory", "connection_failed");
            } else {
                row(driver, "wrong password", "auth_failed");
                row(driver, "unknown user", "auth_failed");
                row(driver, "closed port", "host_unreachable");
                row(driver, "missing database", "database_missing");
                row(driver, "no access to database", "permission_denied");
            }
        }
    }
    void connectionErrors()
    {
        QFETCH(QString, driver);
        QFETCH(QString, mistake);
        QFETCH(QString, code);
        ConnectionSettings settings = fixture(driver).settings;
        const QString wrongPassword = QStringLiteral("Wr0ng-Passw0rd-x");
        SecretRedactor::registerSecret(wrongPassword);
        if (mistake == QLatin1String("missing file")) {
            settings.path = m_tmp.filePath(QStringLiteral("typo.sqlite"));
        } else if (mistake == QLatin1String("not a database")) {
            settings.path = m_tmp.filePath(QStringLiteral("notes.txt"));
            QFile file(settings.path);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(QByteArray(4096, 'x'));
        } else if (mistake == QLatin1String("directory")) {
            settings.path = m_tmp.path();
        } else if (mistake == QLatin1String("wrong password")) {
            settings.password = wrongPassword;
        } else if (mistake == QLatin1String("unknown user")) {
            settings.user = QStringLiteral("nobody_here");
        } else if (mistake == QLatin1String("closed port")) {
            settings.port = closedPort();
        } else if (mistake == QLatin1String("missing database")) {
            settings.database = QStringLiteral("no_such_db");
            settings.schemas = {QStringLiteral("no_such_db")};
        } else if (mistake == QLatin1String("no access to database")) {
            settings.database = QStringLiteral("locked_db");
            settings.schemas = {QStringLiteral("locked_db")};
            if (driver == QLatin1String("mariadb")) { // MariaDB grants per user
                settings.user = QStringLiteral("outsider");
                settings.password = QStringLiteral("outsider-pw");
            }
        }
        QElapsedTimer timer;
        timer.start();
        Result<std::unique_ptr<DatabaseSession>> session = DatabaseSession::open(settings);
        const qint64 elapsed = timer.elapsed();
        QVERIFY(!session.ok());
        QCOMPARE(session.error().code, code);
        QVERIFY2(elapsed < 10000, qPrintable(QString::number(elapsed)));
        const QString text = session.error().toText();
        qInfo("%s / %s (%lld ms): %s", qPrintable(driver), qPrintable(mistake), elapsed,
              qPrintable(text));
        QVERIFY(!text.contains(wrongPassword));
        if (!fixture(driver).settings.password.isEmpty())
            QVERIFY(!text.contains(fixture(driver).settings.password));
        // Specific and actionable, not a bare driver dump.
        QVERIFY2(text.contains(QLatin1String("check")) || text.contains(QLatin1String("install"))
                     || text.contains(QLatin1String("ask an administrator")),
                 qPrintable(text));
        if (mistake == QLatin1String("missing file"))
            QVERIFY2(!QFileInfo::exists(settings.path), "opening must not create the file");
    }

    // As wide as each engine allows (SQLite's default SQLITE_MAX_COLUMN 2000,
    // PostgreSQL 1600, MariaDB/InnoDB 1017): introspection, the snapshot and a
    // capped SELECT * all give a whole, ordered result.
    void veryWideTable_data() { addDriverRows(); }
    void veryWideTable()
    {
        QFETCH(QString, driver);
        const int width = driver == QLatin1String("sqlite")
            ? 2000
            : (driver == QLatin1String("postgres") ? 1600 : 1017);
        QStringList columns;
        for (int i = 1; i <= width; ++i)
            columns << QStringLiteral("c%1 INTEGER").arg(i, 4, 10, QLatin1Char('0'));
        QString error;
        QVERIFY2(write(driver,
                       {QStringLiteral("CREATE TABLE wide (%1)").arg(columns.join(", ")),
                        QStringLiteral("INSERT INTO wide (c0001, c%1) VALUES (1, 2)").arg(width)},
                       &error),
                 qPrintable(error));
        ConnectionSettings settings = fixture(driver).settings;
        settings.enabledTables = {QStringLiteral("wide")};
        auto session = open(settings);
        QVERIFY(session);
        Result<SchemaSnapshot> snapshot = session->introspect();
        QVERIFY2(snapshot.ok(), qPrintable(snapshot.ok() ? QString() : snapshot.error().message));
        QCOMPARE(snapshot->tables.size(), 1);
        const SchemaTable &wide = snapshot->tables.constFirst();
        QCOMPARE(wide.columns.size(), width);
        QCOMPARE(wide.columns.constFirst().name, QStringLiteral("c0001"));
        QCOMPARE(wide.columns.constLast().name, QStringLiteral("c%1").arg(width));
        QCOMPARE(wide.exactRows, std::optional<qint64>(1));
        QCOMPARE(snapshot->metadata.value(QStringLiteral("total_columns")).toInt(), width);
        QCOMPARE(SchemaTable::fromJson(wide.toJson()).columns.size(), width);
        Result<QueryResult> rows = session->query(QStringLiteral("SELECT * FROM wide"), 5);
        QVERIFY2(rows.ok(), qPrintable(rows.ok() ? QString() : rows.error().message));
        QCOMPARE(rows->columns.size(), width);
        QCOMPARE(rows->rows.constFirst().constLast().toInt(), 2);
        session.reset();
        QVERIFY2(write(driver, {QStringLiteral("DROP TABLE wide")}, &error), qPrintable(error));
    }

    // A table dropped while the scan waits to count it (PostgreSQL and MariaDB:
    // a writer holds its lock until the counting query waits, then drops it).
    // The snapshot still comes back, with a warning naming the table.
    void tableDroppedMidScan_data() { addDriverRows(); }
    void tableDroppedMidScan()
    {
        QFETCH(QString, driver);
        if (driver == QLatin1String("sqlite"))
            QSKIP("SQLite has no per-table lock to wait on; tst_relationshipdiscovery drops a "
                  "table between introspection and profiling");
        const Fixture &f = fixture(driver);
        const bool pg = driver == QLatin1String("postgres");
        QString error;
        QVERIFY2(write(driver, {QStringLiteral("CREATE TABLE victim (id INTEGER)")}, &error),
                 qPrintable(error));

        // The table's owner, on a plain (writable) connection that keeps its lock.
        const QString writerName = QStringLiteral("victim-writer-") + driver;
        {
            QSqlDatabase writer = QSqlDatabase::addDatabase(pg ? "QPSQL" : "QMYSQL", writerName);
            writer.setHostName(f.settings.host);
            writer.setPort(f.settings.port);
            writer.setDatabaseName(f.settings.database);
            writer.setUserName(f.settings.user);
            writer.setPassword(f.settings.password);
            QVERIFY2(writer.open(), qPrintable(writer.lastError().text()));
            QSqlQuery w(writer);
            if (pg) {
                QVERIFY(w.exec("BEGIN"));
                QVERIFY2(w.exec("LOCK TABLE victim IN ACCESS EXCLUSIVE MODE"),
                         qPrintable(w.lastError().text()));
            } else {
                QVERIFY2(w.exec("LOCK TABLES victim WRITE"), qPrintable(w.lastError().text()));
            }

            ConnectionSettings settings = f.settings;
            settings.enabledTables = {QStringLiteral("victim"), QStringLiteral("customers")};
            std::optional<Result<SchemaSnapshot>> outcome;
            QThread *scan = QThread::create([&] {
                auto result = DatabaseSession::open(settings);
                if (!result.ok()) {
                    outcome = Result<SchemaSnapshot>(result.error());
                    return;
                }
                outcome = (*result)->introspect();
            });
            scan->start();
            // Wait (bounded) until the scan's count is blocked on our lock.
            const QString waiting = pg
                ? QStringLiteral("SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = "
                                 "'victim'::regclass")
                : QStringLiteral("SELECT count(*) FROM information_schema.processlist WHERE "
                                 "state LIKE 'Waiting for table metadata lock%'");
            QSqlQuery probe(writer);
            bool blocked = false;
            for (int i = 0; i < 3000 && !blocked && !scan->isFinished(); ++i) {
                QVERIFY2(probe.exec(waiting), qPrintable(probe.lastError().text()));
                blocked = probe.next() && probe.value(0).toInt() > 0;
                if (!blocked)
                    QThread::msleep(10);
            }
            QVERIFY2(blocked, "the scan never waited for the lock");
            QVERIFY2(w.exec("DROP TABLE victim"), qPrintable(w.lastError().text()));
            QVERIFY(w.exec(pg ? "COMMIT" : "UNLOCK TABLES"));
            QVERIFY(scan->wait(60000));
            delete scan;
            writer.close();

            QVERIFY(outcome.has_value());
            QVERIFY2(outcome->ok(),
                     qPrintable(outcome->ok() ? QString() : outcome->error().message));
            const SchemaSnapshot &snapshot = outcome->value();
            QCOMPARE(names(snapshot), QStringList({"customers", "victim"}));
            QCOMPARE(snapshot.tables[0].exactRows, std::optional<qint64>(3));
            QVERIFY(!snapshot.tables[1].exactRows);
            QCOMPARE(snapshot.warnings.size(), 1);
            QVERIFY2(
                snapshot.warnings[0].startsWith(QStringLiteral("Could not count the rows of %1: ")
                                                    .arg(snapshot.tables[1].ref.displayName())),
                qPrintable(snapshot.warnings[0]));
        }
        QSqlDatabase::removeDatabase(writerName);
    }

private:
    static int closedPort();

    // Runs statements as the owner of the suite's tables.
    bool write(const QString &driver, const QStringList &statements, QString *error)
    {
        Fixture &f = fixture(driver);
        if (f.server)
            return f.server->admin(driver == QLatin1String("postgres")
                                       ? QStringList {QStringLiteral("SET ROLE ktx")} + statements
                                       : statements,
                                   error);
        bool ok = true;
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"),
                                                        QStringLiteral("fixture-writer"));
            db.setDatabaseName(f.settings.path);
            ok = db.open();
            QSqlQuery query(db);
            for (const QString &statement : statements) {
                if (ok && !query.exec(statement)) {
                    *error = statement.left(200) + QStringLiteral(": ") + query.lastError().text();
                    ok = false;
                }
            }
            query.finish();
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("fixture-writer"));
        return ok;
    }
};

// A port nobody listens on: bind, note it, release it.
int TestDbSession::closedPort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 1;
    const int port = probe.serverPort();
    probe.close();
    return port;
}

QTEST_GUILESS_MAIN(TestDbSession)
#include "tst_dbsession.moc"
