#include "semantic/semanticengine.h"
#include "semantic/semanticquery.h"
#include "semantic/sourceloader.h"
#include "semantic/sourcevalidator.h"
#include "sources/contextsource.h"
#include "wiki/wikipage.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTemporaryDir>
#include <QtTest>

using namespace ktx;

namespace {

QString dataDir()
{
    return QStringLiteral(KTX_SOURCES_TESTDATA "/metricflow");
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.readAll();
}

void write(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(bytes);
}

ContextSourceInput fixtureInput()
{
    ContextSourceInput input;
    input.rootDir = dataDir() + QStringLiteral("/project");
    input.connectionId = QStringLiteral("jaffle_metrics");
    input.warehouseConnectionId = QStringLiteral("warehouse");
    input.baseFiles.insert(QStringLiteral("semantic-layer/warehouse/_schema/public.yaml"),
                           readAll(dataDir() + QStringLiteral("/warehouse/_schema/public.yaml")));
    return input;
}

QByteArray reportJson(const ContextSourceReport &report)
{
    return QJsonDocument(report.toJson()).toJson(QJsonDocument::Indented);
}

} // namespace

class TestMetricFlow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void registered()
    {
        QVERIFY(contextSourceDrivers().contains(QStringLiteral("metricflow")));
        auto parser = contextSourceParser(QStringLiteral("metricflow"));
        QVERIFY(parser);
        QCOMPARE(parser->driver(), QStringLiteral("metricflow"));
    }

    // The issue's Done-when: the fixture yields the expected files, compared whole.
    // KTX_UPDATE_EXPECTED=1 rewrites them (review the diff before keeping it).
    void extractionMatchesExpectedFiles()
    {
        auto parser = contextSourceParser(QStringLiteral("metricflow"));
        Result<ContextSourceExtraction> out = parser->extract(fixtureInput());
        QVERIFY2(out.ok(), qPrintable(out ? QString() : out.error().toText()));
        const QString expectedDir = dataDir() + QStringLiteral("/expected");
        if (qEnvironmentVariableIsSet("KTX_UPDATE_EXPECTED")) {
            QDir(expectedDir).removeRecursively();
            for (auto it = out->files.cbegin(); it != out->files.cend(); ++it)
                write(expectedDir + QLatin1Char('/') + it.key(), it.value());
            write(expectedDir + QStringLiteral("/report.json"), reportJson(out->report));
        }
        QStringList expectedFiles;
        QDirIterator it(expectedDir, QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString rel = QDir(expectedDir).relativeFilePath(it.next());
            if (rel != QLatin1String("report.json"))
                expectedFiles << rel;
        }
        expectedFiles.sort();
        QCOMPARE(out->files.keys(), expectedFiles);
        for (const QString &rel : std::as_const(expectedFiles))
            QCOMPARE(QString::fromUtf8(out->files.value(rel)),
                     QString::fromUtf8(readAll(expectedDir + QLatin1Char('/') + rel)));
        QCOMPARE(QString::fromUtf8(reportJson(out->report)),
                 QString::fromUtf8(readAll(expectedDir + QStringLiteral("/report.json"))));
    }

    void producedSourcesLoadAndValidate()
    {
        auto parser = contextSourceParser(QStringLiteral("metricflow"));
        const ContextSourceInput input = fixtureInput();
        Result<ContextSourceExtraction> out = parser->extract(input);
        QVERIFY(out.ok());
        QTemporaryDir project;
        QVERIFY(project.isValid());
        for (auto it = input.baseFiles.cbegin(); it != input.baseFiles.cend(); ++it)
            write(project.filePath(it.key()), it.value());
        int wikiPages = 0;
        for (auto it = out->files.cbegin(); it != out->files.cend(); ++it) {
            write(project.filePath(it.key()), it.value());
            if (it.key().startsWith(QLatin1String("wiki/"))) {
                ++wikiPages;
                Result<WikiPage> page = WikiPage::parse(it.value(), it.key());
                QVERIFY2(page.ok(), qPrintable(page ? QString() : page.error().toText()));
                QVERIFY(!page->summary.isEmpty());
            }
        }
        QVERIFY(wikiPages > 0);
        const SourceLoader::SourceSet set = SourceLoader::loadDirectory(
            project.filePath(QStringLiteral("semantic-layer/warehouse")));
        for (const SourceIssue &issue : set.issues)
            qWarning("%s", qPrintable(issue.toText()));
        QCOMPARE(set.errorCount(), 0);
        for (const SourceIssue &issue : SourceValidator::validate(set.sources))
            QVERIFY2(!issue.isError(), qPrintable(issue.toText()));
        for (const QString &name : out->report.sources)
            QVERIFY2(set.find(name), qPrintable(name));

        // The facts the fixture was written to produce.
        const SemanticSource *orders = set.find(QStringLiteral("orders"));
        QVERIFY(orders);
        QCOMPARE(orders->table, QStringLiteral("public.orders"));
        QCOMPARE(orders->grain, QStringList {QStringLiteral("order_id")});
        QCOMPARE(orders->joins.size(), 1);
        QCOMPARE(orders->joins.first().to, QStringLiteral("customers"));
        QCOMPARE(orders->joins.first().relationship, QStringLiteral("many_to_one"));
        const SemanticSource *items = set.find(QStringLiteral("order_item"));
        QVERIFY(items);
        QCOMPARE(items->table, QStringLiteral("order_items")); // not in the manifest
        QCOMPARE(items->joins.first().on, QStringLiteral("order_id = orders.order_id"));
        QVERIFY(!set.find(QStringLiteral("page_views"))); // no primary entity
    }

    // A source of the same name already written by someone else (here a person,
    // with a comment, an extra column, a join and a measure of their own) keeps
    // all of it; the semantic model only adds its description and measures.
    void mergesOntoAnExistingSource()
    {
        ContextSourceInput input = fixtureInput();
        const QString path = QStringLiteral("semantic-layer/warehouse/customers.yaml");
        const QByteArray mine = "# kept by hand\n"
                                "name: customers\n"
                                "descriptions:\n"
                                "  user: Everyone who ever ordered.\n"
                                "table: customers\n"
                                "grain: [customer_id]\n"
                                "columns:\n"
                                "  - name: customer_id\n"
                                "    type: number\n"
                                "  - name: loyalty_tier\n"
                                "    type: string\n"
                                "measures:\n"
                                "  - name: vip_count\n"
                                "    expr: COUNT(*)\n"
                                "    filter: loyalty_tier = 'vip'\n";
        input.baseFiles.insert(path, mine);
        auto out = contextSourceParser(QStringLiteral("metricflow"))->extract(input);
        QVERIFY(out.ok());
        const QByteArray merged = out->files.value(path);
        QVERIFY2(merged.startsWith("# kept by hand\nname: customers\n"), merged.constData());
        for (const char *kept : {"user: Everyone who ever ordered.", "loyalty_tier", "vip_count",
                                 "grain: [customer_id]"})
            QVERIFY2(merged.contains(kept), kept);
        QVERIFY2(merged.contains("metricflow: Customer dimension table"), merged.constData());
        QVERIFY2(merged.contains("name: customer_count"), merged.constData());
        QVERIFY(!merged.contains("first_ordered_at")); // its columns are not imposed
        const SourceLoader::Loaded loaded = SourceLoader::fromYaml(merged, path);
        QVERIFY(loaded.source.has_value());
        bool said = false;
        for (const SkippedItem &s : out->report.skipped)
            said = said || s.item == QLatin1String("columns of semantic model customers");
        QVERIFY(said);
    }

    void checkCountsAndLocatesErrors()
    {
        auto parser = contextSourceParser(QStringLiteral("metricflow"));
        Result<ContextSourceReport> report = parser->check(dataDir() + QStringLiteral("/project"));
        QVERIFY(report.ok());
        QCOMPARE(report->models, 4);
        QCOMPARE(report->metrics, 23);
        QCOMPARE(report->errors.size(), 1);
        QCOMPARE(report->errors.first().path, QStringLiteral("models/metrics/broken.yml"));
        QVERIFY(report->errors.first().line > 0);
        QVERIFY(report->filesRead.contains(QStringLiteral("models/marts/orders.yml")));

        QVERIFY(!parser->check(dataDir() + QStringLiteral("/no-such-folder")).ok());
    }

    void deterministic()
    {
        auto parser = contextSourceParser(QStringLiteral("metricflow"));
        Result<ContextSourceExtraction> a = parser->extract(fixtureInput());
        Result<ContextSourceExtraction> b = parser->extract(fixtureInput());
        QVERIFY(a.ok() && b.ok());
        QCOMPARE(a->files, b->files);
        QCOMPARE(reportJson(a->report), reportJson(b->report));
    }

    void measureExpressions_data()
    {
        QTest::addColumn<QByteArray>("measure");
        QTest::addColumn<QString>("expr");
        QTest::newRow("sum") << QByteArray("agg: sum\n        expr: amount") << "SUM(amount)";
        QTest::newRow("default expr") << QByteArray("agg: max") << "MAX(m)";
        QTest::newRow("count_distinct") << QByteArray("agg: count_distinct\n        expr: user_id")
                                        << "COUNT(DISTINCT user_id)";
        QTest::newRow("average") << QByteArray("agg: average\n        expr: x") << "AVG(x)";
        QTest::newRow("sum_boolean") << QByteArray("agg: sum_boolean\n        expr: is_paid")
                                     << "SUM(CASE WHEN is_paid THEN 1 ELSE 0 END)";
        QTest::newRow("percentile discrete")
            << QByteArray("agg: percentile\n        expr: x\n        agg_params:\n"
                          "          percentile: 0.9\n          use_discrete_percentile: true")
            << "PERCENTILE_DISC(0.9) WITHIN GROUP (ORDER BY x)";
        QTest::newRow("percentile without p")
            << QByteArray("agg: percentile\n        expr: x") << QString();
        QTest::newRow("jinja expr")
            << QByteArray("agg: sum\n        expr: \"{{ x }}\"") << QString();
    }

    void measureExpressions()
    {
        QFETCH(QByteArray, measure);
        QFETCH(QString, expr);
        QTemporaryDir dir;
        write(dir.filePath(QStringLiteral("m.yml")),
              "semantic_models:\n  - name: t\n    model: ref('t')\n    entities:\n"
              "      - name: id\n        type: primary\n    measures:\n      - name: m\n        "
                  + measure + "\n");
        ContextSourceInput input;
        input.rootDir = dir.path();
        input.connectionId = QStringLiteral("wh");
        Result<ContextSourceExtraction> out
            = contextSourceParser(QStringLiteral("metricflow"))->extract(input);
        QVERIFY(out.ok());
        const SourceLoader::Loaded loaded
            = SourceLoader::fromYaml(out->files.value(QStringLiteral("semantic-layer/wh/t.yaml")));
        QVERIFY(loaded.source);
        if (expr.isEmpty()) {
            QVERIFY(loaded.source->measures.isEmpty());
            QCOMPARE(out->report.skipped.size(), 1);
            QCOMPARE(out->report.skipped.first().item, QStringLiteral("measure t.m"));
        } else {
            QCOMPARE(loaded.source->measures.size(), 1);
            QCOMPARE(loaded.source->measures.first().expr, expr);
        }
    }

    // The produced sources answer queries across their joins and derived measures.
    void compilesQueries_data()
    {
        QTest::addColumn<QByteArray>("query");
        QTest::addColumn<QStringList>("mentions");
        QTest::newRow("q0") << QByteArray(
            R"j({"measures":["orders.food_orders_completed","orders.completed_order_pct"],"dimensions":["customers.region"]})j")
                            << QStringList {QStringLiteral("orders"), QStringLiteral("customers")};
        QTest::newRow("q1") << QByteArray(
            R"j({"measures":["order_item.food_share_of_revenue","order_item.order_gross_profit"],"dimensions":["orders.order_status"]})j")
                            << QStringList {QStringLiteral("order_item"), QStringLiteral("orders")};
        QTest::newRow("q2") << QByteArray(
            R"j({"measures":["orders.food_order_share","orders.large_orders"],"dimensions":[{"field":"orders.ordered_at","granularity":"month"}]})j")
                            << QStringList {QStringLiteral("orders")};
    }

    void compilesQueries()
    {
        QFETCH(QByteArray, query);
        QFETCH(QStringList, mentions);
        const ContextSourceInput input = fixtureInput();
        Result<ContextSourceExtraction> out
            = contextSourceParser(QStringLiteral("metricflow"))->extract(input);
        QVERIFY(out.ok());
        QTemporaryDir project;
        for (auto it = input.baseFiles.cbegin(); it != input.baseFiles.cend(); ++it)
            write(project.filePath(it.key()), it.value());
        for (auto it = out->files.cbegin(); it != out->files.cend(); ++it)
            write(project.filePath(it.key()), it.value());
        const SourceLoader::SourceSet set = SourceLoader::loadDirectory(
            project.filePath(QStringLiteral("semantic-layer/warehouse")));
        SemanticEngine engine(set.sources);
        Result<SemanticQuery> q = SemanticQuery::fromJson(QJsonDocument::fromJson(query).object());
        QVERIFY2(q.ok(), qPrintable(q ? QString() : q.error().toText()));
        Result<SemanticEngine::Compiled> compiled = engine.compile(*q, QStringLiteral("postgres"));
        QVERIFY2(compiled.ok(), qPrintable(compiled ? QString() : compiled.error().toText()));
        for (const QString &m : mentions)
            QVERIFY2(compiled->sql.contains(m), qPrintable(compiled->sql));
        if (qEnvironmentVariableIsSet("KTX_PRINT_SQL"))
            qInfo("%s", qPrintable(compiled->sql));
    }

    // The sources answer with the right numbers: run on SQLite (public.* is an
    // attached database; order_items is not in the manifest, so unqualified).
    void answersOnSqlite()
    {
        const ContextSourceInput input = fixtureInput();
        Result<ContextSourceExtraction> out
            = contextSourceParser(QStringLiteral("metricflow"))->extract(input);
        QVERIFY(out.ok());
        QTemporaryDir project;
        for (auto it = input.baseFiles.cbegin(); it != input.baseFiles.cend(); ++it)
            write(project.filePath(it.key()), it.value());
        for (auto it = out->files.cbegin(); it != out->files.cend(); ++it)
            write(project.filePath(it.key()), it.value());
        const SourceLoader::SourceSet set = SourceLoader::loadDirectory(
            project.filePath(QStringLiteral("semantic-layer/warehouse")));
        SemanticEngine engine(set.sources);
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"),
                                                        QStringLiteral("metricflow-answers"));
            db.setDatabaseName(QStringLiteral(":memory:"));
            QVERIFY(db.open());
            QSqlQuery q(db);
            const char *setup[] = {
                "ATTACH DATABASE ':memory:' AS public",
                "CREATE TABLE public.customers (customer_id INTEGER, customer_name TEXT, "
                "customer_type TEXT, region TEXT, first_ordered_at TEXT, lifetime_spend REAL, "
                "balance REAL)",
                "INSERT INTO public.customers VALUES (1, 'Ann', 'new', 'EMEA', '2024-01-01', 150, "
                "0), (2, 'Bo', 'returning', 'AMER', '2024-01-03', 70, 5)",
                "CREATE TABLE public.orders (order_id INTEGER, location_id INTEGER, customer_id "
                "INTEGER, ordered_at TEXT, order_status TEXT, is_food_order BOOLEAN, order_total "
                "REAL, tax_paid REAL)",
                "INSERT INTO public.orders VALUES (10, 1, 1, '2024-01-01', 'completed', 1, 120, "
                "10), "
                "(11, 1, 1, '2024-01-02', 'cancelled', 1, 30, 2), (12, 1, 2, '2024-01-03', "
                "'completed', 0, 50, 4), (13, 1, 2, '2024-01-04', 'pending', 1, 20, 1)",
                "CREATE TABLE order_items (order_item_id INTEGER, order_id INTEGER, product_id "
                "INTEGER, ordered_at TEXT, is_food_item BOOLEAN, is_drink_item BOOLEAN, "
                "product_price REAL, supply_cost REAL)",
                "INSERT INTO order_items VALUES (1, 10, 1, '2024-01-01', 1, 0, 80, 30), (2, 10, 2, "
                "'2024-01-01', 0, 1, 40, 10), (3, 12, 2, '2024-01-03', 0, 1, 50, 20)",
            };
            for (const char *sql : setup)
                QVERIFY2(q.exec(QString::fromLatin1(sql)), qPrintable(q.lastError().text()));

            // The cells of the named result columns, per row; numbers to 4 digits.
            auto run = [&](const QByteArray &json, const QStringList &columns) -> QString {
                Result<SemanticQuery> query
                    = SemanticQuery::fromJson(QJsonDocument::fromJson(json).object());
                if (!query)
                    return query.error().toText();
                Result<SemanticEngine::Compiled> c
                    = engine.compile(*query, QStringLiteral("sqlite"));
                if (!c)
                    return c.error().toText();
                QSqlQuery r(db);
                if (!r.exec(c->sql))
                    return QString(r.lastError().text() + QLatin1Char('\n') + c->sql);
                QStringList rows;
                while (r.next()) {
                    QStringList cells;
                    for (const QString &column : columns) {
                        const QVariant v = r.value(column);
                        bool isNumber = false;
                        const double d = v.toDouble(&isNumber);
                        cells << (v.isNull()     ? QStringLiteral("NULL")
                                      : isNumber ? QString::number(d, 'g', 4)
                                                 : v.toString());
                    }
                    rows << cells.join(QLatin1Char('|'));
                }
                return rows.join(QLatin1Char('\n'));
            };
            // EMEA: orders 10 (completed, food) and 11 (cancelled, food);
            // AMER: 12 (completed, no food) and 13 (pending, food).
            QCOMPARE(
                run(R"j({"measures":["orders.food_orders_completed","orders.completed_order_pct","orders.food_order_share","orders.large_orders"],"dimensions":["customers.region"]})j",
                    {QStringLiteral("region"), QStringLiteral("food_orders_completed"),
                     QStringLiteral("completed_order_pct"), QStringLiteral("food_order_share"),
                     QStringLiteral("large_orders")}),
                QStringLiteral("AMER|NULL|0.5|0.5|NULL\nEMEA|1|0.5|1|1"));
            // Items of order 10 (food 80, drink 40) and 12 (drink 50).
            QCOMPARE(
                run(R"j({"measures":["order_item.revenue","order_item.food_revenue_pct","order_item.food_share_of_revenue","order_item.order_gross_profit"],"dimensions":["orders.order_status"]})j",
                    {QStringLiteral("order_status"), QStringLiteral("revenue"),
                     QStringLiteral("food_revenue_pct"), QStringLiteral("food_share_of_revenue"),
                     QStringLiteral("order_gross_profit")}),
                QStringLiteral("cancelled|NULL|NULL|NULL|NULL\ncompleted|170|0.4706|0.4706|"
                               "110\npending|NULL|NULL|NULL|NULL"));
            QCOMPARE(
                run(R"j({"measures":["customers.customers_in_emea","customers.customer_count"]})j",
                    {QStringLiteral("customers_in_emea"), QStringLiteral("customer_count")}),
                QStringLiteral("1|2"));
        }
        QSqlDatabase::removeDatabase(QStringLiteral("metricflow-answers"));
    }
};

QTEST_GUILESS_MAIN(TestMetricFlow)
#include "tst_metricflow.moc"
