// Planner decisions on the demo sources (no database): which shapes are a
// fan-out or chasm trap, and which queries are refused, with which error.
#include "semantic/semanticengine.h"
#include "semantic/sourceloader.h"

#include <QJsonDocument>
#include <QTest>

using namespace ktx;

class TestSemanticPlanner : public QObject
{
    Q_OBJECT

    std::unique_ptr<SemanticEngine> m_engine;

    Result<SemanticEngine::Compiled> compile(const QByteArray &json,
                                             const QString &dialect = QStringLiteral("postgres"))
    {
        Result<SemanticQuery> q = SemanticQuery::fromJson(QJsonDocument::fromJson(json).object());
        if (!q.ok())
            return q.error();
        return m_engine->compile(*q, dialect);
    }

private Q_SLOTS:
    void initTestCase()
    {
        const SourceLoader::SourceSet set = SourceLoader::loadDirectory(
            QStringLiteral(KTX_TEST_SOURCE_DIR "/tests/runtime/semantic/demo-sources"));
        QCOMPARE(set.errorCount(), 0);
        m_engine = std::make_unique<SemanticEngine>(set.sources);
    }

    void plans_data()
    {
        QTest::addColumn<QByteArray>("query");
        QTest::addColumn<bool>("fanOut");
        QTest::addColumn<QStringList>("groups");
        QTest::addColumn<QString>("anchor");
        QTest::newRow("single source")
            << QByteArray(R"j({"measures":["orders.order_count"],"dimensions":["orders.status"]})j")
            << false << QStringList {} << "orders";
        QTest::newRow("many_to_one dimension") << QByteArray(
            R"j({"measures":["orders.order_count"],"dimensions":["regions.sales_territory"],"include_empty":false})j")
                                               << false << QStringList {} << "orders";
        QTest::newRow("fan trap") << QByteArray(
            R"j({"measures":["payments.captured_amount","order_items.units_sold"],"dimensions":["orders.status"]})j")
                                  << true << QStringList {"payments", "order_items"} << "orders";
        QTest::newRow("chasm trap") << QByteArray(
            R"j({"measures":["orders.order_count","support_tickets.ticket_count"],"dimensions":["customers.customer_type"]})j")
                                    << true << QStringList {"orders", "support_tickets"}
                                    << "customers";
        QTest::newRow("measure of the one side with the many side") << QByteArray(
            R"j({"measures":["orders.order_count","customers.customer_count"],"dimensions":["customers.customer_type"]})j")
                                                                    << true
                                                                    << QStringList {"orders",
                                                                                    "customers"}
                                                                    << "customers";
        QTest::newRow("derived measure alone is not a group")
            << QByteArray(R"j({"measures":["orders.avg_shipping_fee"]})j") << false
            << QStringList {} << "orders";
    }
    void plans()
    {
        QFETCH(QByteArray, query);
        QFETCH(bool, fanOut);
        QFETCH(QStringList, groups);
        QFETCH(QString, anchor);
        const auto compiled = compile(query);
        QVERIFY2(compiled.ok(), qPrintable(compiled.ok() ? QString() : compiled.error().toText()));
        QCOMPARE(compiled->plan.hasFanOut, fanOut);
        QStringList got;
        for (const MeasureGroup &g : compiled->plan.measureGroups)
            got << g.sourceName;
        QCOMPARE(got, groups);
        QCOMPARE(compiled->plan.anchorSource, anchor);
        for (const QString &dialect :
             {QStringLiteral("sqlite"), QStringLiteral("mysql"), QStringLiteral("snowflake"),
              QStringLiteral("bigquery"), QStringLiteral("duckdb")})
            QVERIFY(compile(query, dialect).ok());
    }

