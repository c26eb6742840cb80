// Query history against a real PostgreSQL 15 with pg_stat_statements, started
// for the run: a workload from three roles (one a service account), the
// templates, joins and filters ingest commits, unchanged history committing
// nothing, each readiness failure created for real (no grant, no extension, a
// server without the preload), and the CLI flags and config.
#include "db/databasesession.h"
#include "db/postgresqueryhistory.h"
#include "db/queryhistoryoptions.h"
#include "ingest/livedatabaseevidence.h"
#include "ingest/queryhistoryevidence.h"
#include "ingest/queryhistoryingest.h"
#include "ingest/structuralingest.h"
#include "project/configloader.h"
#include "project/projectscaffold.h"
#include "testdatabaseserver.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace ktx;
using ktx::test::TestDatabaseServer;

namespace {

QString git(const QString &dir, const QStringList &args)
{
    QProcess p;
    p.setWorkingDirectory(dir);
    p.start("git", args);
    p.waitForFinished(30000);
    return QString::fromUtf8(p.readAllStandardOutput()).trimmed();
}

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

Run runKtx(const QStringList &args, const QString &workDir)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove("KTX_PROJECT_DIR");
    p.setProcessEnvironment(env);
    p.setWorkingDirectory(workDir);
    p.start(qEnvironmentVariable("KTX_CLI"), args);
    p.closeWriteChannel();
    if (!p.waitForFinished(120000))
        p.kill();
    return {p.exitCode(), p.readAllStandardOutput(), p.readAllStandardError()};
}

QJsonDocument readJson(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QJsonDocument::fromJson(f.readAll()) : QJsonDocument();
}

QJsonObject templateWith(const QJsonArray &templates, const QString &fragment)
{
    for (const QJsonValue &t : templates)
        if (t.toObject().value("sql").toString().contains(fragment))
            return t.toObject();
    return {};
}

QStringList strings(const QJsonValue &value)
{
    QStringList out;
    for (const QJsonValue &v : value.toArray())
        out << v.toString();
    return out;
}

} // namespace

