// The query playground on the demo project's ingested sources: a chasm-trap
// query (orders and subscriptions by customer type) compiles with its chasm
// note and join path, runs read-only and returns what hand-written SQL that
// aggregates each side on its own returns — not the double-counted naive join.
#include "demo/demoproject.h"
#include "ingest/structuralingest.h"
#include "models/queryresultmodel.h"
#include "models/semanticfieldmodel.h"
#include "project/configloader.h"
#include "project/projectconfig.h"
#include "ui/codeeditor.h"
#include "ui/colorscheme.h"
#include "ui/queryplayground.h"

#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace ktx;

namespace {

constexpr int JobTimeoutMs = 60000;

const QString ordersCount = QStringLiteral("orders.row_count");
const QString subscriptionsCount = QStringLiteral("subscriptions.row_count");
const QString customerType = QStringLiteral("customers.customer_type");

} // namespace

class TestQueryPlayground : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void chasmTrapQueryIsNotDoubleCounted();
    void unknownMeasureIsShownInPlace();
    void ambiguousDimensionNamesTheCandidates();
    void timeGranularityAndFilters();
    void screenshots();

private:
    QList<QVariantList> direct(const QString &sql);
    void pickChasmQuery();
    QTemporaryDir m_root;
    QString m_project;
    QueryPlayground *m_playground = nullptr;
};

void TestQueryPlayground::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_root.isValid());
    m_project = m_root.filePath(QStringLiteral("demo"));
    const Result<void> created = DemoProject::create(m_project);
    QVERIFY2(created.ok(), created.ok() ? "" : qPrintable(created.error().toText()));
    Result<LoadedConfig> loaded
        = ConfigLoader::loadFile(QDir(m_project).filePath(QStringLiteral("ktx.yaml")));
    QVERIFY(loaded.ok());
    const ConnectionConfig *connection = loaded->config.connection(DemoProject::connectionId());
    QVERIFY(connection);
    const auto result = StructuralIngest::run(m_project, loaded->config, *connection);
    QVERIFY2(result.ok(), result.ok() ? "" : qPrintable(result.error().toText()));
}

void TestQueryPlayground::init()
{
    m_playground = new QueryPlayground;
    m_playground->resize(1280, 800);
    m_playground->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_playground));
    QSignalSpy fields(m_playground, &QueryPlayground::fieldsShown);
    m_playground->setProject(m_project);
    QVERIFY(fields.wait(JobTimeoutMs));
    QCOMPARE(m_playground->currentConnection(), DemoProject::connectionId());
    QVERIFY(m_playground->measureModel()->rowOf(ordersCount) >= 0);
    QVERIFY(m_playground->measureModel()->rowOf(subscriptionsCount) >= 0);
    QVERIFY(m_playground->dimensionModel()->rowOf(customerType) >= 0);
}

void TestQueryPlayground::cleanup()
{
    delete m_playground;
    m_playground = nullptr;
}

QList<QVariantList> TestQueryPlayground::direct(const QString &sql)
{
    QList<QVariantList> rows;
    {
        QSqlDatabase db
            = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("direct"));
        db.setDatabaseName(QDir(m_project).filePath(DemoProject::warehouseFileName()));
        if (db.open()) {
            QSqlQuery q(db);
            if (q.exec(sql)) {
                while (q.next()) {
                    QVariantList row;
                    for (int i = 0; i < q.record().count(); ++i)
                        row << q.value(i);
                    rows << row;
                }
            }
        }
    }
    QSqlDatabase::removeDatabase(QStringLiteral("direct"));
    return rows;
}

void TestQueryPlayground::pickChasmQuery()
{
    QSignalSpy plan(m_playground, &QueryPlayground::planShown);
    QVERIFY(m_playground->measureModel()->setChecked(ordersCount, true));
    QVERIFY(m_playground->measureModel()->setChecked(subscriptionsCount, true));
    QVERIFY(m_playground->dimensionModel()->setChecked(customerType, true));
    m_playground->compile();
    QVERIFY(plan.wait(JobTimeoutMs));
}

