// The ktx context tools on a real project: the demo warehouse (SQLite, with
// its fan trap orders -> order_items / payments and chasm trap customers <-
// orders / support_tickets), the hand-written demo sources and schema evidence
// written the way ingest writes it. Tools are called through ToolSet::call, as
// the MCP server and the agent loops call them (schema validation included).
#include "db/schemasnapshot.h"
#include "demo/demowarehouse.h"
#include "ingest/livedatabaseevidence.h"
#include "ktxtools/ktxtoolset.h"
#include "ktxtools/semanticqueryrunner.h"
#include "project/configloader.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <future>

using namespace ktx;

namespace {

const QString kConnection = QStringLiteral("demo_warehouse");

QJsonObject json(const char *text)
{
    return QJsonDocument::fromJson(QByteArray(text)).object();
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

// Sum of one column over the rows of a tool or CLI result.
double columnSum(const QJsonArray &rows, int column)
{
    double sum = 0;
    for (const QJsonValue &row : rows)
        sum += row.toArray().at(column).toDouble();
    return sum;
}

} // namespace

class TestKtxTools : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_project;
    ProjectConfig m_config;

    ToolSet tools(const ProjectConfig &config) const
    {
        auto context = std::make_shared<KtxToolContext>();
        context->projectDir = m_project;
        context->config = config;
        return KtxToolSet::build(context);
    }
    ToolOutput call(const QString &tool, const QJsonObject &args) const
    {
        return tools(m_config).call(tool, args, CancellationToken());
    }
    ProjectConfig restricted() const
    {
        ProjectConfig c = m_config;
        c.connections[0].fields.insert(QStringLiteral("query_policy"),
                                       QStringLiteral("semantic-layer-only"));
        return c;
    }
    QJsonObject cli(const QStringList &args) const
    {
        QProcess p;
        p.setWorkingDirectory(m_project);
        p.start(qEnvironmentVariable("KTX_CLI"), args);
        if (!p.waitForFinished(60000) || p.exitCode() != 0)
            qWarning() << "ktx" << args << "failed:" << p.readAllStandardError();
        return QJsonDocument::fromJson(p.readAllStandardOutput()).object();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_project = m_dir.filePath(QStringLiteral("project"));
        const Result<DemoWarehouse::Summary> made
            = DemoWarehouse::generate(m_project + QStringLiteral("/data/demo-warehouse.sqlite"));
        QVERIFY2(made.ok(), made.ok() ? "" : qPrintable(made.error().toText()));
        QVERIFY(writeFile(m_project + QStringLiteral("/ktx.yaml"),
                          "connections:\n"
                          "  demo_warehouse:\n"
                          "    driver: sqlite\n"
                          "    path: data/demo-warehouse.sqlite\n"
                          "  docs:\n"
                          "    driver: notion\n"
                          "llm:\n"
                          "  provider:\n"
                          "    backend: none\n"));
        const QDir sources(
            QStringLiteral(KTX_TEST_SOURCE_DIR "/tests/runtime/semantic/demo-sources"));
        const QString target = m_project + QStringLiteral("/semantic-layer/demo_warehouse/");
        QVERIFY(QDir().mkpath(target));
        for (const QString &f : sources.entryList({QStringLiteral("*.yaml")}, QDir::Files))
            QVERIFY(QFile::copy(sources.filePath(f), target + f));
        const Result<LoadedConfig> loaded
            = ConfigLoader::loadFile(m_project + QStringLiteral("/ktx.yaml"));
        QVERIFY(loaded.ok());
        m_config = loaded->config;
    }

    void toolSetFollowsTheOriginalOrder()
    {
        const QStringList names = tools(m_config).names();
        QCOMPARE(names,
                 (QStringList {QStringLiteral("connection_list"), QStringLiteral("wiki_search"),
                               QStringLiteral("wiki_read"), QStringLiteral("sl_read_source"),
                               QStringLiteral("sl_query"), QStringLiteral("entity_details"),
                               QStringLiteral("dictionary_search"), QStringLiteral("discover_data"),
                               QStringLiteral("sql_execution")}));
        // Every SQL connection semantic-layer-only: raw SQL is not even offered.
        QVERIFY(!tools(restricted()).contains(QStringLiteral("sql_execution")));
        const ToolSet all = tools(m_config); // tools() refers into the set: keep it alive
        for (const AgentTool &t : all.tools()) {
            QVERIFY2(!t.description.isEmpty(), qPrintable(t.name));
            QVERIFY2(t.annotations.readOnly, qPrintable(t.name));
            QVERIFY2(!t.outputSchema.isEmpty(), qPrintable(t.name));
        }
    }

