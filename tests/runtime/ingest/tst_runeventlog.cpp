// The run event stream: events appended from many threads reach the file in
// order and whole, come back identical from the file, and are delivered live
// as coalesced batches rather than one signal per event.
#include "ingest/runeventlog.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <numeric>
#include <thread>
#include <vector>

using namespace ktx;

class TestRunEventLog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void appendFromThreadsReadBackAndBatch()
    {
        QTemporaryDir tmp;
        const QString path = RunEventLog::pathFor(tmp.path(), QStringLiteral("run-1"));
        RunEventLog log(QStringLiteral("run-1"), path);
        QVERIFY(log.open().ok());
        QSignalSpy spy(&log, &RunEventLog::eventsAppended);
        constexpr int Threads = 4;
        constexpr int PerThread = 500;
        std::vector<std::thread> workers;
        for (int t = 0; t < Threads; ++t)
            workers.emplace_back([&log, t] {
                for (int i = 0; i < PerThread; ++i) {
                    IngestEvent e;
                    e.type = IngestEvent::Type::ToolCall;
                    e.unitKey = QStringLiteral("unit-%1").arg(t);
                    e.data = {{QStringLiteral("i"), i}};
                    log.append(e);
                }
            });
        for (auto &w : workers)
            w.join();
        QTRY_VERIFY(!spy.isEmpty());
        QTRY_COMPARE(std::accumulate(spy.cbegin(), spy.cend(), 0,
                                     [](int n, const QList<QVariant> &args) {
                                         return n
                                             + int(args.at(0).value<QList<IngestEvent>>().size());
                                     }),
                     Threads * PerThread);
        QVERIFY2(spy.size() < 50,
                 qPrintable(QString::number(spy.size()))); // batched, not per event

        const QList<IngestEvent> live = log.events();
        auto read = RunEventLog::read(path);
        QVERIFY(read.ok());
        QCOMPARE(read->size(), Threads * PerThread);
        for (int i = 0; i < live.size(); ++i) {
            QCOMPARE(read->at(i).seq, qint64(i + 1));
            QCOMPARE(read->at(i).toJson(), live.at(i).toJson());
        }
        // Each unit's events keep their order.
        QList<int> next(Threads, 0);
        for (const IngestEvent &e : *read) {
            const int t = e.unitKey.mid(5).toInt();
            QCOMPARE(e.data.value(QStringLiteral("i")).toInt(), next[t]++);
        }
    }

    void truncatedLastLineIsSkipped()
    {
        QTemporaryDir tmp;
        const QString path = tmp.filePath(QStringLiteral("events.jsonl"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\"seq\":1,\"at\":1,\"runId\":\"r\",\"type\":\"run_started\"}\n{\"seq\":2,\"at\"");
        f.close();
        auto read = RunEventLog::read(path);
        QVERIFY(read.ok());
        QCOMPARE(read->size(), 1);
        QCOMPARE(read->first().type, IngestEvent::Type::RunStarted);
    }
};

QTEST_GUILESS_MAIN(TestRunEventLog)
#include "tst_runeventlog.moc"
