// The Review area on a run touching 2,000 files: time from selecting the run
// to the first diff painted on screen (goal under 200 ms), against the eager
// RunReview::load of the same run measured in the same process (what a view
// that loads every file's diff up front would wait for at least). Then the
// memory a 100,000-line diff adds once it is open.
#include "../ui/reviewfixture.h"
#include "benchfigures.h"
#include "models/reviewsession.h"
#include "review/runreview.h"
#include "ui/diffpane.h"
#include "ui/diffview.h"
#include "ui/reviewarea.h"

#include <QApplication>
#include <QEventLoop>
#include <QTemporaryDir>
#include <QTimer>

#include <cstdio>

using namespace ktx;
using ktx::test::ReviewFixture;

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

QByteArray sourceFile(int n, bool after)
{
    QByteArray text = "name: table_" + QByteArray::number(n) + "\ntable: public.table_"
        + QByteArray::number(n) + "\ncolumns:\n";
    for (int c = 0; c < 25; ++c)
        text += "  - name: column_" + QByteArray::number(c) + "\n";
    if (after)
        text.replace("  - name: column_12\n",
                     "  - name: column_12\n    description: The twelfth column.\n");
    return text;
}

// Notes the first paint of a widget after it is armed.
class PaintProbe : public QObject
{
public:
    bool armed = false;
    bool painted = false;
    bool eventFilter(QObject *, QEvent *event) override
    {
        if (armed && event->type() == QEvent::Paint)
            painted = true;
        return false;
    }
};

// Opens the area on the project and returns ms until the first diff is painted.
double timeToFirstPaintedDiff(const QString &dir, bool sideBySide)
{
    ReviewArea area;
    area.resize(1400, 900);
    area.setSideBySide(sideBySide);
    area.show();
    QCoreApplication::processEvents();
    PaintProbe probe;
    DiffPane *pane = sideBySide ? area.diffView()->newPane() : area.diffView()->unifiedPane();
    pane->viewport()->installEventFilter(&probe);
    QObject::connect(&area, &ReviewArea::diffShown, &area, [&probe] { probe.armed = true; });
    QElapsedTimer timer;
    timer.start();
    area.setProject(dir);
    while (!probe.painted && timer.elapsed() < 60000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    const double ms = double(timer.nsecsElapsed()) / 1e6;
    // Let the background full load finish before the area goes away.
    QEventLoop loop;
    if (!area.session()->isLoaded()) {
        QObject::connect(&area, &ReviewArea::reviewReady, &loop, &QEventLoop::quit);
        QTimer::singleShot(60000, &loop, &QEventLoop::quit);
        loop.exec();
    }
    return probe.painted ? ms : -1;
}

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QTemporaryDir tmp;
    if (!tmp.isValid())
        return 1;
    constexpr int Files = 2000;
    constexpr int Rounds = 3;

    ReviewFixture large;
    QMap<QString, QByteArray> base;
    GitRepository::FileChanges changes;
    for (int i = 0; i < Files; ++i) {
        const QString path = QStringLiteral("semantic-layer/warehouse/table_%1.yaml")
                                 .arg(i, 4, 10, QLatin1Char('0'));
        base.insert(path, sourceFile(i, false));
        changes.insert(path, sourceFile(i, true));
    }
    if (!large.createProject(tmp.filePath(QStringLiteral("large")), base)
        || !large.addRun(QStringLiteral("run-large"), changes,
                         QStringLiteral("raw-sources/warehouse/sync/tables.json"))) {
        std::fprintf(stderr, "fixture: %s\n", qPrintable(large.error));
        return 1;
    }

    std::printf("Review area, a pending run touching %d files (%d rounds, interleaved)\n", Files,
                Rounds);
    std::vector<double> unified, sideBySide, eager;
    for (int round = 0; round < Rounds; ++round) {
        unified.push_back(timeToFirstPaintedDiff(large.dir, false));
        sideBySide.push_back(timeToFirstPaintedDiff(large.dir, true));
        eager.push_back(bench::timeMs([&] {
            auto review = RunReview::load(large.dir, large.runId);
            if (!review.ok() || review->files().size() != Files)
                std::fprintf(stderr, "reference load failed\n");
        }));
    }
    const bench::Figures u = bench::summarize(unified);
    const bench::Figures s = bench::summarize(sideBySide);
    const bench::Figures e = bench::summarize(eager);
    bench::print("first painted diff, unified", u);
    bench::print("first painted diff, side by side", s);
    bench::print("reference: RunReview::load (every file)", e);
    std::printf("  goal: first diff under 200 ms -> %s (median %.1f ms, %.2fx the eager load)\n",
                u.median < 200 && s.median < 200 ? "met" : "NOT met", u.median,
                u.median / e.median);

    // A 100,000-line diff: 50,000 lines, every one rewritten.
    ReviewFixture huge;
    QByteArray before, after;
    for (int i = 0; i < 50000; ++i) {
        before += "  - name: column_" + QByteArray::number(i) + "  # old comment\n";
        after += "  - name: column_" + QByteArray::number(i) + "  # new comment\n";
    }
    const QString hugePath = QStringLiteral("semantic-layer/warehouse/wide.yaml");
    GitRepository::FileChanges hugeChange;
    hugeChange.insert(hugePath, after);
    if (!huge.createProject(tmp.filePath(QStringLiteral("huge")), {{hugePath, before}})
        || !huge.addRun(QStringLiteral("run-huge"), hugeChange,
                        QStringLiteral("raw-sources/warehouse/sync/wide.json"))) {
        std::fprintf(stderr, "fixture: %s\n", qPrintable(huge.error));
        return 1;
    }
    const long rssBefore = rssKb();
    ReviewArea area;
    area.resize(1400, 900);
    area.show();
    QEventLoop loop;
    bool shown = false, loaded = false;
    QObject::connect(&area, &ReviewArea::diffShown, &loop, [&] {
        shown = true;
        if (loaded)
            loop.quit();
    });
    QObject::connect(&area, &ReviewArea::reviewReady, &loop, [&] {
        loaded = true;
        if (shown)
            loop.quit();
    });
    QTimer::singleShot(120000, &loop, &QEventLoop::quit);
    QElapsedTimer timer;
    timer.start();
    area.setProject(huge.dir);
    loop.exec();
    const double openMs = double(timer.nsecsElapsed()) / 1e6;
    for (int i = 0; i < 5; ++i)
        QCoreApplication::processEvents();
    const long rssOpen = rssKb();
    std::printf("\n100,000-line diff (%d rows on screen model), open in %.0f ms\n",
                int(area.diffView()->unifiedPane()->rows().size()), openMs);
    std::printf("  RSS before %ld KiB, with the diff open %ld KiB: +%.1f MiB "
                "(diff text itself %.1f MiB, before+after)\n",
                rssBefore, rssOpen, double(rssOpen - rssBefore) / 1024.0,
                double(before.size() + after.size()) / (1024.0 * 1024.0));
    return shown && loaded ? 0 : 1;
}
