// The live ingest view fed 20,000 events for 1,000 units through the live path
// (a real RunEventLog appended from a worker thread, its 50 ms batches into the
// RunEventModel behind a shown IngestView). A 1 ms timer on the GUI thread
// probes stalls: the longest gap between its ticks is the longest time the GUI
// could not react. Goal: under 16 ms. Also prints the memory the run added.
#include "benchfigures.h"
#include "ingest/runeventlog.h"
#include "models/runeventmodel.h"
#include "ui/ingestview.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QTableView>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>

#include <cstdio>

using namespace ktx;
using Type = IngestEvent::Type;

namespace {

long rssKb()
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : f.readAll().split('\n'))
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLong();
    return -1;
}

IngestEvent ev(Type type, const QString &unit, const QJsonObject &data)
{
    IngestEvent e;
    e.type = type;
    e.unitKey = unit;
    e.data = data;
    return e;
}

// Times every event the GUI thread dispatches, so a stall can be told apart
// from the process simply not being scheduled (2 shared cores).
class TimedApplication : public QApplication
{
public:
    using QApplication::QApplication;
    bool notify(QObject *receiver, QEvent *event) override
    {
        if (measuring && event->type() == QEvent::Paint && receiver->isWidgetType()) {
            // Paints nest inside the window's UpdateRequest; time them per class.
            const QString name = QLatin1String(receiver->metaObject()->className());
            QElapsedTimer t;
            t.start();
            ++depth;
            const bool r = QApplication::notify(receiver, event);
            --depth;
            qint64 &longest = paintNs[name];
            longest = qMax(longest, t.nsecsElapsed());
            return r;
        }
        if (depth++ > 0 || !measuring) {
            const bool r = QApplication::notify(receiver, event);
            --depth;
            return r;
        }
        // The receiver may be gone after dispatch (deleteLater).
        const char *className = receiver->metaObject()->className();
        const int type = int(event->type());
        QElapsedTimer t;
        t.start();
        const bool r = QApplication::notify(receiver, event);
        --depth;
        const qint64 ns = t.nsecsElapsed();
        if (ns > longestNs) {
            longestNs = ns;
            longestWhat = QStringLiteral("%1 event %2").arg(QLatin1String(className)).arg(type);
        }
        return r;
    }
    bool measuring = false;
    int depth = 0;
    qint64 longestNs = 0;
    QString longestWhat;
    QHash<QString, qint64> paintNs; // longest paint per widget class
};

} // namespace

