// The original's own source sets must load and validate as they do there:
// ecommerce, tpch and b2b_saas (b2b_saas: 1 warning, 0 errors), the demanding
// SQL source demo, and the orbit demo's overlays composed onto _schema/.
#include "semantic/semanticengine.h"
#include "semantic/sourceloader.h"
#include "semantic/sourcevalidator.h"

#include <QFile>
#include <QTest>

using namespace ktx;

class TestSlFixtureSources : public QObject
{
    Q_OBJECT

    QString fixtures() const { return qEnvironmentVariable("KTX_FIXTURES"); }

private Q_SLOTS:
    void sourceSets_data()
    {
        QTest::addColumn<QString>("folder");
        QTest::addColumn<int>("sources");
        QTest::addColumn<int>("errors");
        QTest::addColumn<int>("warnings");
        QTest::newRow("ecommerce") << "python/ktx-sl/sources/ecommerce" << 6 << 0 << 0;
        QTest::newRow("tpch") << "python/ktx-sl/sources/tpch" << 8 << 0 << 0;
        QTest::newRow("b2b_saas") << "python/ktx-sl/sources/b2b_saas" << 89 << 0 << 1;
    }
    void sourceSets()
    {
        QFETCH(QString, folder);
        QFETCH(int, sources);
        QFETCH(int, errors);
        QFETCH(int, warnings);
        QVERIFY(!fixtures().isEmpty());
        SourceLoader::SourceSet set
            = SourceLoader::loadDirectory(fixtures() + QLatin1Char('/') + folder);
        set.issues += SourceValidator::validate(set.sources);
        for (const SourceIssue &i : std::as_const(set.issues))
            qInfo("%s", qPrintable(i.toText()));
        QCOMPARE(int(set.sources.size()), sources);
        QCOMPARE(set.errorCount(), errors);
        QCOMPARE(set.warningCount(), warnings);
        // And every source set compiles a query over its first measure.
        const SemanticEngine engine(set.sources);
        for (const SemanticSource &s : std::as_const(set.sources)) {
            if (s.measures.isEmpty())
                continue;
            SemanticQuery q;
            q.measures << QueryMeasure {
                s.name + QLatin1Char('.') + s.measures.first().name, {}, false};
            const auto compiled = engine.compile(q, QStringLiteral("postgres"));
            QVERIFY2(compiled.ok(),
                     qPrintable(compiled.ok() ? QString() : compiled.error().toText()));
            break;
        }
    }

    void complexSqlSource()
    {
        QFile f(fixtures() + QStringLiteral("/python/ktx-sl/demos/complex_cte_join.yaml"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QList<SemanticSource> sources;
        for (const SourceLoader::Loaded &l :
             SourceLoader::fromYamlFile(f.readAll(), f.fileName())) {
            for (const SourceIssue &i : l.issues)
                qInfo("%s", qPrintable(i.toText()));
            QVERIFY(l.source);
            sources << *l.source;
        }
        QCOMPARE(int(sources.size()), 6);
        QVERIFY(SourceValidator::validate(sources).isEmpty());
        // What the file demonstrates: measures of both SQL sources by a region
        // dimension are a chasm trap, pre-aggregated per source.
        const SemanticEngine engine(sources);
        SemanticQuery q;
        q.measures << QueryMeasure {QStringLiteral("customer_lifetime_value.avg_ltv"), {}, false}
                   << QueryMeasure {QStringLiteral("churn_risk.avg_risk"), {}, false};
        q.dimensions << QueryDimension {QStringLiteral("regions.name"), {}};
        const auto compiled = engine.compile(q, QStringLiteral("postgres"));
        QVERIFY2(compiled.ok(), qPrintable(compiled.ok() ? QString() : compiled.error().toText()));
        QVERIFY(compiled->plan.hasFanOut);
        QCOMPARE(int(compiled->plan.measureGroups.size()), 2);
        QVERIFY(compiled->sql.contains(QStringLiteral("customer_lifetime_value_agg AS (")));
        QVERIFY(compiled->sql.contains(QStringLiteral("churn_risk_agg AS (")));
    }

    void orbitOverlays()
    {
        const QString dir = fixtures()
            + QStringLiteral("/packages/cli/assets/demo/orbit/semantic-layer/postgres-warehouse");
        const SourceLoader::SourceSet set = SourceLoader::loadDirectory(dir);
        for (const SourceIssue &i : set.issues)
            qInfo("%s", qPrintable(i.toText()));
        QCOMPARE(set.errorCount(), 0);
        QCOMPARE(int(set.sources.size()), 9);
        // mart_customer_health is an overlay: its table and columns come from
        // _schema/orbit_analytics.yaml, its measures from the overlay.
        const SemanticSource *health = set.find(QStringLiteral("mart_customer_health"));
        QVERIFY(health);
        QCOMPARE(health->table, QStringLiteral("orbit_analytics.mart_customer_health"));
        QVERIFY(health->column(QStringLiteral("account_id")));
        QVERIFY(health->measure(QStringLiteral("count_high_risk_accounts")));
        const SemanticEngine engine(set.sources);
        SemanticQuery q;
        q.measures << QueryMeasure {
            QStringLiteral("mart_customer_health.count_high_risk_accounts"), {}, false};
        const auto compiled = engine.compile(q, QStringLiteral("postgres"));
        QVERIFY2(compiled.ok(), qPrintable(compiled.ok() ? QString() : compiled.error().toText()));
        QVERIFY(
            compiled->sql.contains(QStringLiteral("FROM orbit_analytics.mart_customer_health")));
        QVERIFY(compiled->sql.contains(
            QStringLiteral("CASE WHEN mart_customer_health.risk_level = 'high'")));
    }

    void dbtFolderLoads()
    {
        const QString dir = fixtures()
            + QStringLiteral("/packages/cli/assets/demo/orbit/semantic-layer/dbt-main");
        const SourceLoader::SourceSet set = SourceLoader::loadDirectory(dir);
        for (const SourceIssue &i : set.issues)
            qInfo("%s", qPrintable(i.toText()));
        QCOMPARE(set.errorCount(), 0);
        QVERIFY(set.sources.size() >= 30);
    }
};

QTEST_GUILESS_MAIN(TestSlFixtureSources)
#include "tst_slfixturesources.moc"
