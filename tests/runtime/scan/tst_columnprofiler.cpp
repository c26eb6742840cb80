#include "db/queryresult.h"
#include "db/schemasnapshot.h"
#include "scan/columnprofiler.h"
#include "scan/valuesketch.h"

#include <QDate>
#include <QDateTime>
#include <QJsonArray>
#include <QTest>

using namespace ktx;

namespace {

SchemaColumn column(const QString &name, const QString &type, const QString &dimension,
                    bool primaryKey = false)
{
    SchemaColumn c;
    c.name = name;
    c.nativeType = type;
    c.normalizedType = type.toLower();
    c.dimensionType = dimension;
    c.primaryKey = primaryKey;
    return c;
}

} // namespace

class TestColumnProfiler : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void profilesEveryStatisticFromOneSample()
    {
        SchemaTable table;
        table.ref = {QString(), QStringLiteral("main"), QStringLiteral("orders")};
        table.exactRows = 6;
        table.columns = {
            column(QStringLiteral("order_id"), QStringLiteral("INTEGER"), QStringLiteral("number"),
                   true),
            column(QStringLiteral("status"), QStringLiteral("TEXT"), QStringLiteral("string")),
            column(QStringLiteral("amount"), QStringLiteral("REAL"), QStringLiteral("number")),
            column(QStringLiteral("coupon_code"), QStringLiteral("TEXT"), QStringLiteral("string")),
            column(QStringLiteral("missing_in_sample"), QStringLiteral("TEXT"),
                   QStringLiteral("string"))};

        QueryResult sample;
        // Column order differs from the schema and names differ in case: matched by name.
        sample.columns = {QStringLiteral("STATUS"), QStringLiteral("order_id"),
                          QStringLiteral("amount"), QStringLiteral("coupon_code")};
        const QVariant null = QVariant(QMetaType(QMetaType::QString));
        sample.rows = {
            {QStringLiteral("shipped"), 1LL, 9.5, null},
            {QStringLiteral("shipped"), 2LL, 100.0, QStringLiteral("SPRING")},
            {QStringLiteral("cancelled"), 3LL, 20.25, null},
            {QStringLiteral("shipped"), 4LL, 9.5, QStringLiteral("spring")},
            {QStringLiteral("returned"), 5LL, -3.0, null},
            {QStringLiteral("cancelled"), 10LL, 9.5, null},
        };

        const TableProfile profile = ColumnProfiler::profileRows(table, sample, {});
        QCOMPARE(profile.sampledRows, 6);
        QVERIFY(profile.sampleComplete);
        QCOMPARE(profile.columns.size(), 4); // missing_in_sample is left out
        QVERIFY(!profile.column(QStringLiteral("missing_in_sample")));

        const ColumnProfile *id = profile.column(QStringLiteral("order_id"));
        QVERIFY(id);
        QCOMPARE(id->distinctCount, 6);
        QCOMPARE(id->uniquenessRatio(), 1.0);
        // Numeric order: 10 > 5, although "10" < "5" as text.
        QCOMPARE(id->minValue.toLongLong(), 1);
        QCOMPARE(id->maxValue.toLongLong(), 10);
        QCOMPARE(id->minLength, 1);
        QCOMPARE(id->maxLength, 2);

        const ColumnProfile *status = profile.column(QStringLiteral("status"));
        QVERIFY(status);
        QCOMPARE(status->nullCount, 0);
        QCOMPARE(status->distinctCount, 3);
        QCOMPARE(status->uniquenessRatio(), 0.5);
        QCOMPARE(status->minValue.toString(), QStringLiteral("cancelled"));
        QCOMPARE(status->maxValue.toString(), QStringLiteral("shipped"));
        QCOMPARE(status->topValues.size(), 3);
        QCOMPARE(status->topValues.at(0).value, QStringLiteral("shipped"));
        QCOMPARE(status->topValues.at(0).count, 3);
        QCOMPARE(status->topValues.at(1).value, QStringLiteral("cancelled"));
        QCOMPARE(status->minLength, 7);
        QCOMPARE(status->maxLength, 9);

        const ColumnProfile *amount = profile.column(QStringLiteral("amount"));
        QVERIFY(amount);
        QCOMPARE(amount->minValue.toDouble(), -3.0);
        QCOMPARE(amount->maxValue.toDouble(), 100.0);
        QCOMPARE(amount->distinctCount, 4); // 9.5, 100, 20.25, -3

        const ColumnProfile *coupon = profile.column(QStringLiteral("coupon_code"));
        QVERIFY(coupon);
        QCOMPARE(coupon->nullCount, 4);
        QCOMPARE(coupon->nullRate(), 4.0 / 6.0);
        QCOMPARE(coupon->distinctCount, 2); // exact values are case-sensitive
        QCOMPARE(coupon->sketch.size(), 1); // the overlap sketch is case-folded
        QCOMPARE(coupon->uniquenessRatio(), 1.0);

        const QJsonObject json = profile.toJson();
        QCOMPARE(json.value(u"sampledRows").toInt(), 6);
        const QJsonObject statusJson = json.value(u"columns").toArray().at(1).toObject();
        QCOMPARE(statusJson.value(u"name").toString(), QStringLiteral("status"));
        QCOMPARE(statusJson.value(u"distinctCount").toInt(), 3);
        QCOMPARE(statusJson.value(u"topValues").toArray().size(), 3);
        QCOMPARE(statusJson.value(u"min").toString(), QStringLiteral("cancelled"));
    }

    void keepsOnlyTheMostFrequentValues()
    {
        SchemaTable table;
        table.ref.name = QStringLiteral("t");
        table.columns
            = {column(QStringLiteral("v"), QStringLiteral("INTEGER"), QStringLiteral("number"))};
        QueryResult sample;
        sample.columns = {QStringLiteral("v")};
        for (int i = 0; i < 50; ++i) {
            for (int repeat = 0; repeat <= i % 5; ++repeat)
                sample.rows.append({QVariant(qlonglong(i))});
        }
        ColumnProfiler::Options options;
        options.topValues = 10;
        options.sampleRows = 10;
        const TableProfile profile = ColumnProfiler::profileRows(table, sample, options);
        const ColumnProfile *v = profile.column(QStringLiteral("v"));
        QCOMPARE(v->distinctCount, 50);
        QCOMPARE(v->topValues.size(), 10);
        for (const ValueCount &top : v->topValues)
            QCOMPARE(top.count, 5); // 4, 9, 14, ... each appear five times
        QCOMPARE(v->topValues.constFirst().value, QStringLiteral("14")); // ties by value text
        QVERIFY(!profile.sampleComplete); // as many rows as asked for: maybe more exist
    }

    void widesTablesGetFewerSampleRows()
    {
        SchemaTable table;
        for (int i = 0; i < 10000; ++i)
            table.columns.append(column(QStringLiteral("c%1").arg(i), QStringLiteral("TEXT"),
                                        QStringLiteral("string")));
        ColumnProfiler::Options options;
        QCOMPARE(ColumnProfiler::sampleRowsFor(table, options), 400);
        table.columns.resize(10);
        QCOMPARE(ColumnProfiler::sampleRowsFor(table, options), 10000);
    }

    void canonicalText_data()
    {
        QTest::addColumn<QVariant>("value");
        QTest::addColumn<QString>("text");
        QTest::addRow("integer") << QVariant(42LL) << QStringLiteral("42");
        QTest::addRow("whole double") << QVariant(3.0) << QStringLiteral("3");
        QTest::addRow("fraction") << QVariant(0.1) << QStringLiteral("0.1");
        QTest::addRow("bool") << QVariant(true) << QStringLiteral("true");
        QTest::addRow("date") << QVariant(QDate(2024, 2, 29)) << QStringLiteral("2024-02-29");
        QTest::addRow("datetime") << QVariant(QDateTime(QDate(2024, 1, 2), QTime(3, 4, 5)))
                                  << QStringLiteral("2024-01-02 03:04:05");
        QTest::addRow("bytes") << QVariant(QByteArray("\x01\xff", 2)) << QStringLiteral("01ff");
        QTest::addRow("text") << QVariant(QStringLiteral("Äbc")) << QStringLiteral("Äbc");
    }

    void canonicalText()
    {
        QFETCH(QVariant, value);
        QFETCH(QString, text);
        QCOMPARE(ColumnProfiler::canonicalText(value), text);
    }

    void sketchEstimatesContainment()
    {
        QStringList parent;
        QStringList child;
        for (int i = 0; i < 20000; ++i)
            parent.append(QString::number(i));
        for (int i = 0; i < 5000; ++i)
            child.append(QString::number(i * 3)); // all inside parent
        const ValueSketch parentSketch = ValueSketch::fromValues(parent);
        const ValueSketch childSketch = ValueSketch::fromValues(child);
        QVERIFY(!parentSketch.isComplete());
        QCOMPARE(childSketch.containmentIn(parentSketch).value_or(-1), 1.0);

        // Values from a disjoint range are not found.
        QStringList other;
        for (int i = 0; i < 3000; ++i)
            other.append(QStringLiteral("x%1").arg(i));
        const ValueSketch otherSketch = ValueSketch::fromValues(other);
        QCOMPARE(otherSketch.containmentIn(parentSketch).value_or(-1), 0.0);

        // Half the values inside: the estimate lands near one half.
        QStringList half;
        for (int i = 0; i < 4000; ++i)
            half.append(i % 2 ? QString::number(i) : QStringLiteral("y%1").arg(i));
        const double estimate
            = ValueSketch::fromValues(half).containmentIn(parentSketch).value_or(-1);
        QVERIFY2(estimate > 0.35 && estimate < 0.65, qPrintable(QString::number(estimate)));

        // Case-folded, and add() agrees with fromValues().
        ValueSketch upper;
        upper.add(QStringLiteral("GOLD"));
        upper.add(QStringLiteral("Silver"));
        const ValueSketch lower
            = ValueSketch::fromValues({QStringLiteral("gold"), QStringLiteral("silver")});
        QCOMPARE(upper.containmentIn(lower).value_or(-1), 1.0);
        QVERIFY(!ValueSketch().containmentIn(lower));
    }
};

QTEST_GUILESS_MAIN(TestColumnProfiler)
#include "tst_columnprofiler.moc"