int main(int argc, char *argv[])
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    TimedApplication app(argc, argv);
    constexpr int Units = 1000;
    constexpr int PerUnit = 20; // planned, started, 8 × (tool call + step), ... = 20 events
    QTemporaryDir tmp;
    RunEventLog log(QStringLiteral("bench"),
                    RunEventLog::pathFor(tmp.path(), QStringLiteral("bench")));
    if (!log.open().ok())
        return 1;
    IngestView view;
    view.resize(1400, 900);
    view.show();
    // Batch handling time: a slot before and one after the model's (slots run in
    // connection order), so the difference is the model and every attached view.
    QElapsedTimer batchTimer;
    qint64 longestBatchNs = 0;
    int batches = 0;
    QObject::connect(&log, &RunEventLog::eventsAppended, &app, [&] { batchTimer.start(); });
    view.followLog(&log);
    QObject::connect(&log, &RunEventLog::eventsAppended, &app, [&] {
        longestBatchNs = qMax(longestBatchNs, batchTimer.nsecsElapsed());
        ++batches;
    });
    // A unit selected so the transcript follows too.
    const long rssBefore = rssKb();

    qint64 longestGapNs = 0;
    QList<double> gapsOver16; // every stall over the goal, in order
    QElapsedTimer probe;
    probe.start();
    qint64 last = probe.nsecsElapsed();
    QTimer tick;
    tick.setTimerType(Qt::PreciseTimer);
    tick.setInterval(1);
    QObject::connect(&tick, &QTimer::timeout, [&] {
        const qint64 now = probe.nsecsElapsed();
        longestGapNs = qMax(longestGapNs, now - last);
        if (now - last > 16'000'000)
            gapsOver16 << double(now - last) / 1e6;
        last = now;
    });

    QElapsedTimer wall;
    QThread *producer = QThread::create([&log] {
        log.append(ev(Type::RunStarted, {},
                      {{QStringLiteral("connectionId"), QStringLiteral("warehouse")},
                       {QStringLiteral("maxConcurrency"), 8}}));
        log.append(
            ev(Type::PhaseChanged, {}, {{QStringLiteral("phase"), QStringLiteral("work_units")}}));
        const QString output = QString(400, QLatin1Char('x'));
        for (int u = 0; u < Units; ++u) {
            const QString key = QStringLiteral("table_%1").arg(u, 4, 10, QLatin1Char('0'));
            log.append(ev(Type::UnitPlanned, key, {{QStringLiteral("label"), key}}));
            log.append(ev(Type::UnitStarted, key, {{QStringLiteral("worker"), u % 8}}));
            for (int c = 0; c < (PerUnit - 4) / 2; ++c) {
                log.append(ev(
                    Type::ToolCall, key,
                    {{QStringLiteral("tool"), QStringLiteral("sl_read_source")},
                     {QStringLiteral("input"), QJsonObject {{QStringLiteral("sourceName"), key}}},
                     {QStringLiteral("output"), output}}));
                log.append(
                    ev(Type::UnitStep, key,
                       {{QStringLiteral("steps"), c + 1}, {QStringLiteral("toolCalls"), c + 1}}));
            }
            log.append(
                ev(Type::ModelMessage, key, {{QStringLiteral("text"), QStringLiteral("done")}}));
            log.append(ev(Type::UnitFinished, key,
                          {{QStringLiteral("status"), QStringLiteral("success")},
                           {QStringLiteral("steps"), 8},
                           {QStringLiteral("toolCalls"), 8},
                           {QStringLiteral("durationMs"), 5.0},
                           {QStringLiteral("filesWritten"),
                            QJsonArray::fromStringList({key + QStringLiteral(".yaml")})}}));
        }
    });
    const int expected = 2 + Units * PerUnit;
    QObject::connect(view.model(), &RunEventModel::eventsAdded, &app, [&] {
        if (view.model()->rowCount() > 0 && !view.unitTable()->currentIndex().isValid())
            view.unitTable()->selectRow(0);
        if (view.model()->events().size() >= expected)
            app.quit();
    });
    // First a second of probing an idle GUI: the machine's own scheduling noise
    // (other processes on the cores), so the figure under load can be judged.
    qint64 idleGapNs = 0;
    QTimer::singleShot(0, &app, [&] {
        last = probe.nsecsElapsed();
        tick.start();
        QTimer::singleShot(1000, &app, [&] {
            idleGapNs = longestGapNs;
            longestGapNs = 0;
            gapsOver16.clear();
            wall.start();
            app.measuring = true;
            last = probe.nsecsElapsed();
            producer->start();
        });
    });
    app.exec();
    producer->wait();
    delete producer;
    const long rssAfter = rssKb();
    app.measuring = false;
    // What one full repaint of the view costs with 1,000 units in it.
    std::vector<double> paints;
    for (int i = 0; i < 15; ++i)
        paints.push_back(bench::timeMs([&view] { view.grab(); }));
    const bench::Figures paint = bench::summarize(paints);
    std::printf("bench_ingestview: %d events for %d units through RunEventLog -> RunEventModel -> "
                "IngestView\n",
                int(view.model()->events().size()), Units);
    std::printf("  wall time until the view held every event: %.1f ms\n",
                double(wall.nsecsElapsed()) / 1e6);
    std::printf("  idle baseline: longest timer gap with no events: %.2f ms\n",
                double(idleGapNs) / 1e6);
    std::printf("  longest GUI-thread stall (1 ms timer-gap probe): %.2f ms (goal < 16 ms)\n",
                double(longestGapNs) / 1e6);
    QStringList over;
    for (double ms : std::as_const(gapsOver16))
        over << QString::number(ms, 'f', 1);
    std::printf("  stalls over 16 ms while feeding: %d (%s)\n", int(gapsOver16.size()),
                qPrintable(over.join(QStringLiteral(", "))));
    std::printf("  longest single GUI event handled: %.2f ms (%s)\n", double(app.longestNs) / 1e6,
                qPrintable(app.longestWhat));
    std::printf("  one full repaint of the view (grab): min %.2f / median %.2f / max %.2f ms\n",
                paint.min, paint.median, paint.max);
    QStringList paintsByClass;
    for (auto it = app.paintNs.cbegin(); it != app.paintNs.cend(); ++it)
        if (it.value() > 1'000'000)
            paintsByClass << QStringLiteral("%1 %2").arg(it.key()).arg(double(it.value()) / 1e6, 0,
                                                                       'f', 1);
    std::printf("  longest paint per widget class over 1 ms (ms): %s\n",
                qPrintable(paintsByClass.join(QStringLiteral(", "))));
    std::printf("  batches: %d, longest batch in model + views: %.2f ms\n", batches,
                double(longestBatchNs) / 1e6);
    std::printf("  memory: RSS %ld KiB before, %ld KiB after (+%.1f MiB)\n", rssBefore, rssAfter,
                double(rssAfter - rssBefore) / 1024.0);
    return view.model()->events().size() == expected ? 0 : 1;
}