void TestQueryPlayground::chasmTrapQueryIsNotDoubleCounted()
{
    pickChasmQuery();
    QVERIFY2(m_playground->errorText().isEmpty(), qPrintable(m_playground->errorText()));
    const QString sql = m_playground->compiledSql();
    QVERIFY(sql.contains(QStringLiteral("orders_agg")));
    QCOMPARE(m_playground->sqlView()->toPlainText(), sql);
    QCOMPARE(m_playground->notes().size(), 1);
    QVERIFY2(m_playground->notes().first().startsWith(QStringLiteral("Chasm trap")),
             qPrintable(m_playground->notes().first()));
    auto *notesLabel = m_playground->findChild<QLabel *>(QStringLiteral("playgroundNotes"));
    QVERIFY(notesLabel && notesLabel->isVisible());
    QVERIFY(notesLabel->text().contains(QStringLiteral("Chasm trap")));
    QVERIFY(m_playground->joinPath().contains(
        QStringLiteral("orders.customer_id = customers.customer_id (many_to_one)")));
    QVERIFY(m_playground->joinPath().contains(
        QStringLiteral("customers.customer_id = subscriptions.customer_id (one_to_many)")));

    QSignalSpy results(m_playground, &QueryPlayground::resultsShown);
    m_playground->setFocus();
    QTest::keyClick(m_playground->focusWidget(), Qt::Key_Return, Qt::ControlModifier);
    QVERIFY(results.wait(JobTimeoutMs));

    // Each side aggregated on its own, by hand.
    const QList<QVariantList> expected = direct(QStringLiteral(
        "SELECT c.customer_type, "
        " (SELECT COUNT(*) FROM orders o JOIN customers c2 ON c2.customer_id = o.customer_id "
        "  WHERE c2.customer_type = c.customer_type), "
        " (SELECT COUNT(*) FROM subscriptions s JOIN customers c3 ON c3.customer_id = "
        "s.customer_id "
        "  WHERE c3.customer_type = c.customer_type) "
        "FROM (SELECT DISTINCT customer_type FROM customers) c ORDER BY 1"));
    // The naive join multiplies orders by subscriptions per customer.
    const QList<QVariantList> naive = direct(QStringLiteral(
        "SELECT c.customer_type, COUNT(o.order_id) FROM customers c "
        "JOIN orders o ON o.customer_id = c.customer_id "
        "JOIN subscriptions s ON s.customer_id = c.customer_id GROUP BY 1 ORDER BY 1"));
    QVERIFY(expected.size() >= 2);
    QueryResultModel *model = m_playground->resultModel();
    QCOMPARE(model->rowCount(), int(expected.size()));
    QCOMPARE(model->result().columns,
             (QStringList {QStringLiteral("customer_type"), QStringLiteral("orders_row_count"),
                           QStringLiteral("subscriptions_row_count")}));
    for (int r = 0; r < expected.size(); ++r) {
        QCOMPARE(model->index(r, 0).data().toString(), expected.at(r).at(0).toString());
        QCOMPARE(model->index(r, 1).data(QueryResultModel::RawValueRole).toLongLong(),
                 expected.at(r).at(1).toLongLong());
        QCOMPARE(model->index(r, 2).data(QueryResultModel::RawValueRole).toLongLong(),
                 expected.at(r).at(2).toLongLong());
    }
    bool naiveDiffers = false;
    for (int r = 0; r < naive.size(); ++r)
        naiveDiffers |= naive.at(r).at(1).toLongLong() != expected.value(r).value(1).toLongLong();
    QVERIFY2(naiveDiffers, "the naive join should have double counted");
    QVERIFY(
        m_playground->resultSummary().startsWith(QStringLiteral("%1 rows").arg(expected.size())));
    QVERIFY(m_playground->resultSummary().contains(QStringLiteral(" ms")));
}

void TestQueryPlayground::unknownMeasureIsShownInPlace()
{
    QSignalSpy plan(m_playground, &QueryPlayground::planShown);
    m_playground->extraMeasureEdit()->setText(QStringLiteral("orders.no_such_measure"));
    QVERIFY(plan.wait(JobTimeoutMs));
    QVERIFY(m_playground->compiledSql().isEmpty());
    QVERIFY2(m_playground->errorText().contains(QStringLiteral("orders.no_such_measure")),
             qPrintable(m_playground->errorText()));
    auto *banner = m_playground->findChild<QLabel *>(QStringLiteral("playgroundError"));
    QVERIFY(banner && banner->isVisible());
    QCOMPARE(banner->text(), m_playground->errorText());
    // Fixing it clears the error.
    m_playground->extraMeasureEdit()->setText(QStringLiteral("sum(orders.shipping_fee)"));
    QVERIFY(plan.wait(JobTimeoutMs));
    QVERIFY2(m_playground->errorText().isEmpty(), qPrintable(m_playground->errorText()));
    QVERIFY(!banner->isVisible());
    QVERIFY(m_playground->compiledSql().contains(QStringLiteral("sum(orders.shipping_fee)")));
}

