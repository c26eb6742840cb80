// The real jaffle_shop dbt project in ../shared/data parses without errors.
#include "sources/contextsource.h"
#include "sources/dbtproject.h"

#include <QTest>

using namespace ktx;

class TestDbtCompat : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void jaffleShopParses()
    {
        const QString root = qEnvironmentVariable("KTX_DBT_JAFFLE_SHOP");
        const auto report = contextSourceParser(QStringLiteral("dbt"))->check(root);
        QVERIFY2(report.ok(), qPrintable(report.ok() ? QString() : report.error().toText()));
        for (const SourceFileIssue &e : report->errors)
            qWarning("%s:%d:%d: %s", qPrintable(e.path), e.line, e.column, qPrintable(e.message));
        QVERIFY(report->errors.isEmpty());
        QCOMPARE(report->models, 5); // customers, orders, stg_customers, stg_orders, stg_payments

        const auto project = DbtProject::load(root);
        QVERIFY(project.ok());
        QCOMPARE(project->name, QStringLiteral("jaffle_shop"));
        const DbtNode *orders = project->model(QStringLiteral("orders"));
        QVERIFY(orders);
        // The status description is a doc block in models/docs.md.
        const DbtColumn *status = orders->column(QStringLiteral("status"));
        QVERIFY(status);
        QVERIFY(!status->description.contains(QStringLiteral("{{")));
        QVERIFY(status->description.contains(QStringLiteral("return_pending")));
        const DbtColumn *customer = orders->column(QStringLiteral("customer_id"));
        QVERIFY(std::any_of(customer->tests.cbegin(), customer->tests.cend(), [](const DbtTest &t) {
            return t.name == QLatin1String("relationships")
                && t.kwargs.value(QStringLiteral("to")).toString()
                == QLatin1String("ref('customers')");
        }));
    }
};

QTEST_GUILESS_MAIN(TestDbtCompat)
#include "tst_dbtcompat.moc"