    void connectionListNamesSqlConnectionsOnly()
    {
        const ToolOutput out = call(QStringLiteral("connection_list"), {});
        QVERIFY(!out.isError);
        QCOMPARE(
            out.structured.toObject(),
            json(
                R"({"connections":[{"id":"demo_warehouse","name":"demo_warehouse","connectionType":"SQLITE"}]})"));
        QCOMPARE(QJsonDocument::fromJson(out.text.toUtf8()).object(), out.structured.toObject());
    }

    void slReadSourceReturnsTheFile()
    {
        const ToolOutput out = call(QStringLiteral("sl_read_source"),
                                    {{QStringLiteral("connectionId"), kConnection},
                                     {QStringLiteral("sourceName"), QStringLiteral("payments")}});
        QVERIFY2(!out.isError, qPrintable(out.text));
        QFile f(m_project + QStringLiteral("/semantic-layer/demo_warehouse/payments.yaml"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(out.structured.toObject().value(QLatin1String("yaml")).toString(),
                 QString::fromUtf8(f.readAll()));
        QCOMPARE(out.structured.toObject().value(QLatin1String("sourceName")).toString(),
                 QStringLiteral("payments"));
        const ToolOutput missing
            = call(QStringLiteral("sl_read_source"),
                   {{QStringLiteral("connectionId"), kConnection},
                    {QStringLiteral("sourceName"), QStringLiteral("paymentz")}});
        QVERIFY(missing.isError);
        QVERIFY2(missing.text.contains(QLatin1String("No semantic-layer source 'paymentz'")),
                 qPrintable(missing.text));
        QVERIFY2(missing.text.contains(QLatin1String("payments")), qPrintable(missing.text));
    }

    // The fan trap: captured payments and units sold per sales channel. Both
    // hang off orders one-to-many; a naive join double counts.
    void slQueryFanTrapMatchesTheCliAndRawSql()
    {
        const ToolOutput out
            = call(QStringLiteral("sl_query"),
                   json(R"({"measures":["payments.captured_amount","order_items.units_sold"],
                     "dimensions":[{"field":"orders.sales_channel"}]})"));
        QVERIFY2(!out.isError, qPrintable(out.text));
        const QJsonObject o = out.structured.toObject();
        QCOMPARE(o.value(QLatin1String("headers")).toArray(),
                 (QJsonArray {QStringLiteral("sales_channel"), QStringLiteral("captured_amount"),
                              QStringLiteral("units_sold")}));
        QCOMPARE(o.value(QLatin1String("totalRows")).toInt(), 3);
        QVERIFY(!o.contains(QLatin1String("sql"))); // only on request
        QVERIFY(!o.contains(QLatin1String("plan")));
        QVERIFY2(o.value(QLatin1String("notes"))
                     .toArray()
                     .first()
                     .toString()
                     .contains(QLatin1String("aggregated on its own")),
                 qPrintable(out.text));

        const QJsonObject viaCli
            = cli({QStringLiteral("sl"), QStringLiteral("query"), QStringLiteral("--measure"),
                   QStringLiteral("payments.captured_amount"), QStringLiteral("--measure"),
                   QStringLiteral("order_items.units_sold"), QStringLiteral("--dimension"),
                   QStringLiteral("orders.sales_channel"), QStringLiteral("--json")});
        QCOMPARE(o.value(QLatin1String("rows")), viaCli.value(QLatin1String("rows")));

        // And against SQL that cannot fan out: each measure on its own table.
        const ToolOutput direct = call(
            QStringLiteral("sql_execution"),
            {{QStringLiteral("connectionId"), kConnection},
             {QStringLiteral("sql"),
              QStringLiteral("SELECT (SELECT SUM(amount) FROM payments WHERE status = 'captured'), "
                             "(SELECT SUM(quantity) FROM order_items)")}});
        QVERIFY2(!direct.isError, qPrintable(direct.text));
        const QJsonArray truth
            = direct.structured.toObject().value(QLatin1String("rows")).toArray().first().toArray();
        const QJsonArray rows = o.value(QLatin1String("rows")).toArray();
        QVERIFY(qAbs(columnSum(rows, 1) - truth.at(0).toDouble()) < 0.01);
        QCOMPARE(columnSum(rows, 2), truth.at(1).toDouble());
    }

    // The chasm trap: orders and tickets per customer type; they meet only
    // at customers.
    void slQueryChasmTrapMatchesTheCliAndRawSql()
    {
        const ToolOutput out
            = call(QStringLiteral("sl_query"), json(R"({"connectionId":"demo_warehouse",
                     "measures":["orders.order_count","support_tickets.ticket_count"],
                     "dimensions":[{"field":"customers.customer_type"}],
                     "include":["sql","plan"]})"));
        QVERIFY2(!out.isError, qPrintable(out.text));
        const QJsonObject o = out.structured.toObject();
        QVERIFY(o.value(QLatin1String("sql")).toString().contains(QLatin1String("_agg AS (")));
        QCOMPARE(o.value(QLatin1String("plan"))
                     .toObject()
                     .value(QLatin1String("execution"))
                     .toObject()
                     .value(QLatin1String("mode"))
                     .toString(),
                 QStringLiteral("executed"));
        QCOMPARE(o.value(QLatin1String("dialect")).toString(), QStringLiteral("sqlite"));
        const QJsonObject viaCli
            = cli({QStringLiteral("sl"), QStringLiteral("query"), QStringLiteral("--measure"),
                   QStringLiteral("orders.order_count"), QStringLiteral("--measure"),
                   QStringLiteral("support_tickets.ticket_count"), QStringLiteral("--dimension"),
                   QStringLiteral("customers.customer_type"), QStringLiteral("--json")});
        QCOMPARE(o.value(QLatin1String("rows")), viaCli.value(QLatin1String("rows")));
        const QJsonArray rows = o.value(QLatin1String("rows")).toArray();
        QCOMPARE(columnSum(rows, 1), 7600.0); // every order once (README: 7,600 orders)
        const ToolOutput tickets = call(
            QStringLiteral("sql_execution"),
            {{QStringLiteral("connectionId"), kConnection},
             {QStringLiteral("sql"), QStringLiteral("SELECT COUNT(*) FROM support_tickets")}});
        QCOMPARE(columnSum(rows, 2),
                 tickets.structured.toObject()
                     .value(QLatin1String("rows"))
                     .toArray()
                     .first()
                     .toArray()
                     .first()
                     .toDouble());
    }

    void slQueryErrorsAreToolErrors()
    {
        const ToolOutput unknown
            = call(QStringLiteral("sl_query"), json(R"({"measures":["payments.captured_amt"]})"));
        QVERIFY(unknown.isError);
        QVERIFY2(unknown.text.contains(QLatin1String("payments.captured_amount")),
                 qPrintable(unknown.text));
        const ToolOutput noMeasures = call(QStringLiteral("sl_query"), json(R"({"measures":[]})"));
        QVERIFY(noMeasures.isError);
        QVERIFY2(noMeasures.text.contains(QLatin1String("/measures")), qPrintable(noMeasures.text));
        const ToolOutput badDirection = call(
            QStringLiteral("sl_query"),
            json(
                R"({"measures":["orders.order_count"],"order_by":[{"field":"order_count","direction":"up"}]})"));
        QVERIFY(badDirection.isError);
        const ToolOutput unknownKey
            = call(QStringLiteral("sl_query"),
                   json(R"({"measures":["orders.order_count"],"pivot":true})"));
        QVERIFY(unknownKey.isError);
        QVERIFY2(unknownKey.text.contains(QLatin1String("pivot")), qPrintable(unknownKey.text));
        const ToolOutput badConnection
            = call(QStringLiteral("sl_query"),
                   json(R"({"connectionId":"nope","measures":["orders.order_count"]})"));
        QVERIFY(badConnection.isError);
        QVERIFY2(badConnection.text.contains(
                     QLatin1String("Connection \"nope\" is not configured in ktx.yaml")),
                 qPrintable(badConnection.text));
    }

    void slQueryLimitAndIncludeEmpty()
    {
        const ToolOutput out
            = call(QStringLiteral("sl_query"), json(R"({"measures":["orders.order_count"],
                     "dimensions":[{"field":"orders.ordered_at","granularity":"month"}],
                     "order_by":[{"field":"order_count","direction":"desc"}],"limit":5})"));
        QVERIFY2(!out.isError, qPrintable(out.text));
        const QJsonArray rows = out.structured.toObject().value(QLatin1String("rows")).toArray();
        QCOMPARE(rows.size(), 5);
        QVERIFY(rows.at(0).toArray().at(1).toDouble() >= rows.at(4).toArray().at(1).toDouble());
    }

    void queryPolicyComesFromConfigOnly()
    {
        const ToolSet set = tools(restricted());
        const ToolOutput composed
            = set.call(QStringLiteral("sl_query"),
                       json(R"j({"measures":[{"expr":"sum(payments.amount)","name":"gross"}]})j"),
                       CancellationToken());
        QVERIFY(composed.isError);
        QVERIFY2(composed.text.contains(QLatin1String("semantic-layer-only")),
                 qPrintable(composed.text));
        const ToolOutput predefined
            = set.call(QStringLiteral("sl_query"),
                       json(R"({"measures":["payments.captured_amount"]})"), CancellationToken());
        QVERIFY2(!predefined.isError, qPrintable(predefined.text));

        // sql_execution is not offered, and a tool built anyway refuses with
        // the original's words.
        auto context = std::make_shared<KtxToolContext>();
        context->projectDir = m_project;
        context->config = restricted();
        ProjectConfig mixed = restricted();
        ConnectionConfig open = mixed.connections[0];
        open.id = QStringLiteral("open_copy");
        open.fields.remove(QStringLiteral("query_policy"));
        mixed.connections << open;
        context->config = mixed;
        const ToolSet mixedSet = KtxToolSet::build(context);
        QVERIFY(mixedSet.contains(QStringLiteral("sql_execution")));
        const ToolOutput refused
            = mixedSet.call(QStringLiteral("sql_execution"),
                            {{QStringLiteral("connectionId"), kConnection},
                             {QStringLiteral("sql"), QStringLiteral("SELECT 1")}},
                            CancellationToken());
        QVERIFY(refused.isError);
        QCOMPARE(refused.text,
                 QStringLiteral("Connection \"demo_warehouse\" is restricted to semantic-layer "
                                "queries (query_policy: semantic-layer-only in ktx.yaml); raw SQL "
                                "execution is disabled. Query it through the semantic layer with "
                                "predefined measures instead (the sl_query tool or `ktx sl "
                                "query`)."));
        const ToolOutput allowed
            = mixedSet.call(QStringLiteral("sql_execution"),
                            {{QStringLiteral("connectionId"), QStringLiteral("open_copy")},
                             {QStringLiteral("sql"), QStringLiteral("SELECT 1 AS one")}},
                            CancellationToken());
        QVERIFY2(!allowed.isError, qPrintable(allowed.text));
    }

    void sqlExecutionIsReadOnlyAndCapped()
    {
        const ToolOutput rows
            = call(QStringLiteral("sql_execution"),
                   {{QStringLiteral("connectionId"), kConnection},
                    {QStringLiteral("sql"),
                     QStringLiteral("SELECT order_id, status FROM orders ORDER BY order_id")},
                    {QStringLiteral("maxRows"), 7}});
        QVERIFY2(!rows.isError, qPrintable(rows.text));
        const QJsonObject o = rows.structured.toObject();
        QCOMPARE(o.value(QLatin1String("rowCount")).toInt(), 7);
        QCOMPARE(o.value(QLatin1String("rows")).toArray().size(), 7);
        QCOMPARE(o.value(QLatin1String("headers")).toArray(),
                 (QJsonArray {QStringLiteral("order_id"), QStringLiteral("status")}));
        QCOMPARE(o.value(QLatin1String("rows")).toArray().first().toArray().first().toInt(), 1);

        const ToolOutput defaults
            = call(QStringLiteral("sql_execution"),
                   {{QStringLiteral("connectionId"), kConnection},
                    {QStringLiteral("sql"), QStringLiteral("SELECT * FROM orders")}});
        QCOMPARE(defaults.structured.toObject().value(QLatin1String("rowCount")).toInt(), 1000);

        const ToolOutput write
            = call(QStringLiteral("sql_execution"),
                   {{QStringLiteral("connectionId"), kConnection},
                    {QStringLiteral("sql"), QStringLiteral("DELETE FROM orders")}});
        QVERIFY(write.isError);
        QVERIFY2(write.text.startsWith(QLatin1String("SQL contains read/write operation")),
                 qPrintable(write.text));
        const ToolOutput two
            = call(QStringLiteral("sql_execution"),
                   {{QStringLiteral("connectionId"), kConnection},
                    {QStringLiteral("sql"), QStringLiteral("SELECT 1; SELECT 2")}});
        QVERIFY(two.isError);
        QVERIFY2(two.text.startsWith(QLatin1String("Only one SQL statement can be executed.")),
                 qPrintable(two.text));
        const ToolOutput tooMany = call(QStringLiteral("sql_execution"),
                                        {{QStringLiteral("connectionId"), kConnection},
                                         {QStringLiteral("sql"), QStringLiteral("SELECT 1")},
                                         {QStringLiteral("maxRows"), 10001}});
        QVERIFY(tooMany.isError);
        QVERIFY2(tooMany.text.contains(QLatin1String("/maxRows")), qPrintable(tooMany.text));
        const ToolOutput badSql
            = call(QStringLiteral("sql_execution"),
                   {{QStringLiteral("connectionId"), kConnection},
                    {QStringLiteral("sql"), QStringLiteral("SELECT nope FROM orders")}});
        QVERIFY(badSql.isError);
        // The warehouse is unchanged.
        const ToolOutput count
            = call(QStringLiteral("sql_execution"),
                   {{QStringLiteral("connectionId"), kConnection},
                    {QStringLiteral("sql"), QStringLiteral("SELECT COUNT(*) FROM orders")}});
        QCOMPARE(count.structured.toObject()
                     .value(QLatin1String("rows"))
                     .toArray()
                     .first()
                     .toArray()
                     .first()
                     .toInt(),
                 7600);
    }

    void sqlExecutionStopsWhenTheCallIsCancelled()
    {
        // A statement that never ends on its own: only an interrupt on the
        // database stops it, which is what a client's cancel or hang-up must do.
        CancellationToken cancel;
        const ToolSet set = tools(m_config);
        auto running = std::async(std::launch::async, [&] {
            return set.call(
                QStringLiteral("sql_execution"),
                {{QStringLiteral("connectionId"), kConnection},
                 {QStringLiteral("sql"),
                  QStringLiteral("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + "
                                 "1 FROM c) SELECT max(x) FROM c")}},
                cancel);
        });
        QCOMPARE(running.wait_for(std::chrono::milliseconds(300)), std::future_status::timeout);
        cancel.cancel();
        QCOMPARE(running.wait_for(std::chrono::seconds(60)), std::future_status::ready);
        const ToolOutput out = running.get();
        QVERIFY(out.isError);
        QVERIFY2(out.text.contains(QLatin1String("cancelled")), qPrintable(out.text));
        // The connection is usable by the next call.
        const ToolOutput after = call(QStringLiteral("sql_execution"),
                                      {{QStringLiteral("connectionId"), kConnection},
                                       {QStringLiteral("sql"), QStringLiteral("SELECT 1 AS one")}});
        QVERIFY2(!after.isError, qPrintable(after.text));
    }

    void entityDetailsWithoutScan()
    {
        const ToolOutput out
            = call(QStringLiteral("entity_details"),
                   json(R"({"connectionId":"demo_warehouse","entities":[{"table":"orders"}]})"));
        QVERIFY2(!out.isError, qPrintable(out.text));
        const QJsonObject r = out.structured.toObject()
                                  .value(QLatin1String("results"))
                                  .toArray()
                                  .first()
                                  .toObject();
        QCOMPARE(r.value(QLatin1String("ok")).toBool(), false);
        QCOMPARE(r.value(QLatin1String("error")).toObject().value(QLatin1String("code")).toString(),
                 QStringLiteral("scan_missing"));
    }

    void entityDetailsFromTheLatestScan()
    {
        // Two snapshots; the newer one (by folder name) must win.
        SchemaSnapshot old;
        old.connectionId = kConnection;
        old.driver = QStringLiteral("sqlite");
        old.extractedAt = QDateTime(QDate(2026, 1, 1), QTime(0, 0), Qt::UTC);
        SchemaTable stale;
        stale.ref = {QString(), QStringLiteral("main"), QStringLiteral("orders")};
        stale.columns << SchemaColumn {QStringLiteral("id"),
                                       QStringLiteral("INTEGER"),
                                       QStringLiteral("integer"),
                                       QStringLiteral("number"),
                                       false,
                                       true,
                                       {}};
        old.tables << stale;
        SchemaSnapshot now = old;
        now.extractedAt = QDateTime(QDate(2026, 2, 1), QTime(12, 0), Qt::UTC);
        now.tables.clear();
        SchemaTable orders;
        orders.ref = {QString(), QStringLiteral("main"), QStringLiteral("orders")};
        orders.comment = QStringLiteral("One row per order");
        orders.estimatedRows = 7600;
        orders.columns << SchemaColumn {QStringLiteral("order_id"),
                                        QStringLiteral("INTEGER"),
                                        QStringLiteral("integer"),
                                        QStringLiteral("number"),
                                        false,
                                        true,
                                        {}}
                       << SchemaColumn {QStringLiteral("customer_id"),
                                        QStringLiteral("INTEGER"),
                                        QStringLiteral("integer"),
                                        QStringLiteral("number"),
                                        false,
                                        false,
                                        QStringLiteral("who ordered")};
        orders.foreignKeys << SchemaForeignKey {
            QStringLiteral("customer_id"), {}, QStringLiteral("main"), QStringLiteral("customers"),
            QStringLiteral("customer_id"), {}};
        SchemaTable eventsA;
        eventsA.ref = {QString(), QStringLiteral("main"), QStringLiteral("events")};
        eventsA.kind = QStringLiteral("view");
        SchemaTable eventsB;
        eventsB.ref = {QString(), QStringLiteral("archive"), QStringLiteral("events")};
        now.tables << orders << eventsA << eventsB;
        const QString base
            = m_project + QStringLiteral("/raw-sources/demo_warehouse/live-database/");
        for (const auto &[sync, snapshot] :
             {std::pair {QStringLiteral("2026-01-01-000000-aaaa"), old},
              std::pair {QStringLiteral("2026-02-01-120000-bbbb"), now}}) {
            const QMap<QString, QByteArray> files = LiveDatabaseEvidence::files(snapshot, {});
            for (auto it = files.cbegin(); it != files.cend(); ++it)
                QVERIFY(writeFile(base + sync + QLatin1Char('/') + it.key(), it.value()));
        }

        const ToolOutput out = call(QStringLiteral("entity_details"),
                                    json(R"({"connectionId":"demo_warehouse","entities":[
                {"table":"orders","columns":["customer_id"]},
                {"table":{"catalog":null,"db":"main","name":"ORDERS"}},
                {"table":"order"},
                {"table":"events"},
                {"table":"archive.events"},
                {"table":"orders","columns":["customer"]}]})"));
        QVERIFY2(!out.isError, qPrintable(out.text));
        const QJsonArray results
            = out.structured.toObject().value(QLatin1String("results")).toArray();
        QCOMPARE(results.size(), 6);

        const QJsonObject first = results.at(0).toObject();
        QCOMPARE(first.value(QLatin1String("ok")).toBool(), true);
        QCOMPARE(first.value(QLatin1String("tableRef")).toObject(),
                 json(R"({"catalog":null,"db":"main","name":"orders"})"));
        QCOMPARE(first.value(QLatin1String("display")).toString(), QStringLiteral("orders"));
        QCOMPARE(first.value(QLatin1String("comment")).toString(),
                 QStringLiteral("One row per order"));
        QCOMPARE(first.value(QLatin1String("estimatedRows")).toInt(), 7600);
        QCOMPARE(first.value(QLatin1String("columns")).toArray().size(), 1);
        QCOMPARE(first.value(QLatin1String("columns")).toArray().first().toObject(),
                 json(R"({"name":"customer_id","nativeType":"INTEGER","normalizedType":"integer",
                          "dimensionType":"number","nullable":false,"primaryKey":false,
                          "comment":"who ordered"})"));
        QCOMPARE(first.value(QLatin1String("foreignKeys")).toArray().size(), 1);
        QCOMPARE(
            first.value(QLatin1String("snapshot")).toObject(),
            json(
                R"({"syncId":"2026-02-01-120000-bbbb","extractedAt":"2026-02-01T12:00:00.000Z","scanRunId":null})"));

        QCOMPARE(results.at(1).toObject().value(QLatin1String("columns")).toArray().size(), 2);
        auto code = [&](int i) {
            return results.at(i)
                .toObject()
                .value(QLatin1String("error"))
                .toObject()
                .value(QLatin1String("code"))
                .toString();
        };
        QCOMPARE(code(2), QStringLiteral("table_not_found"));
        QCOMPARE(results.at(2)
                     .toObject()
                     .value(QLatin1String("error"))
                     .toObject()
                     .value(QLatin1String("candidates"))
                     .toArray()
                     .first()
                     .toObject()
                     .value(QLatin1String("display"))
                     .toString(),
                 QStringLiteral("orders"));
        QCOMPARE(code(3), QStringLiteral("ambiguous_table"));
        QCOMPARE(results.at(3)
                     .toObject()
                     .value(QLatin1String("error"))
                     .toObject()
                     .value(QLatin1String("candidates"))
                     .toArray()
                     .size(),
                 2);
        QCOMPARE(results.at(4).toObject().value(QLatin1String("ok")).toBool(), true);
        QCOMPARE(results.at(4).toObject().value(QLatin1String("display")).toString(),
                 QStringLiteral("archive.events"));
        QCOMPARE(code(5), QStringLiteral("column_not_found"));
        QCOMPARE(results.at(5)
                     .toObject()
                     .value(QLatin1String("error"))
                     .toObject()
                     .value(QLatin1String("candidates"))
                     .toArray(),
                 (QJsonArray {QStringLiteral("order_id"), QStringLiteral("customer_id")}));

        const ToolOutput tooMany = call(QStringLiteral("entity_details"),
                                        {{QStringLiteral("connectionId"), kConnection},
                                         {QStringLiteral("entities"), QJsonArray()}});
        QVERIFY(tooMany.isError);
    }

    void measureCandidatesRankCloseNamesFirst()
    {
        SemanticSource payments;
        payments.name = QStringLiteral("payments");
        payments.measures << SourceMeasure {QStringLiteral("captured_amount"), {}, {}, {}, {}, {}}
                          << SourceMeasure {QStringLiteral("payment_count"), {}, {}, {}, {}, {}};
        SemanticSource orders;
        orders.name = QStringLiteral("orders");
        orders.measures << SourceMeasure {QStringLiteral("order_count"), {}, {}, {}, {}, {}};
        const QList<SemanticSource> sources {payments, orders};
        QCOMPARE(
            SemanticQueryRunner::measureCandidates(sources, QStringLiteral("payments.captured"))
                .first(),
            QStringLiteral("payments.captured_amount"));
        QCOMPARE(
            SemanticQueryRunner::measureCandidates(sources, QStringLiteral("orders.ordr_count")),
            QStringList {QStringLiteral("orders.order_count")});
        QVERIFY(SemanticQueryRunner::measureCandidates(sources, QStringLiteral("zebra.stripes"))
                    .isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestKtxTools)
#include "tst_ktxtools.moc"