void TestQueryPlayground::ambiguousDimensionNamesTheCandidates()
{
    QSignalSpy plan(m_playground, &QueryPlayground::planShown);
    QVERIFY(m_playground->measureModel()->setChecked(ordersCount, true));
    m_playground->extraDimensionEdit()->setText(QStringLiteral("customer_id"));
    QVERIFY(plan.wait(JobTimeoutMs));
    const QString error = m_playground->errorText();
    QVERIFY2(error.contains(QStringLiteral("ambiguous")), qPrintable(error));
    QVERIFY2(error.contains(QStringLiteral("customers"))
                 && error.contains(QStringLiteral("orders")),
             qPrintable(error));
}

void TestQueryPlayground::timeGranularityAndFilters()
{
    QSignalSpy plan(m_playground, &QueryPlayground::planShown);
    QVERIFY(m_playground->measureModel()->setChecked(ordersCount, true));
    QVERIFY(m_playground->dimensionModel()->setChecked(QStringLiteral("orders.ordered_at"), true));
    QVERIFY(m_playground->dimensionModel()->setGranularity(QStringLiteral("orders.ordered_at"),
                                                           QStringLiteral("year")));
    m_playground->filterEdit()->setPlainText(QStringLiteral("orders.status = 'completed'"));
    m_playground->compile();
    QVERIFY(plan.wait(JobTimeoutMs));
    QVERIFY2(m_playground->errorText().isEmpty(), qPrintable(m_playground->errorText()));
    QSignalSpy results(m_playground, &QueryPlayground::resultsShown);
    m_playground->run();
    QVERIFY(results.wait(JobTimeoutMs));
    const QList<QVariantList> expected = direct(QStringLiteral(
        "SELECT strftime('%Y', ordered_at), COUNT(*) FROM orders WHERE status = 'completed' "
        "GROUP BY 1 ORDER BY 1"));
    QVERIFY(!expected.isEmpty());
    QueryResultModel *model = m_playground->resultModel();
    QCOMPARE(model->rowCount(), int(expected.size()));
    for (int r = 0; r < expected.size(); ++r) {
        QVERIFY2(model->index(r, 0).data().toString().startsWith(expected.at(r).at(0).toString()),
                 qPrintable(model->index(r, 0).data().toString()));
        QCOMPARE(model->index(r, 1).data(QueryResultModel::RawValueRole).toLongLong(),
                 expected.at(r).at(1).toLongLong());
    }
}

void TestQueryPlayground::screenshots()
{
    const QString out = qEnvironmentVariable("KTX_SCREENSHOT_DIR");
    if (out.isEmpty())
        QSKIP("set KTX_SCREENSHOT_DIR to write screenshots");
    for (const auto &[scheme, name] :
         {std::pair {ColorScheme::Scheme::Light, "light"}, {ColorScheme::Scheme::Dark, "dark"}}) {
        ColorScheme::apply(scheme);
        QueryPlayground playground;
        playground.resize(1280, 800);
        playground.show();
        QVERIFY(QTest::qWaitForWindowExposed(&playground));
        QSignalSpy fields(&playground, &QueryPlayground::fieldsShown);
        playground.setProject(m_project);
        QVERIFY(fields.wait(JobTimeoutMs));
        QSignalSpy plan(&playground, &QueryPlayground::planShown);
        playground.measureModel()->setChecked(ordersCount, true);
        playground.measureModel()->setChecked(subscriptionsCount, true);
        playground.dimensionModel()->setChecked(customerType, true);
        playground.compile();
        QVERIFY(plan.wait(JobTimeoutMs));
        QSignalSpy results(&playground, &QueryPlayground::resultsShown);
        playground.run();
        QVERIFY(results.wait(JobTimeoutMs));
        playground.resultView()->resizeColumnsToContents();
        QTest::qWait(50);
        QVERIFY(
            playground.grab().save(QStringLiteral("%1/playground-chasm-%2.png").arg(out, name)));
    }
}

QTEST_MAIN(TestQueryPlayground)
#include "tst_queryplayground.moc"