    void refuses_data()
    {
        QTest::addColumn<QByteArray>("query");
        QTest::addColumn<QString>("code");
        QTest::newRow("dimension only reachable by fanning out") << QByteArray(
            R"j({"measures":["payments.captured_amount"],"dimensions":["products.product_name"]})j")
                                                                 << "sl_dimension_unreachable";
        QTest::newRow("filter that fans out") << QByteArray(
            R"j({"measures":["orders.order_count"],"filters":["products.product_name = 'x'"]})j")
                                              << "sl_fan_out_filter";
        QTest::newRow("asymmetric dimensions in a chasm") << QByteArray(
            R"j({"measures":["orders.order_count","support_tickets.ticket_count"],"dimensions":["orders.status"]})j")
                                                          << "sl_asymmetric_dimensions";
        QTest::newRow("hidden column") << QByteArray(
            R"j({"measures":["orders.order_count"],"dimensions":["customers.email"]})j")
                                       << "sl_hidden_column";
        QTest::newRow("unknown column")
            << QByteArray(R"j({"measures":["sum(orders.nope)"]})j") << "sl_unknown_column";
        QTest::newRow("cycle") << QByteArray(
            R"j({"measures":[{"expr":"b + 1","name":"a"},{"expr":"a + 1","name":"b"}]})j")
                               << "sl_measure_cycle";
        QTest::newRow("window") << QByteArray(
            R"j({"measures":["sum(orders.shipping_fee) over ()"]})j")
                                << "sl_window_function";
        QTest::newRow("nested aggregate")
            << QByteArray(R"j({"measures":["avg(sum(orders.shipping_fee))"]})j")
            << "sl_nested_aggregate";
        QTest::newRow("no join path") << QByteArray(
            R"j({"measures":["orders.order_count"],"dimensions":["marketing_campaigns.channel"]})j")
                                      << "sl_no_join_path";
        QTest::newRow("column is not a measure")
            << QByteArray(R"j({"measures":["orders.status"]})j") << "sl_not_a_measure";
        QTest::newRow("mixed OR") << QByteArray(
            R"j({"measures":["orders.order_count"],"filters":["orders.status = 'x' OR count(orders.order_id) > 1"]})j")
                                  << "sl_mixed_or_filter";
        QTest::newRow("unknown order field")
            << QByteArray(R"j({"measures":["orders.order_count"],"order_by":["orders.nope"]})j")
            << "sl_unknown_order_field";
        QTest::newRow("segment without a measure of its source") << QByteArray(
            R"j({"measures":["orders.order_count"],"segments":["subscriptions.active"]})j")
                                                                 << "sl_segment_without_measure";
        QTest::newRow("median on sqlite")
            << QByteArray(R"j({"measures":["median(orders.shipping_fee)"]})j")
            << "sl_unsupported_aggregate";
        QTest::newRow("having on a non-measure aggregate in a chasm") << QByteArray(
            R"j({"measures":["orders.order_count","support_tickets.ticket_count"],"dimensions":["customers.customer_type"],"filters":["max(orders.shipping_fee) > 1"]})j")
                                                                      << "sl_having_not_a_measure";
    }
    void refuses()
    {
        QFETCH(QByteArray, query);
        QFETCH(QString, code);
        const auto compiled = compile(query,
                                      code == QLatin1String("sl_unsupported_aggregate")
                                          ? QStringLiteral("sqlite")
                                          : QStringLiteral("postgres"));
        QVERIFY2(!compiled.ok(), qPrintable(compiled.ok() ? compiled->sql : QString()));
        QCOMPARE(compiled.error().code, code);
        QVERIFY(!compiled.error().message.isEmpty());
    }

    void predefinedOnlyPolicy()
    {
        Result<SemanticQuery> q = SemanticQuery::fromJson(
            QJsonDocument::fromJson(R"j({"measures":["sum(orders.shipping_fee)"]})j").object());
        QVERIFY(q.ok());
        q->predefinedMeasuresOnly = true;
        auto refused = m_engine->compile(*q, QStringLiteral("postgres"));
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().code, QStringLiteral("sl_composed_measure_rejected"));
        q->measures = {QueryMeasure {QStringLiteral("orders.shipping_revenue"), {}, false}};
        QVERIFY(m_engine->compile(*q, QStringLiteral("postgres")).ok());
        q->filters = {QStringLiteral("sum(orders.shipping_fee) > 10")};
        QCOMPARE(m_engine->compile(*q, QStringLiteral("postgres")).error().code,
                 QStringLiteral("sl_composed_measure_rejected"));
    }

    void mysqlMergesWithoutFullJoin()
    {
        const auto compiled = compile(
            R"j({"measures":["orders.order_count","support_tickets.ticket_count"],"dimensions":["customers.customer_type"]})j",
            QStringLiteral("mysql"));
        QVERIFY(compiled.ok());
        QVERIFY(!compiled->sql.contains(QStringLiteral("FULL JOIN")));
        QVERIFY(compiled->sql.contains(QStringLiteral("UNION")));
        QVERIFY(compiled->sql.contains(QStringLiteral("<=>")));
    }
};

QTEST_GUILESS_MAIN(TestSemanticPlanner)
#include "tst_semanticplanner.moc"
