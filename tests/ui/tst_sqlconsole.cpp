// The SQL console on the demo warehouse (SQLite): results, the read-only guard's
// refusal, a cancel that really stops a long statement, and the session history.
#include "db/readonlysqlguard.h"
#include "demo/demoproject.h"
#include "models/queryresultmodel.h"
#include "ui/codeeditor.h"
#include "ui/sqlconsole.h"

#include <QAbstractItemView>
#include <QDir>
#include <QElapsedTimer>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QStandardItemModel>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace ktx;

namespace {

constexpr int JobTimeoutMs = 30000;

// Counts to a billion: minutes of work for SQLite, far past the test's patience.
const QString longQuery = QStringLiteral(
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000) "
    "SELECT count(*) FROM c");

} // namespace

class TestSqlConsole : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void runsAReadWithCtrlEnter();
    void refusesWritesWithTheGuardsMessage();
    void cancelStopsALongStatementWithinASecond();
    void historyRestoresAQuery();
    void manyRowsArriveInBatches();
    void tenThousandRowsKeepTheEventLoopResponsive();

private:
    QList<QVariantList> direct(const QString &sql);
    QTemporaryDir m_root;
    QString m_project;
    SqlConsole *m_console = nullptr;
};

void TestSqlConsole::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_root.isValid());
    m_project = m_root.filePath(QStringLiteral("demo"));
    const Result<void> created = DemoProject::create(m_project);
    QVERIFY2(created.ok(), created.ok() ? "" : qPrintable(created.error().toText()));
}

void TestSqlConsole::init()
{
    m_console = new SqlConsole;
    m_console->resize(1000, 700);
    m_console->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_console));
    QSignalSpy shown(m_console, &SqlConsole::connectionsShown);
    m_console->setProject(m_project);
    QVERIFY(shown.wait(JobTimeoutMs));
    QCOMPARE(m_console->connections(), QStringList {DemoProject::connectionId()});
}

void TestSqlConsole::cleanup()
{
    delete m_console;
    m_console = nullptr;
}

QList<QVariantList> TestSqlConsole::direct(const QString &sql)
{
    QList<QVariantList> rows;
    {
        QSqlDatabase db
            = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("direct"));
        db.setDatabaseName(QDir(m_project).filePath(DemoProject::warehouseFileName()));
        if (!db.open())
            return rows;
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
    QSqlDatabase::removeDatabase(QStringLiteral("direct"));
    return rows;
}

void TestSqlConsole::runsAReadWithCtrlEnter()
{
    const QString sql = QStringLiteral(
        "SELECT customer_type, COUNT(*) AS n FROM customers GROUP BY customer_type ORDER BY 1");
    m_console->editor()->setPlainText(sql);
    m_console->editor()->setFocus();
    QSignalSpy shown(m_console, &SqlConsole::resultsShown);
    QTest::keyClick(m_console->editor(), Qt::Key_Return, Qt::ControlModifier);
    QVERIFY(shown.wait(JobTimeoutMs));
    const QList<QVariantList> expected = direct(sql);
    QVERIFY(expected.size() >= 2);
    QueryResultModel *model = m_console->resultModel();
    QCOMPARE(model->result().columns,
             (QStringList {QStringLiteral("customer_type"), QStringLiteral("n")}));
    QCOMPARE(model->rowCount(), int(expected.size()));
    for (int r = 0; r < expected.size(); ++r) {
        QCOMPARE(model->index(r, 0).data().toString(), expected.at(r).at(0).toString());
        QCOMPARE(model->index(r, 1).data(QueryResultModel::RawValueRole).toLongLong(),
                 expected.at(r).at(1).toLongLong());
    }
    QVERIFY(m_console->statusText().startsWith(QStringLiteral("%1 rows").arg(expected.size())));
    QVERIFY(m_console->errorText().isEmpty());
}

void TestSqlConsole::refusesWritesWithTheGuardsMessage()
{
    const qint64 before
        = direct(QStringLiteral("SELECT COUNT(*) FROM customers")).value(0).value(0).toLongLong();
    QVERIFY(before > 0);
    const QString sql = QStringLiteral("DELETE FROM customers");
    m_console->editor()->setPlainText(sql);
    QSignalSpy failed(m_console, &SqlConsole::runFailed);
    m_console->run();
    QVERIFY(failed.wait(JobTimeoutMs));
    const Result<QString> guard = ReadOnlySqlGuard::check(sql, QStringLiteral("sqlite"));
    QVERIFY(!guard.ok());
    QVERIFY2(m_console->errorText().contains(guard.error().message),
             qPrintable(m_console->errorText()));
    QVERIFY(m_console->resultModel()->rowCount() == 0);
    QCOMPARE(
        direct(QStringLiteral("SELECT COUNT(*) FROM customers")).value(0).value(0).toLongLong(),
        before);
    QCOMPARE(m_console->historyModel()->index(0, 0).data(SqlConsole::StatusRole).toString(),
             QStringLiteral("failed"));
}

