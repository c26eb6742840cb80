// Query history without a server: reading normalized SQL (tables, joins,
// filters), aggregating pg_stat_statements entries into templates, the
// context.queryHistory options, and the readiness decision for every case.
// tst_queryhistory_postgres runs the same against a real PostgreSQL.
#include "db/postgresqueryhistory.h"
#include "db/queryhistoryaggregator.h"
#include "db/queryhistoryoptions.h"
#include "db/sqltemplateanalyzer.h"
#include "project/configloader.h"
#include "project/projectconfig.h"

#include <QTest>

using namespace ktx;

namespace {

SchemaTable table(const QString &schema, const QString &name, const QStringList &columns)
{
    SchemaTable t;
    t.ref = TableRef {QStringLiteral("shop"), schema, name};
    for (const QString &c : columns) {
        SchemaColumn column;
        column.name = c;
        t.columns << column;
    }
    return t;
}

QList<SchemaTable> catalog()
{
    return {
        table("public", "customers", {"id", "name", "region", "created_at"}),
        table("public", "orders", {"id", "customer_id", "status", "amount", "ordered_at"}),
        table("public", "order_items", {"order_id", "product_id", "quantity"}),
        table("sales", "products", {"id", "sku", "category"}),
        table("public", "Order Details", {"Order ID", "Unit Price"}),
        table("public", "employees", {"id", "manager_id", "name"}),
    };
}

QString joinsText(const SqlTemplateAnalysis &a)
{
    QStringList out;
    for (const SqlJoinPair &j : a.joins)
        out << QStringLiteral("%1.%2=%3.%4")
                   .arg(j.left.table, j.left.column, j.right.table, j.right.column);
    return out.join(QLatin1Char('|'));
}

QString columnsText(const QList<SqlColumnUse> &uses)
{
    QStringList out;
    for (const SqlColumnUse &u : uses)
        out << u.table + QLatin1Char('.') + u.column;
    return out.join(QLatin1Char('|'));
}

QueryHistoryStatement statement(const QString &role, qint64 calls, const QString &sql)
{
    QueryHistoryStatement s;
    s.role = role;
    s.calls = calls;
    s.totalMs = double(calls) * 2.0;
    s.rows = calls;
    s.query = sql;
    return s;
}

ConnectionConfig connectionWith(const QVariantMap &queryHistory)
{
    ConnectionConfig c;
    c.id = QStringLiteral("wh");
    c.driver = QStringLiteral("postgres");
    c.fields.insert(QStringLiteral("driver"), c.driver);
    c.fields.insert(QStringLiteral("context"),
                    QVariantMap {{QStringLiteral("queryHistory"), queryHistory}});
    return c;
}

} // namespace

