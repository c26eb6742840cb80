// QueryJob against real servers: a long statement on PostgreSQL
// (pg_cancel_backend from a second session) and MariaDB (KILL QUERY from a
// second session) stops within a second of cancel(), and the session is
// usable again afterwards. Skips when the server binaries are not installed.
#include "db/queryjob.h"
#include "postgrestestserver.h"
#include "testdatabaseserver.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

using namespace ktx;
using ktx::test::TestDatabaseServer;

class TestQueryCancel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cancelsALongStatement_data();
    void cancelsALongStatement();
};

void TestQueryCancel::cancelsALongStatement_data()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("sleepSql");
    QTest::addRow("postgres") << int(TestDatabaseServer::Kind::Postgres)
                              << QStringLiteral("SELECT pg_sleep(20) AS slept");
    QTest::addRow("mariadb") << int(TestDatabaseServer::Kind::MariaDb)
                             << QStringLiteral("SELECT SLEEP(20) AS slept");
}

void TestQueryCancel::cancelsALongStatement()
{
    QFETCH(int, kind);
    QFETCH(QString, sleepSql);
    QString error;
    std::unique_ptr<TestDatabaseServer> server
        = TestDatabaseServer::start(TestDatabaseServer::Kind(kind), &error);
    if (!server)
        QSKIP(qPrintable(error));
    const ConnectionSettings settings = server->connectionSettings();

    QueryJob job;
    QSignalSpy finished(&job, &QueryJob::finished);
    QSignalSpy failed(&job, &QueryJob::failed);
    QSignalSpy cancelled(&job, &QueryJob::cancelled);
    job.start(settings, sleepSql, 10);
    QVERIFY(job.isRunning());
    // Long enough for the connection to open and the statement to be running.
    QTest::qWait(1500);
    QVERIFY(job.isRunning());
    QElapsedTimer clock;
    clock.start();
    job.cancel();
    QVERIFY(cancelled.wait(15000));
    const qint64 ms = clock.elapsed();
    qInfo("cancel took %lld ms", ms);
    QVERIFY2(ms < 1000, qPrintable(QStringLiteral("cancel took %1 ms").arg(ms)));
    QCOMPARE(finished.count(), 0);
    QCOMPARE(failed.count(), 0);

    // The next query on the same job runs normally.
    job.start(settings, QStringLiteral("SELECT 41 + 1 AS answer"), 10);
    QVERIFY(finished.wait(15000));
    QCOMPARE(finished.first().first().value<QueryResult>().rows.value(0).value(0).toInt(), 42);
}

QTEST_GUILESS_MAIN(TestQueryCancel)
#include "tst_querycancel.moc"