void TestSqlConsole::cancelStopsALongStatementWithinASecond()
{
    m_console->editor()->setPlainText(longQuery);
    auto *cancelButton = m_console->findChild<QPushButton *>(QStringLiteral("cancelButton"));
    QVERIFY(cancelButton);
    QVERIFY(!cancelButton->isEnabled());
    QSignalSpy cancelled(m_console, &SqlConsole::runCancelled);
    QSignalSpy shown(m_console, &SqlConsole::resultsShown);
    m_console->run();
    QVERIFY(m_console->isRunning());
    QVERIFY(cancelButton->isEnabled());
    // Let the statement get going on the worker before stopping it.
    QTest::qWait(500);
    QVERIFY(m_console->isRunning());
    QElapsedTimer clock;
    clock.start();
    QTest::mouseClick(cancelButton, Qt::LeftButton);
    QVERIFY(cancelled.wait(JobTimeoutMs));
    const qint64 ms = clock.elapsed();
    qInfo("cancel of a running SQLite statement took %lld ms", ms);
    QVERIFY2(ms < 1000, qPrintable(QStringLiteral("cancel took %1 ms").arg(ms)));
    QVERIFY(!m_console->isRunning());
    QCOMPARE(shown.count(), 0);
    QVERIFY(m_console->statusText().startsWith(QStringLiteral("Cancelled")));

    // The console is usable at once afterwards, with Esc as the keyboard path.
    m_console->run();
    QTest::qWait(300);
    QVERIFY(m_console->isRunning());
    clock.restart();
    QTest::keyClick(m_console->editor(), Qt::Key_Escape);
    QVERIFY(cancelled.wait(JobTimeoutMs));
    QVERIFY2(clock.elapsed() < 1000,
             qPrintable(QStringLiteral("cancel took %1 ms").arg(clock.elapsed())));
}

void TestSqlConsole::historyRestoresAQuery()
{
    QSignalSpy shown(m_console, &SqlConsole::resultsShown);
    const QString first = QStringLiteral("SELECT 1 AS one");
    const QString second = QStringLiteral("SELECT 2 AS two");
    for (const QString &sql : {first, second}) {
        m_console->editor()->setPlainText(sql);
        m_console->run();
        QVERIFY(shown.wait(JobTimeoutMs));
    }
    QStandardItemModel *history = m_console->historyModel();
    QCOMPARE(history->rowCount(), 2);
    // Newest first.
    QCOMPARE(history->index(0, 0).data(SqlConsole::SqlRole).toString(), second);
    QCOMPARE(history->index(1, 0).data(SqlConsole::SqlRole).toString(), first);
    QCOMPARE(history->index(1, 0).data(SqlConsole::ConnectionRole).toString(),
             DemoProject::connectionId());
    auto *view = m_console->findChild<QAbstractItemView *>(QStringLiteral("historyList"));
    QVERIFY(view);
    view->setFocus();
    view->setCurrentIndex(history->index(1, 0));
    QTest::keyClick(view, Qt::Key_Return);
    QCOMPARE(m_console->editor()->toPlainText(), first);
}

void TestSqlConsole::manyRowsArriveInBatches()
{
    m_console->editor()->setPlainText(QStringLiteral(
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 5000) "
        "SELECT x, x * 2 AS y FROM c"));
    QSignalSpy shown(m_console, &SqlConsole::resultsShown);
    m_console->run();
    QVERIFY(shown.wait(JobTimeoutMs));
    QueryResultModel *model = m_console->resultModel();
    QCOMPARE(model->totalRowCount(), 1000); // the default limit
    QVERIFY(model->isTruncated());
    QVERIFY(m_console->statusText().contains(QStringLiteral("limit reached")));
    // The grid shows a first batch; scrolling to the end pulls in the rest.
    QVERIFY(model->rowCount() < 1000);
    m_console->resultView()->scrollToBottom();
    QTRY_VERIFY_WITH_TIMEOUT(model->rowCount() > QueryResultModel::BatchSize, 5000);
}

void TestSqlConsole::tenThousandRowsKeepTheEventLoopResponsive()
{
    // A figure, not an assertion (no wall-clock asserts): the longest gap between
    // 5 ms ticks of a GUI-thread timer while 10,000 rows are fetched and shown.
    auto *limit = m_console->findChild<QSpinBox *>();
    QVERIFY(limit);
    limit->setValue(10000);
    m_console->editor()->setPlainText(QStringLiteral(
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 10000) "
        "SELECT x, x * 2 AS y, 'row ' || x AS label FROM c"));
    QElapsedTimer clock;
    qint64 last = 0;
    qint64 longest = 0;
    QTimer ticker;
    ticker.setInterval(5);
    connect(&ticker, &QTimer::timeout, this, [&] {
        const qint64 now = clock.elapsed();
        longest = std::max(longest, now - last);
        last = now;
    });
    QSignalSpy shown(m_console, &SqlConsole::resultsShown);
    clock.start();
    ticker.start();
    m_console->run();
    QVERIFY(shown.wait(JobTimeoutMs));
    QTest::qWait(100); // the first paint of the grid
    m_console->resultView()->scrollToBottom();
    QTest::qWait(100);
    ticker.stop();
    QCOMPARE(m_console->resultModel()->totalRowCount(), 10000);
    qInfo("10,000 rows: result after %lld ms, longest GUI-thread gap %lld ms", clock.elapsed(),
          longest);
}

QTEST_MAIN(TestSqlConsole)
#include "tst_sqlconsole.moc"