class TestQueryHistoryPostgres : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_tmp;
    std::unique_ptr<TestDatabaseServer> m_server;
    QString m_project;

    // Statements as one role (a superuser may SET ROLE to anyone): what
    // pg_stat_statements records under that role.
    void workload(const QString &role, const QString &sql, int times)
    {
        QStringList statements {QStringLiteral("SET ROLE %1").arg(role)};
        for (int i = 0; i < times; ++i)
            statements << sql;
        QString error;
        QVERIFY2(m_server->admin(statements, &error), qPrintable(error));
    }

    ProjectConfig config() const { return ConfigLoader::loadFile(m_project + "/ktx.yaml")->config; }

    QueryHistoryIngestResult ingest(const QString &id = QStringLiteral("wh"))
    {
        const ProjectConfig project = config();
        const ConnectionConfig *connection = project.connection(id);
        Result<StructuralIngestResult> schema
            = StructuralIngest::run(m_project, project, *connection);
        if (!schema.ok())
            qWarning("schema ingest failed: %s", qPrintable(schema.error().message));
        return QueryHistoryIngest::run(m_project, project, *connection,
                                       *QueryHistoryOptions::fromConnection(*connection));
    }

    QString historyDir() const
    {
        return QueryHistoryEvidence::latestSyncDir(m_project, QStringLiteral("wh"));
    }

    ConnectionSettings settingsAs(const QString &user, const QString &password,
                                  const QString &database = QStringLiteral("ktx")) const
    {
        ConnectionSettings s = m_server->connectionSettings();
        s.user = user;
        s.password = password;
        s.database = database;
        return s;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        QString error;
        m_server = TestDatabaseServer::start(TestDatabaseServer::Kind::Postgres, &error);
        QVERIFY2(m_server, qPrintable(error));
        QVERIFY2(m_server->admin(
                     {"CREATE EXTENSION pg_stat_statements",
                      "GRANT pg_read_all_stats TO ktx",
                      "CREATE ROLE analyst",
                      "CREATE ROLE reporter",
                      "CREATE ROLE svc_loader",
                      "CREATE ROLE plain LOGIN PASSWORD 'plain-pw-1'",
                      "SET ROLE ktx",
                      "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT, region TEXT)",
                      "CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER "
                      "REFERENCES customers (id), status TEXT, amount NUMERIC)",
                      "CREATE TABLE \"Order Details\" (\"Order ID\" INTEGER, \"Unit Price\" "
                      "NUMERIC)",
                      "CREATE SCHEMA sales",
                      "CREATE TABLE sales.targets (year INTEGER, goal NUMERIC)",
                      "INSERT INTO customers VALUES (1, 'Ada', 'EU'), (2, 'Grace', 'US')",
                      "INSERT INTO orders VALUES (1, 1, 'paid', 10), (2, 2, 'open', 20)",
                      "INSERT INTO \"Order Details\" VALUES (1, 9.5)",
                      "ANALYZE customers, orders, \"Order Details\", sales.targets",
                      "GRANT USAGE ON SCHEMA sales TO analyst, reporter, svc_loader, plain",
                      "GRANT SELECT ON customers, orders, \"Order Details\" TO analyst, "
                      "reporter, svc_loader, plain",
                      "GRANT SELECT ON ALL TABLES IN SCHEMA sales TO analyst, reporter, "
                      "svc_loader, plain",
                      "RESET ROLE",
                      "CREATE DATABASE nohist OWNER ktx"},
                     &error),
                 qPrintable(error));

        m_project = m_tmp.filePath("proj");
        ProjectScaffold::Options o;
        o.configText
            = QStringLiteral("connections:\n"
                             "  wh:\n    driver: postgres\n    host: 127.0.0.1\n    port: %1\n"
                             "    database: ktx\n    username: ktx\n    password: %2\n"
                             "    context:\n      queryHistory:\n        enabled: true\n"
                             "        minExecutions: 3\n        filters:\n"
                             "          serviceAccounts:\n            patterns: ['^svc_']\n"
                             "  nohist:\n    driver: postgres\n    host: 127.0.0.1\n    port: %1\n"
                             "    database: nohist\n    username: ktx\n    password: %2\n"
                             "    context:\n      queryHistory:\n        enabled: true\n"
                             "scan:\n  relationships:\n    enabled: false\n")
                  .arg(m_server->port())
                  .arg(m_server->password())
                  .toUtf8();
        QVERIFY(ProjectScaffold::create(m_project, o).ok());
        QVERIFY(!config().connections.isEmpty());
    }

    void cleanupTestCase() { m_server.reset(); }

    void ingestCommitsTemplates()
    {
        // One template from two roles (other literals, other whitespace).
        workload("analyst",
                 "SELECT c.name, sum(o.amount) FROM orders o JOIN customers c ON c.id = "
                 "o.customer_id WHERE o.status = 'paid' GROUP BY c.name",
                 3);
        workload("reporter",
                 "SELECT c.name, sum(o.amount)\n  FROM orders o JOIN customers c ON c.id = "
                 "o.customer_id WHERE o.status = 'open' GROUP BY c.name",
                 2);
        workload("reporter",
                 "SELECT d.\"Unit Price\" FROM \"Order Details\" d WHERE d.\"Order ID\" = 10248",
                 5);
        workload("svc_loader", "SELECT * FROM orders WHERE id = 1", 20); // a service account
        workload("analyst", "SELECT * FROM sales.targets WHERE year = 2024", 5); // out of scope
        workload("analyst", "SELECT count(*) FROM customers WHERE region = 'EU'", 2); // too rare
        workload("analyst", "SET work_mem = '8MB'", 5); // not a SELECT

        const QueryHistoryIngestResult r = ingest();
        QVERIFY2(r.status == QLatin1String("done"), qPrintable(r.detail + " " + r.fix));
        QVERIFY(!r.commitId.isEmpty());
        QCOMPARE(r.templates, 2);

        const QString dir = historyDir();
        QVERIFY(dir.contains("/raw-sources/wh/historic-sql/"));
        const QJsonArray templates = readJson(dir + "/templates.json").array();
        QCOMPARE(templates.size(), 2);
        const QJsonObject join = templateWith(templates, "JOIN customers");
        QCOMPARE(strings(join.value("tables")), QStringList({"public.customers", "public.orders"}));
        QCOMPARE(strings(join.value("roles")), QStringList({"analyst", "reporter"}));
        QCOMPARE(join.value("stats").toObject().value("executions").toString(),
                 QStringLiteral("1-9"));
        const QJsonObject pair = join.value("joins").toArray().at(0).toObject();
        QCOMPARE(pair.value("left").toObject().value("table").toString(),
                 QStringLiteral("public.customers"));
        QCOMPARE(pair.value("left").toObject().value("column").toString(), QStringLiteral("id"));
        QCOMPARE(pair.value("right").toObject().value("column").toString(),
                 QStringLiteral("customer_id"));
        QCOMPARE(join.value("filterColumns").toArray().at(0).toObject().value("column").toString(),
                 QStringLiteral("status"));
        QCOMPARE(join.value("groupByColumns").toArray().at(0).toObject().value("column").toString(),
                 QStringLiteral("name"));
        QVERIFY(join.value("sql").toString().contains("$1")); // normalized: no literals

        const QJsonObject quoted = templateWith(templates, "Order Details");
        QCOMPARE(strings(quoted.value("tables")), QStringList({"public.Order Details"}));
        QCOMPARE(
            quoted.value("filterColumns").toArray().at(0).toObject().value("column").toString(),
            QStringLiteral("Order ID"));

        // Left out: the service account, ktx's own reads, out of scope, rare, non-SELECT.
        for (const QJsonValue &t : templates) {
            QVERIFY(!strings(t.toObject().value("roles")).contains("svc_loader"));
            QVERIFY(!t.toObject().value("sql").toString().contains("ktx"));
            QVERIFY(!t.toObject().value("sql").toString().contains("sales.targets"));
        }
        const QJsonObject dropped = readJson(dir + "/manifest.json")
                                        .object()
                                        .value("counts")
                                        .toObject()
                                        .value("dropped")
                                        .toObject();
        QVERIFY(dropped.value("service_account").toInt() >= 1);
        QVERIFY(dropped.value("ktx").toInt() >= 5); // introspection queries
        QVERIFY(dropped.value("out_of_scope").toInt() >= 1);
        QVERIFY(dropped.value("below_min_executions").toInt() >= 1);
        QVERIFY(dropped.value("non_select").toInt() >= 1);

        // Per table: orders joins customers on customer_id = id, filtered by status.
        const QJsonObject orders
            = readJson(dir + "/" + LiveDatabaseEvidence::tableFileName({"ktx", "public", "orders"}))
                  .object();
        const QJsonObject observed = orders.value("observedJoins").toArray().at(0).toObject();
        QCOMPARE(observed.value("withTable").toString(), QStringLiteral("public.customers"));
        QCOMPARE(observed.value("on").toArray().at(0).toObject().value("column").toString(),
                 QStringLiteral("customer_id"));
        QCOMPARE(strings(orders.value("columnsByClause").toObject().value("where")),
                 QStringList({"status"}));

        const QString message = git(m_project, {"log", "-1", "--format=%s"});
        QVERIFY2(
            QRegularExpression(R"(^ingest\(historic-sql\): [0-9a-f]{8} )"
                               R"(syncId=\d{4}-\d\d-\d\d-\d{6}-[0-9a-f]{8} diff=\+4/~0/-0/=0$)")
                .match(message)
                .hasMatch(),
            qPrintable(message));
        QVERIFY(git(m_project, {"status", "--porcelain"}).isEmpty());
    }

    void unchangedHistoryCommitsNothing()
    {
        const QString head = git(m_project, {"rev-parse", "HEAD"});
        // More executions of the same templates, within the same order of magnitude.
        workload("analyst",
                 "SELECT c.name, sum(o.amount) FROM orders o JOIN customers c ON c.id = "
                 "o.customer_id WHERE o.status = 'x' GROUP BY c.name",
                 2);
        workload("svc_loader", "SELECT * FROM orders WHERE id = 7", 50);
        const QueryHistoryIngestResult r = ingest();
        QCOMPARE(r.status, QStringLiteral("done"));
        QVERIFY2(r.commitId.isEmpty(), qPrintable(r.detail));
        QVERIFY(r.detail.endsWith("unchanged"));
        QCOMPARE(git(m_project, {"rev-parse", "HEAD"}), head);
        QVERIFY(git(m_project, {"status", "--porcelain"}).isEmpty());
        // The exact figures are local: the join template ran 7 times in all.
        const QJsonArray exact = readJson(m_project + "/.ktx/ingest/query-history/wh.json")
                                     .object()
                                     .value("templates")
                                     .toArray();
        bool found = false;
        for (const QJsonValue &t : exact)
            if (t.toObject().value("sql").toString().contains("JOIN customers")) {
                QCOMPARE(t.toObject().value("executions").toInt(), 7);
                found = true;
            }
        QVERIFY(found);
    }

    void changedHistoryReplacesTheRead()
    {
        const QString before = historyDir();
        workload("analyst", "SELECT o.id FROM orders o WHERE o.amount > 100", 3);
        workload("reporter",
                 "SELECT c.name, sum(o.amount) FROM orders o JOIN customers c ON c.id = "
                 "o.customer_id WHERE o.status = 'y' GROUP BY c.name",
                 5); // 12 in all: the next order of magnitude
        const QueryHistoryIngestResult r = ingest();
        QCOMPARE(r.status, QStringLiteral("done"));
        QVERIFY(!r.commitId.isEmpty());
        QCOMPARE(r.templates, 3);
        QCOMPARE(r.modified, 3); // templates.json, orders and customers (both joined)
        const QString after = historyDir();
        QVERIFY(after != before);
        QVERIFY(!QDir(before).exists()); // one read at a time
        const QJsonObject join
            = templateWith(readJson(after + "/templates.json").array(), "JOIN customers");
        QCOMPARE(join.value("stats").toObject().value("executions").toString(),
                 QStringLiteral("10-99"));
        QVERIFY(git(m_project, {"log", "-1", "--format=%s"}).contains("diff=+0/~3/-0/=1"));
    }

    void probeGrantsMissing()
    {
        QString error;
        QVERIFY2(m_server->admin({"GRANT CONNECT ON DATABASE ktx TO plain"}, &error),
                 qPrintable(error));
        auto session = DatabaseSession::open(settingsAs("plain", "plain-pw-1"));
        QVERIFY2(session.ok(), qPrintable(session.ok() ? QString() : session.error().message));
        const QueryHistoryReadiness r = PostgresQueryHistory::probe(**session, "wh");
        QCOMPARE(r.code, QStringLiteral("grants_missing"));
        QCOMPARE(r.statusName(), QStringLiteral("fail"));
        QVERIFY2(r.fix.contains("GRANT pg_read_all_stats TO \"plain\";"), qPrintable(r.fix));
        QVERIFY(r.detail.contains("<insufficient privilege>"));
    }

    void probeExtensionMissing()
    {
        auto session = DatabaseSession::open(settingsAs("ktx", m_server->password(), "nohist"));
        QVERIFY(session.ok());
        const QueryHistoryReadiness r = PostgresQueryHistory::probe(**session, "nohist");
        QCOMPARE(r.code, QStringLiteral("extension_missing"));
        QVERIFY2(r.fix.contains("CREATE EXTENSION pg_stat_statements; in database \"nohist\""),
                 qPrintable(r.fix));
    }

    void probeNotPreloaded()
    {
        QString error;
        auto bare = TestDatabaseServer::start(TestDatabaseServer::Kind::Postgres,
                                              {"shared_preload_libraries="}, &error);
        QVERIFY2(bare, qPrintable(error));
        QVERIFY2(
            bare->admin({"CREATE EXTENSION pg_stat_statements", "GRANT pg_read_all_stats TO ktx"},
                        &error),
            qPrintable(error));
        auto session = DatabaseSession::open(bare->connectionSettings("bare"));
        QVERIFY(session.ok());
        const QueryHistoryReadiness r = PostgresQueryHistory::probe(**session, "bare");
        QCOMPARE(r.code, QStringLiteral("extension_not_preloaded"));
        QVERIFY2(r.fix.contains("shared_preload_libraries = 'pg_stat_statements'")
                     && r.fix.contains("restart PostgreSQL"),
                 qPrintable(r.fix));
    }

    void unsupportedDriversAreSkipped_data()
    {
        QTest::addColumn<QString>("driver");
        QTest::newRow("sqlite") << "sqlite";
        QTest::newRow("mysql") << "mysql";
    }

    void unsupportedDriversAreSkipped()
    {
        QFETCH(QString, driver);
        ConnectionConfig connection;
        connection.id = "other";
        connection.driver = driver;
        QueryHistoryOptions options;
        options.enabled = true;
        const QueryHistoryIngestResult r
            = QueryHistoryIngest::run(m_project, config(), connection, options);
        QCOMPARE(r.status, QStringLiteral("skipped"));
        QCOMPARE(r.code, QStringLiteral("unsupported_driver"));
        QCOMPARE(r.detail,
                 QStringLiteral("query history is not supported for driver \"%1\"").arg(driver));
        QCOMPARE(r.warnings.size(), 1);
    }

    void cliFlagsAndFailures()
    {
        Run r = runKtx({"ingest", "wh", "--query-history", "--no-query-history"}, m_project);
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("conflict"));

        r = runKtx({"ingest", "wh", "--no-query-history", "--json"}, m_project);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QJsonObject result
            = QJsonDocument::fromJson(r.out).object().value("results").toArray().at(0).toObject();
        QJsonObject step = result.value("steps").toArray().at(1).toObject();
        QCOMPARE(step.value("operation").toString(), QStringLiteral("query-history"));
        QCOMPARE(step.value("status").toString(), QStringLiteral("skipped"));
        QVERIFY(!result.contains("queryHistory"));

        // From ktx.yaml (enabled): done, unchanged.
        r = runKtx({"ingest", "wh"}, m_project);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY2(r.out.contains("Database schema  Query history  Detail"), r.out.constData());
        QVERIFY2(r.out.contains("query history: 3 templates, 3 tables, unchanged"),
                 r.out.constData());

        // The probe fails for nohist: the schema lands, the run exits 1 with the fix.
        r = runKtx({"ingest", "nohist"}, m_project);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.out.contains("Ingest finished with partial failures"), r.out.constData());
        QVERIFY(r.out.contains("query history failed: The pg_stat_statements extension is not "
                               "created in database \"nohist\"."));
        QVERIFY(r.out.contains("fix: Run CREATE EXTENSION pg_stat_statements;"));
        QVERIFY(QueryHistoryEvidence::latestSyncDir(m_project, "nohist").isEmpty());
        QVERIFY(!LiveDatabaseEvidence::latestSyncDir(m_project, "nohist").isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestQueryHistoryPostgres)
#include "tst_queryhistory_postgres.moc"