class TestQueryHistory : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void analyze_data()
    {
        QTest::addColumn<QString>("sql");
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QStringList>("tables");
        QTest::addColumn<QString>("joins");
        QTest::addColumn<QString>("filters");
        QTest::addColumn<QString>("groupBy");

        QTest::newRow("join with aliases")
            << "SELECT c.name, sum(o.amount) FROM orders o JOIN customers c ON c.id = "
               "o.customer_id WHERE o.status = $1 AND o.ordered_at >= $2 GROUP BY c.name"
            << "select" << QStringList {"public.customers", "public.orders"}
            << "public.customers.id=public.orders.customer_id"
            << "public.orders.ordered_at|public.orders.status"
            << "public.customers.name";
        QTest::newRow("schema, quotes, AS alias")
            << "select d.\"Unit Price\" from public.\"Order Details\" as d join public.orders "
               "o on o.id = d.\"Order ID\" where d.\"Unit Price\" > $1"
            << "select" << QStringList {"public.Order Details", "public.orders"}
            << "public.Order Details.Order ID=public.orders.id"
            << "public.Order Details.Unit Price"
            << "";
        QTest::newRow("other schema and unqualified column")
            << "SELECT sku FROM sales.products WHERE category IN ($1, $2)"
            << "select" << QStringList {"sales.products"} << ""
            << "sales.products.category"
            << "";
        QTest::newRow("implicit join in WHERE")
            << "select * from orders, customers where orders.customer_id = customers.id and "
               "customers.region = $1"
            << "select" << QStringList {"public.customers", "public.orders"}
            << "public.customers.id=public.orders.customer_id"
            << "public.customers.region"
            << "";
        QTest::newRow("USING") << "select count(*) from order_items join orders using (id)"
                               << "select" << QStringList {"public.order_items", "public.orders"}
                               << "public.order_items.id=public.orders.id"
                               << ""
                               << "";
        QTest::newRow("CTE and subquery")
            << "WITH recent AS (SELECT * FROM orders WHERE ordered_at > $1) SELECT r.id, "
               "(SELECT name FROM customers c WHERE c.id = r.customer_id) FROM recent r WHERE "
               "r.customer_id IN (SELECT customer_id FROM order_items oi JOIN orders o2 ON "
               "o2.id = oi.order_id WHERE oi.quantity > $2)"
            << "select" << QStringList {"public.customers", "public.order_items", "public.orders"}
            << "public.order_items.order_id=public.orders.id"
            << "public.order_items.quantity|public.orders.ordered_at"
            << "";
        QTest::newRow("self join")
            << "select e.name, m.name from employees e left join employees m on m.id = "
               "e.manager_id"
            << "select" << QStringList {"public.employees"}
            << "public.employees.id=public.employees.manager_id"
            << ""
            << "";
        QTest::newRow("union and casts")
            << "select id from orders where status::text = $1 union all select id from "
               "customers where lower(name) like $2"
            << "select" << QStringList {"public.customers", "public.orders"} << ""
            << "public.customers.name|public.orders.status"
            << "";
        QTest::newRow("strings with keywords and dollar quotes")
            << "select 'from x join y on a = b', $$ where z $$ from orders where status = 'a''b'"
            << "select" << QStringList {"public.orders"} << ""
            << "public.orders.status"
            << "";
        QTest::newRow("prepared") << "PREPARE q(int) AS select * from customers where id = $1"
                                  << "select" << QStringList {"public.customers"} << ""
                                  << "public.customers.id"
                                  << "";
        QTest::newRow("unknown table keeps its name")
            << "select * from staging.raw_events where kind = $1"
            << "select" << QStringList {"staging.raw_events"} << ""
            << "staging.raw_events.kind"
            << "";
        QTest::newRow("insert") << "INSERT INTO orders (id) VALUES ($1)"
                                << "insert" << QStringList {} << ""
                                << ""
                                << "";
        QTest::newRow("update") << "update orders set status = $1 where id = $2"
                                << "update" << QStringList {} << ""
                                << ""
                                << "";
        QTest::newRow("data-modifying CTE")
            << "with d as (delete from orders returning *) select count(*) from d"
            << "other" << QStringList {} << ""
            << ""
            << "";
        QTest::newRow("select into") << "select * into backup from orders"
                                     << "other" << QStringList {"public.orders"} << ""
                                     << ""
                                     << "";
        QTest::newRow("ddl") << "create table t (id int)"
                             << "ddl" << QStringList {} << ""
                             << ""
                             << "";
        QTest::newRow("trivial") << "select $1"
                                 << "select" << QStringList {} << ""
                                 << ""
                                 << "";
        QTest::newRow("catalog") << "select relname from pg_catalog.pg_class where relkind = $1"
                                 << "select" << QStringList {"pg_catalog.pg_class"} << ""
                                 << "pg_catalog.pg_class.relkind"
                                 << "";
        QTest::newRow("comments")
            << "-- report\nselect /* cols */ id from orders /* where x = 1 */ where amount > $1"
            << "select" << QStringList {"public.orders"} << ""
            << "public.orders.amount"
            << "";
    }

    void analyze()
    {
        QFETCH(QString, sql);
        QFETCH(QString, kind);
        QFETCH(QStringList, tables);
        QFETCH(QString, joins);
        QFETCH(QString, filters);
        QFETCH(QString, groupBy);
        const SqlTemplateAnalyzer analyzer(catalog(), {QStringLiteral("public")});
        const SqlTemplateAnalysis a = analyzer.analyze(sql);
        QVERIFY2(a.parsed, qPrintable(a.parseProblem));
        QCOMPARE(a.statementKind, kind);
        if (kind == QLatin1String("select") || !tables.isEmpty())
            QCOMPARE(a.tables, tables);
        QCOMPARE(joinsText(a), joins);
        QCOMPARE(columnsText(a.filterColumns), filters);
        QCOMPARE(columnsText(a.groupByColumns), groupBy);
    }

    void analyzeSystemAndBroken()
    {
        const SqlTemplateAnalyzer analyzer(catalog(), {QStringLiteral("public")});
        QVERIFY(analyzer.analyze("select * from pg_stat_statements").onlySystemTables);
        QVERIFY(
            !analyzer.analyze("select * from orders o join pg_class c on true").onlySystemTables);
        const SqlTemplateAnalysis broken = analyzer.analyze("select 'unterminated from orders");
        QVERIFY(!broken.parsed);
        QVERIFY(broken.parseProblem.contains("unterminated"));
        QCOMPARE(analyzer.analyze("select 1; select 2").statementKind, QStringLiteral("other"));
    }

    void canonicalSql()
    {
        QCOMPARE(
            SqlTemplateAnalyzer::canonicalSql("  SELECT  *\n\tFROM t -- c\n WHERE a = 'x  y';; "),
            QStringLiteral("SELECT * FROM t WHERE a = 'x  y'"));
        QCOMPARE(SqlTemplateAnalyzer::canonicalSql("select /* a */ 1"),
                 SqlTemplateAnalyzer::canonicalSql("select\n1"));
        QVERIFY(SqlTemplateAnalyzer::isKtxStatement("/* ktx */ SELECT 1"));
        QVERIFY(SqlTemplateAnalyzer::isKtxStatement("PREPARE s1 AS /* ktx */ SELECT $1"));
        QVERIFY(!SqlTemplateAnalyzer::isKtxStatement("SELECT '/* ktx */'"));
    }

    void aggregate()
    {
        const QList<QueryHistoryStatement> rows {
            statement("analyst", 40,
                      "SELECT c.name, sum(o.amount) FROM orders o JOIN customers c ON c.id = "
                      "o.customer_id WHERE o.status = $1 GROUP BY c.name"),
            // The same template from another role, spelled with other whitespace.
            statement("bi_user", 12,
                      "SELECT c.name, sum(o.amount)\n  FROM orders o JOIN customers c ON c.id = "
                      "o.customer_id WHERE o.status = $1 GROUP BY c.name"),
            statement("svc_loader", 900, "select * from orders where id = $1"),
            statement("analyst", 7, "select sku from sales.products where category = $1"),
            statement("analyst", 2, "select * from customers where region = $1"),
            statement("analyst", 50, "/* ktx */ select count(*) from orders"),
            statement("analyst", 10, "insert into orders values ($1)"),
            statement("analyst", 10, "select relname from pg_catalog.pg_class"),
            statement("analyst", 10, "select $1"),
            statement("analyst", 10, "select * from staging.raw where x = $1"),
            statement("bob", 3, "<insufficient privilege>"),
        };
        QueryHistoryOptions options;
        options.serviceAccountPatterns = {QStringLiteral("^svc_")};
        const QueryHistorySummary s = QueryHistoryAggregator::aggregate(rows, options, catalog(),
                                                                        {QStringLiteral("public")});
        QCOMPARE(s.statementsRead, 11);
        QCOMPARE(s.templates.size(), 2);
        const QueryTemplate &top = s.templates.at(0);
        QCOMPARE(top.executions, 52);
        QCOMPARE(top.roles, QStringList({"analyst", "bi_user"}));
        QCOMPARE(top.tables, QStringList({"public.customers", "public.orders"}));
        QCOMPARE(top.templateId.size(), 16);
        QCOMPARE(top.meanMs(), 2.0);
        QCOMPARE(s.templates.at(1).tables, QStringList({"sales.products"}));
        QCOMPARE(s.dropped.value("service_account"), 1);
        QCOMPARE(s.dropped.value("ktx"), 1);
        QCOMPARE(s.dropped.value("non_select"), 1);
        QCOMPARE(s.dropped.value("catalog"), 1);
        QCOMPARE(s.dropped.value("trivial"), 1);
        QCOMPARE(s.dropped.value("out_of_scope"), 1);
        QCOMPARE(s.dropped.value("below_min_executions"), 1);
        QCOMPARE(s.dropped.value("insufficient_privilege"), 1);

        // Per table: orders is joined to customers on customer_id = id.
        const auto usage = [&](const QString &name) -> const QueryTableUsage * {
            for (const QueryTableUsage &u : s.tables)
                if (u.table.displayName() == name)
                    return &u;
            return nullptr;
        };
        const QueryTableUsage *orders = usage("public.orders");
        QVERIFY(orders);
        QCOMPARE(orders->executions, 52);
        QCOMPARE(orders->filterColumns, QStringList({"status"}));
        QCOMPARE(orders->joins.size(), 1);
        QCOMPARE(orders->joins.at(0).withTable.displayName(), QStringLiteral("public.customers"));
        QCOMPARE(orders->joins.at(0).on.at(0), (std::pair<QString, QString>("customer_id", "id")));
        QCOMPARE(usage("public.customers")->groupByColumns, QStringList({"name"}));
        QVERIFY(!usage("public.order_items"));

        // include: only the service accounts; mark-only: everyone, marked.
        options.serviceAccountMode = QStringLiteral("include");
        QueryHistorySummary included = QueryHistoryAggregator::aggregate(
            rows, options, catalog(), {QStringLiteral("public")});
        QCOMPARE(included.templates.size(), 1);
        QCOMPARE(included.templates.at(0).roles, QStringList({"svc_loader"}));
        options.serviceAccountMode = QStringLiteral("mark-only");
        QueryHistorySummary marked = QueryHistoryAggregator::aggregate(rows, options, catalog(),
                                                                       {QStringLiteral("public")});
        QCOMPARE(marked.templates.size(), 3);
        QVERIFY(marked.templates.at(0).serviceAccount);

        // enabledSchemas narrows the floor; ["*"] removes it.
        options = QueryHistoryOptions();
        options.enabledSchemas = {QStringLiteral("sales")};
        QCOMPARE(QueryHistoryAggregator::aggregate(rows, options, catalog(), {"public"})
                     .templates.size(),
                 1);
        options.enabledSchemas = {QStringLiteral("*")};
        const QueryHistorySummary all
            = QueryHistoryAggregator::aggregate(rows, options, catalog(), {"public"});
        bool staging = false;
        for (const QueryTemplate &t : all.templates)
            staging = staging || t.tables.contains("staging.raw");
        QVERIFY(staging);

        // Redaction and the template cap.
        options = QueryHistoryOptions();
        options.redactionPatterns = {QStringLiteral("\\borders\\b")};
        options.maxTemplates = 1;
        const QueryHistorySummary capped
            = QueryHistoryAggregator::aggregate(rows, options, catalog(), {"public"});
        QCOMPARE(capped.templates.size(), 1);
        QCOMPARE(capped.templates.at(0).sql,
                 QStringLiteral("select * from <redacted> where id = $1"));
        QCOMPARE(capped.dropped.value("over_template_cap"), 2);
    }

    void options()
    {
        Result<QueryHistoryOptions> o = QueryHistoryOptions::fromConnection(
            connectionWith({{"enabled", "true"},
                            {"minExecutions", "2"},
                            {"enabledSchemas", QStringList {"public"}},
                            {"filters",
                             QVariantMap {{"dropTrivialProbes", "false"},
                                          {"serviceAccounts",
                                           QVariantMap {{"patterns", QStringList {"^svc_loader$"}},
                                                        {"mode", "mark-only"}}}}}}));
        QVERIFY(o.ok());
        QVERIFY(o->enabled);
        QCOMPARE(o->minExecutions, 2);
        QVERIFY(!o->dropTrivialProbes);
        QCOMPARE(o->serviceAccountPatterns, QStringList({"^svc_loader$"}));
        QCOMPARE(o->serviceAccountMode, QStringLiteral("mark-only"));

        ConnectionConfig none;
        none.id = "x";
        QVERIFY(!QueryHistoryOptions::fromConnection(none)->configured);
        ConnectionConfig legacy = none;
        legacy.fields.insert("historicSql", "true");
        QVERIFY(QueryHistoryOptions::fromConnection(legacy)->enabled);

        Result<QueryHistoryOptions> bad = QueryHistoryOptions::fromConnection(connectionWith(
            {{"filters",
              QVariantMap {
                  {"serviceAccounts", QVariantMap {{"patterns", QStringList {"ok", "(svc"}}}}}}}));
        QVERIFY(!bad.ok());
        QCOMPARE(bad.error().code, QStringLiteral("invalid_query_history_config"));
        QVERIFY2(bad.error().message.startsWith(
                     "connections.wh.context.queryHistory.filters.serviceAccounts.patterns[1]: "
                     "invalid regular expression \"(svc\""),
                 qPrintable(bad.error().message));
        bad = QueryHistoryOptions::fromConnection(connectionWith({{"minExecutions", "0"}}));
        QVERIFY(
            bad.error().message.contains("minExecutions: expected a whole number of at least 1"));
        bad = QueryHistoryOptions::fromConnection(connectionWith({{"enabled", "yes please"}}));
        QVERIFY(bad.error().message.contains("queryHistory.enabled: expected true or false"));
    }

    // ktx.yaml: the block validates with a precise message and location, and the
    // typed options read what the file says.
    void configSchema_data()
    {
        QTest::addColumn<QByteArray>("block");
        QTest::addColumn<QString>("severity");
        QTest::addColumn<QString>("message");
        QTest::addColumn<int>("line");

        const QByteArray head = "connections:\n  wh:\n    driver: postgres\n    host: db\n"
                                "    context:\n      queryHistory:\n";
        QTest::newRow("valid") << head
                + "        enabled: true\n        minExecutions: 3\n"
                  "        filters:\n          serviceAccounts:\n"
                  "            patterns: ['^svc_loader$']\n"
                  "            mode: exclude\n"
                               << ""
                               << "" << 0;
        QTest::newRow("bad boolean")
            << head + "        enabled: sometimes\n"
            << "error"
            << "connections.wh.context.queryHistory.enabled: expected true or false, got "
               "\"sometimes\""
            << 7;
        QTest::newRow("bad regex")
            << head
                + "        filters:\n          serviceAccounts:\n            patterns: "
                  "['^svc_', '(loader']\n"
            << "error"
            << "connections.wh.context.queryHistory.filters.serviceAccounts.patterns[1]: invalid "
               "regular expression \"(loader\": missing closing parenthesis at offset 7"
            << 9;
        QTest::newRow("bad mode")
            << head + "        filters:\n          serviceAccounts:\n            mode: drop\n"
            << "error"
            << "connections.wh.context.queryHistory.filters.serviceAccounts.mode: must be one of "
               "exclude, include, mark-only, got \"drop\""
            << 9;
        QTest::newRow("typo is a warning")
            << head + "        minExecution: 3\n"
            << "warning"
            << "Unsupported connections.wh.context.queryHistory.minExecution: unknown field "
               "(ignored)"
            << 7;
        QTest::newRow("zero executions")
            << head + "        minExecutions: 0\n"
            << "error"
            << "connections.wh.context.queryHistory.minExecutions: 0 is out of range" << 7;
        QTest::newRow("excluded_tables must be a list")
            << QByteArray("connections:\n  wh:\n    driver: sqlite\n    path: a.db\n"
                          "    excluded_tables: {a: 1}\n")
            << "error"
            << "connections.wh.excluded_tables: expected a list, got a mapping" << 5;
    }

    void configSchema()
    {
        QFETCH(QByteArray, block);
        QFETCH(QString, severity);
        QFETCH(QString, message);
        QFETCH(int, line);
        const LoadedConfig loaded = ConfigLoader::fromText(block, QStringLiteral("/p/ktx.yaml"));
        if (severity.isEmpty()) {
            QVERIFY2(loaded.issues.isEmpty(), qPrintable(loaded.issues.value(0).message));
            Result<QueryHistoryOptions> o
                = QueryHistoryOptions::fromConnection(*loaded.config.connection("wh"));
            QVERIFY(o.ok());
            QVERIFY(o->enabled);
            QCOMPARE(o->minExecutions, 3);
            QCOMPARE(o->serviceAccountPatterns, QStringList({"^svc_loader$"}));
            return;
        }
        QCOMPARE(loaded.issues.size(), 1);
        QCOMPARE(loaded.issues.constFirst().severityName(), severity);
        QCOMPARE(loaded.issues.constFirst().message, message);
        QCOMPARE(loaded.issues.constFirst().line, line);
    }

    void assess_data()
    {
        QTest::addColumn<int>("version");
        QTest::addColumn<bool>("created");
        QTest::addColumn<int>("preloaded"); // -1 unknown, 0 no, 1 yes
        QTest::addColumn<QString>("readError");
        QTest::addColumn<bool>("readAllStats");
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("fixContains");

        QTest::newRow("ok") << 150018 << true << -1 << "" << true << "ok"
                            << "";
        QTest::newRow("too old") << 130011 << true << 1 << "" << true << "version_unsupported"
                                 << "PostgreSQL 14 or newer";
        QTest::newRow("not created, preload unknown")
            << 150018 << false << -1 << "" << true << "extension_missing"
            << "CREATE EXTENSION pg_stat_statements;";
        QTest::newRow("not created, not preloaded")
            << 150018 << false << 0 << "" << true << "extension_not_preloaded"
            << "shared_preload_libraries = 'pg_stat_statements'";
        QTest::newRow("created, not loaded")
            << 150018 << true << -1
            << "pg_stat_statements must be loaded via shared_preload_libraries" << true
            << "extension_not_preloaded"
            << "restart PostgreSQL";
        QTest::newRow("no grant") << 150018 << true << -1 << "" << false << "grants_missing"
                                  << "GRANT pg_read_all_stats TO \"analyst\";";
    }

    void assess()
    {
        QFETCH(int, version);
        QFETCH(bool, created);
        QFETCH(int, preloaded);
        QFETCH(QString, readError);
        QFETCH(bool, readAllStats);
        QFETCH(QString, code);
        QFETCH(QString, fixContains);
        PostgresQueryHistory::Facts f;
        f.connectionId = "wh";
        f.database = "shop";
        f.user = "analyst";
        f.serverVersionNum = version;
        f.extensionCreated = created;
        f.extensionSchema = "public";
        if (preloaded >= 0)
            f.preloaded = preloaded == 1;
        if (!readError.isEmpty())
            f.readError = readError;
        f.readAllStats = readAllStats;
        const QueryHistoryReadiness r = PostgresQueryHistory::assess(f);
        QCOMPARE(r.code, code);
        QCOMPARE(r.canRead(), code == QLatin1String("ok"));
        QVERIFY2(r.fix.contains(fixContains), qPrintable(r.fix));
        if (code == QLatin1String("version_unsupported"))
            QVERIFY2(r.detail.contains("PostgreSQL 13.11"), qPrintable(r.detail));
    }
};

QTEST_GUILESS_MAIN(TestQueryHistory)
#include "tst_queryhistory.moc"
