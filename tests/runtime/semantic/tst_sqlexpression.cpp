// The tokenizer-level analysis the planner relies on: column references,
// aggregates, windows, top-level AND/OR, and rewriting that keeps the rest of
// the author's text (and dialect) untouched.
#include "semantic/sqlexpression.h"

#include <QTest>

using namespace ktx;

class TestSqlExpression : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void references_data()
    {
        QTest::addColumn<QString>("expr");
        QTest::addColumn<QString>("dialect");
        QTest::addColumn<QStringList>("refs");
        QTest::newRow("qualified") << "sum(orders.amount)"
                                   << "postgres" << QStringList {"orders.amount"};
        QTest::newRow("bare and qualified")
            << "amount > 0 AND orders.status = 'paid'"
            << "postgres" << QStringList {"amount", "orders.status"};
        QTest::newRow("string is not a ref") << "status = 'group.value'"
                                             << "postgres" << QStringList {"status"};
        QTest::newRow("cast type") << "CAST(orders.amount AS INTEGER) + x::numeric(10,2)"
                                   << "postgres" << QStringList {"orders.amount", "x"};
        QTest::newRow("interval unit") << "created_at > CURRENT_DATE - INTERVAL 30 DAY"
                                       << "bigquery" << QStringList {"created_at"};
        QTest::newRow("date part argument") << "DATE_TRUNC(orders.created_at, MONTH)"
                                            << "bigquery" << QStringList {"orders.created_at"};
        QTest::newRow("extract") << "EXTRACT(YEAR FROM o.created_at)"
                                 << "postgres" << QStringList {"o.created_at"};
        QTest::newRow("reserved word as source")
            << "sum(\"order\".total) + order.tax"
            << "postgres" << QStringList {"order.total", "order.tax"};
        QTest::newRow("schema qualified") << "public.orders.amount"
                                          << "postgres" << QStringList {"orders.amount"};
        QTest::newRow("case") << "CASE WHEN t.a IS NULL THEN 0 ELSE t.b END"
                              << "postgres"
                              << QStringList {QStringLiteral("t.a"), QStringLiteral("t.b")};
        QTest::newRow("double quotes are strings in mysql") << "status = \"paid\""
                                                            << "mysql" << QStringList {"status"};
    }
    void references()
    {
        QFETCH(QString, expr);
        QFETCH(QString, dialect);
        QFETCH(QStringList, refs);
        QStringList got;
        const SqlExpression e(expr, dialect);
        for (const auto &r : e.columnRefs())
            got << r.ref();
        QCOMPARE(got, refs);
    }

    void aggregates_data()
    {
        QTest::addColumn<QString>("expr");
        QTest::addColumn<bool>("aggregate");
        QTest::addColumn<bool>("window");
        QTest::addColumn<bool>("nested");
        QTest::newRow("sum") << "SUM(x)" << true << false << false;
        QTest::newRow("custom") << "count_distinct(o.id)" << true << false << false;
        QTest::newRow("plain") << "o.a + 1" << false << false << false;
        QTest::newRow("window") << "sum(o.a) OVER (ORDER BY o.b)" << true << true << false;
        QTest::newRow("nested") << "avg(sum(o.a))" << true << false << true;
        QTest::newRow("subquery aggregate does not count")
            << "o.a = (SELECT MAX(a) FROM t)" << false << false << false;
        QTest::newRow("side by side is not nested")
            << "sum(o.a) / count(o.b)" << true << false << false;
    }
    void aggregates()
    {
        QFETCH(QString, expr);
        QFETCH(bool, aggregate);
        QFETCH(bool, window);
        QFETCH(bool, nested);
        const SqlExpression e(expr);
        QCOMPARE(e.isAggregate(), aggregate);
        QCOMPARE(e.hasWindowFunction(), window);
        QCOMPARE(e.hasNestedAggregate(), nested);
    }

    void splitsTopLevel_data()
    {
        QTest::addColumn<QString>("expr");
        QTest::addColumn<QString>("keyword");
        QTest::addColumn<QStringList>("parts");
        QTest::newRow("and") << "sum(a) > 100 AND status = 'x'"
                             << "and" << QStringList {"sum(a) > 100", "status = 'x'"};
        QTest::newRow("between") << "a BETWEEN 1 AND 5 and b = 2"
                                 << "and" << QStringList {"a BETWEEN 1 AND 5", "b = 2"};
        QTest::newRow("parentheses") << "(a = 1 AND b = 2) AND c = 3"
                                     << "and" << QStringList {"(a = 1 AND b = 2)", "c = 3"};
        QTest::newRow("case") << "CASE WHEN a AND b THEN 1 END = 1"
                              << "and" << QStringList {"CASE WHEN a AND b THEN 1 END = 1"};
        QTest::newRow("or") << "a > 1 OR sum(b) > 2"
                            << "or" << QStringList {"a > 1", "sum(b) > 2"};
        QTest::newRow("string") << "a = 'x AND y'"
                                << "and" << QStringList {"a = 'x AND y'"};
    }
    void splitsTopLevel()
    {
        QFETCH(QString, expr);
        QFETCH(QString, keyword);
        QFETCH(QStringList, parts);
        QCOMPARE(SqlExpression(expr).splitTopLevel(keyword), parts);
    }

    void rewritesOnlyReferences()
    {
        const SqlExpression e(
            QStringLiteral(
                "SUM(amount) FILTER (WHERE status <> 'x') / TIMESTAMP_SUB(d, INTERVAL 1 DAY)"),
            QStringLiteral("bigquery"));
        const QString out = e.rewriteRefs([](const SqlExpression::ColumnRef &r) {
            return r.qualifier.isEmpty() ? std::optional<QString>(QStringLiteral("o.") + r.name)
                                         : std::nullopt;
        });
        QCOMPARE(out,
                 QStringLiteral("SUM(o.amount) FILTER (WHERE o.status <> 'x') / TIMESTAMP_SUB(o.d, "
                                "INTERVAL 1 DAY)"));
    }

    void divisorsAndAtoms()
    {
        QCOMPARE(SqlExpression(QStringLiteral("profit / revenue * 100")).divisorNames(),
                 QSet<QString> {QStringLiteral("revenue")});
        QVERIFY(SqlExpression(QStringLiteral("SUM(o.a)")).isAtomic());
        QVERIFY(SqlExpression(QStringLiteral("(a - b)")).isAtomic());
        QVERIFY(!SqlExpression(QStringLiteral("a - b")).isAtomic());
        QVERIFY(!SqlExpression(QStringLiteral("(a) - (b)")).isAtomic());
    }
};

QTEST_GUILESS_MAIN(TestSqlExpression)
#include "tst_sqlexpression.moc"
