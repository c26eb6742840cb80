// The Review area, offscreen, on a real git repository with a pending run:
// select the run and its files, review with the keyboard (A/R/J/K, Shift+A,
// Ctrl+Return), and check that the landed commit holds exactly the accepted
// hunks, the rejected one is remembered and shown on a later run proposing it
// again, an apply with undecided hunks changes nothing, and git fsck is clean.
// The same view shows uncommitted edits and any commit read-only: files and
// hunks, no decisions, no apply.
#include "models/pendingrunmodel.h"
#include "models/reviewfilemodel.h"
#include "models/reviewsession.h"
#include "models/worddiff.h"
#include "review/pendingruns.h"
#include "reviewfixture.h"
#include "ui/codeeditor.h"
#include "ui/diffpane.h"
#include "ui/diffview.h"
#include "ui/provenancepanel.h"
#include "ui/rawfileviewer.h"
#include "ui/reviewarea.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QLabel>
#include <QListView>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>
#include <QToolButton>

using namespace ktx;
using ktx::test::ReviewFixture;

namespace {

QString git(const QString &dir, const QStringList &args, int *exitCode = nullptr)
{
    QProcess p;
    p.setWorkingDirectory(dir);
    p.start(QStringLiteral("git"), args);
    p.waitForFinished(30000);
    if (exitCode)
        *exitCode = p.exitCode();
    return QString::fromUtf8(p.readAllStandardOutput() + p.readAllStandardError()).trimmed();
}

const QString OrdersPath = QStringLiteral("semantic-layer/warehouse/orders.yaml");
const QString WikiPath = QStringLiteral("wiki/global/order-lifecycle.md");
const QString RawPath = QStringLiteral("raw-sources/warehouse/sync-1/orders.json");

// 30 lines; the run edits line 3 (hunk 1) and line 26 (hunk 2), far apart.
QByteArray ordersBase()
{
    QByteArray text = "name: orders\ntable: public.orders\ndescription: Number of rows in orders.\n"
                      "grain: [order_id]\ncolumns:\n";
    for (int i = 1; i <= 20; ++i)
        text += "  - name: col_" + QByteArray::number(i) + "\n";
    text += "measures:\n  - name: order_count\n    expr: count(*)\n  - name: revenue\n"
            "    expr: sum(amount)\n";
    return text;
}

QByteArray ordersAfter()
{
    QByteArray text = ordersBase();
    text.replace("description: Number of rows in orders.\n",
                 "description: Orders placed, one row each.\n");
    text.replace("    expr: sum(amount)\n", "    expr: sum(amount_net)\n");
    return text;
}

const QByteArray WikiPage = "---\nsummary: How an order moves.\n---\n\n# Order lifecycle\n\n"
                            "Placed, **paid**, shipped, delivered.\n";

} // namespace

class TestReviewArea : public QObject
{
    Q_OBJECT

    QTemporaryDir m_tmp;
    int m_counter = 0;

    QString newProject(ReviewFixture &fixture)
    {
        const QString dir = m_tmp.filePath(QStringLiteral("p%1").arg(++m_counter));
        if (!fixture.createProject(dir,
                                   {{OrdersPath, ordersBase()}, {RawPath, "{\"rows\": 12}\n"}}))
            return {};
        GitRepository::FileChanges changes;
        changes.insert(OrdersPath, ordersAfter());
        changes.insert(WikiPath, WikiPage);
        if (!fixture.addRun(QStringLiteral("run-1"), changes, RawPath + QStringLiteral(":1-1")))
            return {};
        return dir;
    }

    // Opens the area on the project and waits for the run to be fully loaded.
    static bool openArea(ReviewArea &area, const QString &dir)
    {
        QSignalSpy ready(&area, &ReviewArea::reviewReady);
        area.setProject(dir);
        return ready.wait(20000) || ready.count() > 0;
    }

    static void key(ReviewArea &area, int key, Qt::KeyboardModifiers mods = Qt::NoModifier)
    {
        QTest::keyClick(area.fileList(), Qt::Key(key), mods);
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_tmp.isValid()); }

    void wordDiff_data()
    {
        QTest::addColumn<QString>("oldLine");
        QTest::addColumn<QString>("newLine");
        QTest::addColumn<QStringList>("oldWords");
        QTest::addColumn<QStringList>("newWords");
        QTest::newRow("one word") << "expr: sum(amount)"
                                  << "expr: sum(amount_net)" << QStringList {"amount"}
                                  << QStringList {"amount_net"};
        QTest::newRow("phrase") << "description: Number of rows in orders."
                                << "description: Orders placed, one row each."
                                << QStringList {"Number of rows in orders"}
                                << QStringList {"Orders placed, one row each"};
        QTest::newRow("same") << "a b"
                              << "a b" << QStringList {} << QStringList {};
        QTest::newRow("insert") << "a c"
                                << "a b c" << QStringList {} << QStringList {"b "};
    }

    void wordDiff()
    {
        QFETCH(QString, oldLine);
        QFETCH(QString, newLine);
        QFETCH(QStringList, oldWords);
        QFETCH(QStringList, newWords);
        const WordDiff::Result r = WordDiff::compare(oldLine, newLine);
        QStringList gotOld, gotNew;
        for (const WordDiff::Range &range : r.oldRanges)
            gotOld << oldLine.mid(range.start, range.length);
        for (const WordDiff::Range &range : r.newRanges)
            gotNew << newLine.mid(range.start, range.length);
        QCOMPARE(gotOld, oldWords);
        QCOMPARE(gotNew, newWords);
    }

    void emptyRunListSaysHowRunsGetThere()
    {
        // A project with no pending run: the list gives way to a sentence.
        ReviewFixture fixture;
        const QString dir = m_tmp.filePath(QStringLiteral("empty%1").arg(++m_counter));
        QVERIFY2(fixture.createProject(dir, {{OrdersPath, ordersBase()}}),
                 qPrintable(fixture.error));
        ReviewArea area;
        area.resize(1200, 700);
        area.show();
        QVERIFY(!area.runsEmptyLabel()->isVisible());
        QSignalSpy shown(&area, &ReviewArea::runsShown);
        area.setProject(dir);
        QVERIFY(shown.wait(20000));
        QCOMPARE(area.runModel()->rowCount(), 0);
        QVERIFY(area.runsEmptyLabel()->isVisible());
        QVERIFY(!area.runList()->isVisible());
        QVERIFY(area.runsEmptyLabel()->text().contains(QStringLiteral("No runs are waiting")));
        QVERIFY(area.runsEmptyLabel()->text().contains(QStringLiteral("review.mode")));
        QVERIFY(area.runsEmptyLabel()->text().contains(QStringLiteral("Ingest area")));

        // A run that appears later is listed (and selected) when asked for by name.
        GitRepository::FileChanges changes;
        changes.insert(OrdersPath, ordersAfter());
        QVERIFY2(fixture.addRun(QStringLiteral("run-late"), changes, RawPath),
                 qPrintable(fixture.error));
        area.selectRun(QStringLiteral("run-late"));
        QTRY_COMPARE(area.session()->runId(), QStringLiteral("run-late"));
        QVERIFY(area.runList()->isVisible());
        QVERIFY(!area.runsEmptyLabel()->isVisible());
    }

    void narrowWidthKeepsHunkBarAndPreviewReadable()
    {
        ReviewFixture fixture;
        const QString dir = newProject(fixture);
        QVERIFY2(!dir.isEmpty(), qPrintable(fixture.error));
        ReviewArea area;
        area.resize(700, 600);
        area.show();
        QVERIFY(openArea(area, dir));
        QCOMPARE(area.currentPath(), OrdersPath);
        // Hunk bars sit wholly inside the diff: buttons whole, the state
        // label elided (never cut) when the diff is narrower than the bar.
        const auto checkBar = [&area]() -> QString {
            DiffPane *pane = area.diffView()->unifiedPane();
            QWidget *bar = pane->headerWidget(0);
            if (!bar || !bar->isVisible())
                return QStringLiteral("no bar");
            const QRect viewport = pane->viewport()->rect();
            if (bar->geometry().left() < viewport.left()
                || bar->geometry().right() > viewport.right())
                return QStringLiteral("bar %1..%2 outside the viewport %3..%4")
                    .arg(bar->geometry().left())
                    .arg(bar->geometry().right())
                    .arg(viewport.left())
                    .arg(viewport.right());
            for (QWidget *child : bar->findChildren<QWidget *>()) {
                if (!child->isVisible())
                    continue;
                if (child->geometry().right() >= bar->width())
                    return child->objectName() + QStringLiteral(" runs past the bar");
                if (qobject_cast<QToolButton *>(child)
                    && child->width() < child->sizeHint().width())
                    return child->objectName() + QStringLiteral(" is squeezed");
            }
            return {};
        };
        QTRY_COMPARE(checkBar(), QString());

        // The wiki page's rendered preview takes a fair share beside its diff,
        // and the narrower diff still holds its hunk bar.
        area.fileList()->setCurrentIndex(area.fileModel()->index(1));
        QTRY_COMPARE(area.currentPath(), WikiPath);
        QTRY_VERIFY(area.preview()->isVisible());
        const int previewWidth = area.preview()->width();
        const int diffWidth = area.diffView()->width();
        QVERIFY2(
            previewWidth * 10 >= (previewWidth + diffWidth) * 4,
            qPrintable(QStringLiteral("preview %1, diff %2").arg(previewWidth).arg(diffWidth)));
        QTRY_COMPARE(checkBar(), QString());
        // KTX_REVIEW_GRAB=<png> keeps a picture of the narrow layout.
        if (const QString grab = qEnvironmentVariable("KTX_REVIEW_GRAB"); !grab.isEmpty()) {
            area.fileList()->setCurrentIndex(area.fileModel()->index(0));
            QTRY_COMPARE(area.currentPath(), OrdersPath);
            QTest::qWait(100);
            area.grab().save(grab);
            area.fileList()->setCurrentIndex(area.fileModel()->index(1));
            QTRY_VERIFY(area.preview()->isVisible());
            QTest::qWait(100);
            area.grab().save(
                QString(grab).replace(QLatin1String(".png"), QLatin1String("-wiki.png")));
        }
    }

    void showsRunFilesDiffAndProvenance()
    {
        ReviewFixture fixture;
        const QString dir = newProject(fixture);
        QVERIFY2(!dir.isEmpty(), qPrintable(fixture.error));
        ReviewArea area;
        QAbstractItemModelTester runTester(area.runModel());
        QAbstractItemModelTester fileTester(area.fileModel());
        area.resize(1400, 800);
        area.show();
        QVERIFY(openArea(area, dir));

        QCOMPARE(area.runModel()->rowCount(), 1);
        QCOMPARE(area.runModel()->index(0).data(PendingRunModel::RunIdRole).toString(),
                 QStringLiteral("run-1"));
        QTRY_COMPARE_WITH_TIMEOUT(
            area.runModel()->index(0).data(PendingRunModel::FilesRole).toInt(), 2, 10000);
        QCOMPARE(area.fileModel()->rowCount(), 2);
        const QModelIndex orders = area.fileModel()->index(0);
        QCOMPARE(orders.data(ReviewFileModel::PathRole).toString(), OrdersPath);
        QCOMPARE(orders.data(ReviewFileModel::StatusRole).toString(), QStringLiteral("modified"));
        QCOMPARE(orders.data(ReviewFileModel::AdditionsRole).toInt(), 2);
        QCOMPARE(orders.data(ReviewFileModel::DeletionsRole).toInt(), 2);
        QCOMPARE(orders.data(ReviewFileModel::HunkCountRole).toInt(), 2);
        QCOMPARE(orders.data(Qt::CheckStateRole).toInt(), int(Qt::PartiallyChecked));
        QCOMPARE(area.fileModel()->index(1).data(ReviewFileModel::StatusRole).toString(),
                 QStringLiteral("added"));

        // The first file's diff is on screen: unified rows with both line numbers
        // and word-level ranges on the modified pair.
        QCOMPARE(area.currentPath(), OrdersPath);
        QCOMPARE(area.diffView()->hunkCount(), 2);
        const QList<DiffRow> &rows = area.diffView()->unifiedPane()->rows();
        QCOMPARE(rows.first().kind, DiffRow::Kind::Header);
        const auto removed = std::find_if(rows.cbegin(), rows.cend(), [](const DiffRow &r) {
            return r.kind == DiffRow::Kind::Removed && r.oldLine == 3;
        });
        QVERIFY(removed != rows.cend());
        QVERIFY(!removed->words.isEmpty());
        const auto added = std::find_if(rows.cbegin(), rows.cend(), [](const DiffRow &r) {
            return r.kind == DiffRow::Kind::Added && r.newLine == 3;
        });
        QVERIFY(added != rows.cend());
        QVERIFY(area.diffView()->unifiedPane()->toPlainText().contains(
            QStringLiteral("description: Orders placed, one row each.")));
        QVERIFY(area.diffView()->unifiedPane()->headerWidget(0));

        // What the change means, from the review's semantic summary of the file.
        // (The fixture's columns lack types, so the summary says the source no longer parses.)
        QVERIFY(area.semanticSummary()->isVisibleTo(&area));
        QVERIFY(area.semanticSummary()->text().contains(QStringLiteral("source 'orders'")));

        // Provenance of hunk 1: unit, tool call, pretty input, cited evidence.
        ProvenancePanel *panel = area.provenancePanel();
        QVERIFY(panel->unitLabel()->text().contains(QStringLiteral("unit:orders")));
        QVERIFY(panel->inputView()->toPlainText().contains(QStringLiteral("\"path\": ")));
        QVERIFY(panel->outputView()->toPlainText().contains(QStringLiteral("ok: ")));
        QCOMPARE(panel->evidenceList()->count(), 1);
        QCOMPARE(panel->evidenceList()->item(0)->data(Qt::UserRole).toString(), RawPath);
        QCOMPARE(panel->evidenceList()->item(0)->data(Qt::UserRole + 1).toInt(), 1);

        // Activating the evidence opens the raw file from the run's branch.
        Q_EMIT panel->evidenceList()->itemActivated(panel->evidenceList()->item(0));
        QTRY_VERIFY_WITH_TIMEOUT(area.rawViewer() && area.rawViewer()->isVisible(), 10000);
        QVERIFY(area.rawViewer()->editor()->toPlainText().contains(QStringLiteral("\"rows\"")));
        QCOMPARE(area.rawViewer()->editor()->textCursor().blockNumber(), 0);
        area.rawViewer()->close();

        // Side by side: same hunks, old and new panes aligned row for row.
        area.setSideBySide(true);
        QCOMPARE(area.diffView()->oldPane()->rows().size(),
                 area.diffView()->newPane()->rows().size());
        QVERIFY(
            area.diffView()->newPane()->toPlainText().contains(QStringLiteral("sum(amount_net)")));
        QVERIFY(
            !area.diffView()->oldPane()->toPlainText().contains(QStringLiteral("sum(amount_net)")));
        area.setSideBySide(false);

        // The wiki page gets a rendered preview.
        QSignalSpy shown(&area, &ReviewArea::diffShown);
        area.fileList()->setCurrentIndex(area.fileModel()->index(1));
        QTRY_COMPARE_WITH_TIMEOUT(area.currentPath(), WikiPath, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(area.preview()->isVisible(), 10000);
        QVERIFY(area.preview()->toPlainText().contains(QStringLiteral("Order lifecycle")));
        QVERIFY(!area.preview()->toPlainText().contains(QStringLiteral("summary:")));
    }

    void keyboardReviewLandsExactlyTheAcceptedHunks()
    {
        ReviewFixture fixture;
        const QString dir = newProject(fixture);
        QVERIFY2(!dir.isEmpty(), qPrintable(fixture.error));
        ReviewArea area;
        area.resize(1400, 800);
        area.show();
        QApplication::setActiveWindow(&area);
        QVERIFY(QTest::qWaitForWindowActive(&area));
        QVERIFY(openArea(area, dir));
        area.fileList()->setFocus();
        QCOMPARE(area.diffView()->currentHunk(), 0);

        // J and K move between hunks; at the end of a file J goes on to the next file.
        key(area, Qt::Key_J);
        QCOMPARE(area.diffView()->currentHunk(), 1);
        key(area, Qt::Key_K);
        QCOMPARE(area.diffView()->currentHunk(), 0);
        key(area, Qt::Key_Down, Qt::AltModifier);
        QCOMPARE(area.diffView()->currentHunk(), 1);
        key(area, Qt::Key_Up, Qt::AltModifier);
        QCOMPARE(area.diffView()->currentHunk(), 0);

        // A accepts hunk 1 and moves on; R rejects hunk 2 and moves to the next file.
        key(area, Qt::Key_A);
        QCOMPARE(area.diffView()->currentHunk(), 1);
        key(area, Qt::Key_R);
        QTRY_COMPARE_WITH_TIMEOUT(area.currentPath(), WikiPath, 10000);
        QCOMPARE(area.fileModel()->index(0).data(ReviewFileModel::DecisionRole).toString(),
                 QStringLiteral("partial"));
        QCOMPARE(area.fileModel()->index(0).data(Qt::CheckStateRole).toInt(),
                 int(Qt::PartiallyChecked));

        // Applying with the wiki page undecided refuses and keeps everything.
        QSignalSpy applied(&area, &ReviewArea::applied);
        key(area, Qt::Key_Return, Qt::ControlModifier);
        QVERIFY(applied.wait(20000));
        QCOMPARE(applied.last().at(0).toBool(), false);
        QVERIFY(area.banner()->isVisible());
        QVERIFY(area.banner()->text().contains(WikiPath));
        QCOMPARE(PendingRuns::list(dir)->size(), 1);

        // Shift+A accepts the whole file; Ctrl+Return lands.
        key(area, Qt::Key_A, Qt::ShiftModifier);
        QCOMPARE(area.fileModel()->index(1).data(Qt::CheckStateRole).toInt(), int(Qt::Checked));
        key(area, Qt::Key_Return, Qt::ControlModifier);
        QVERIFY(applied.wait(20000));
        QVERIFY2(applied.last().at(0).toBool(), qPrintable(area.banner()->text()));
        QVERIFY(area.banner()->text().contains(OrdersPath + QStringLiteral(":2")));

        // The commit holds hunk 1 of orders.yaml and the wiki page, not hunk 2.
        QByteArray expected = ordersBase();
        expected.replace("description: Number of rows in orders.\n",
                         "description: Orders placed, one row each.\n");
        QCOMPARE(git(dir, {QStringLiteral("show"), QStringLiteral("HEAD:") + OrdersPath}).toUtf8()
                     + '\n',
                 expected);
        QCOMPARE(git(dir, {QStringLiteral("show"), QStringLiteral("HEAD:") + WikiPath}).toUtf8()
                     + '\n',
                 WikiPage);
        QCOMPARE(git(dir,
                     {QStringLiteral("diff"), QStringLiteral("--name-only"),
                      QStringLiteral("HEAD~1"), QStringLiteral("HEAD")})
                     .split(QLatin1Char('\n')),
                 QStringList({OrdersPath, WikiPath}));
        int fsck = -1;
        const QString fsckOut
            = git(dir, {QStringLiteral("fsck"), QStringLiteral("--strict")}, &fsck);
        QVERIFY2(fsck == 0, qPrintable(fsckOut));
        QCOMPARE(git(dir, {QStringLiteral("status"), QStringLiteral("--porcelain")}), QString());
        QVERIFY(
            git(dir,
                {QStringLiteral("branch"), QStringLiteral("--list"), QStringLiteral("ktx/runs/*")})
                .isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(area.runModel()->rowCount(), 0, 10000);

        // A later run proposing the refused change again is marked as such.
        GitRepository::FileChanges again;
        again.insert(OrdersPath, ordersAfter());
        QVERIFY2(fixture.addRun(QStringLiteral("run-2"), again, RawPath),
                 qPrintable(fixture.error));
        QSignalSpy ready(&area, &ReviewArea::reviewReady);
        area.refresh();
        QVERIFY(ready.wait(20000));
        QCOMPARE(area.fileModel()->rowCount(), 1);
        QVERIFY(area.fileModel()->index(0).data(ReviewFileModel::PreviouslyRejectedRole).toBool());
        // The full load can beat the quick listing; the diff then follows it.
        QTRY_COMPARE_WITH_TIMEOUT(area.diffView()->hunkCount(), 1, 10000);
        QVERIFY(area.provenancePanel()->rejectionLabel()->isVisibleTo(area.provenancePanel()));
        QVERIFY(area.provenancePanel()->rejectionLabel()->text().contains(QStringLiteral("run-1")));
        git(dir, {QStringLiteral("fsck"), QStringLiteral("--strict")}, &fsck);
        QCOMPARE(fsck, 0);
    }

    void decisionsSurviveReopening()
    {
        ReviewFixture fixture;
        const QString dir = newProject(fixture);
        QVERIFY2(!dir.isEmpty(), qPrintable(fixture.error));
        {
            ReviewArea area;
            area.show();
            QVERIFY(openArea(area, dir));
            // Unchecking a file row rejects the file.
            QSignalSpy changed(area.session(), &ReviewSession::decisionsChanged);
            QVERIFY(area.fileModel()->setData(area.fileModel()->index(1), Qt::Unchecked,
                                              Qt::CheckStateRole));
            QTRY_VERIFY_WITH_TIMEOUT(changed.count() >= 2, 10000); // shown, then stored
            QCOMPARE(area.fileModel()->index(1).data(Qt::CheckStateRole).toInt(),
                     int(Qt::Unchecked));
        }
        ReviewArea reopened;
        reopened.show();
        QVERIFY(openArea(reopened, dir));
        QCOMPARE(reopened.fileModel()->index(1).data(ReviewFileModel::DecisionRole).toString(),
                 QStringLiteral("rejected"));
        QCOMPARE(reopened.fileModel()->index(0).data(ReviewFileModel::DecisionRole).toString(),
                 QStringLiteral("undecided"));
    }

    // Nothing of a read-only view can be decided or applied: the keys, the
    // check boxes and the session's own entry points all leave it alone.
    static void verifyUndecidable(ReviewArea &area)
    {
        QVERIFY(area.session()->isReadOnly());
        QVERIFY(area.diffView()->isReadOnly());
        // The hunk bars on screen offer no Accept/Reject buttons.
        int bars = 0;
        for (QWidget *bar : area.diffView()->findChildren<QWidget *>(QStringLiteral("hunkBar"))) {
            if (!bar->isVisibleTo(area.diffView()))
                continue;
            ++bars;
            for (QToolButton *button : bar->findChildren<QToolButton *>())
                QVERIFY(!button->isEnabled() && !button->isVisibleTo(bar));
        }
        QVERIFY(bars > 0);
        for (const char *name :
             {"acceptHunk", "rejectHunk", "acceptFile", "rejectFile", "applyReview"}) {
            auto *action = area.findChild<QAction *>(QLatin1String(name));
            QVERIFY(action);
            QVERIFY2(!action->isEnabled(), name);
        }
        QSignalSpy changed(area.session(), &ReviewSession::decisionsChanged);
        QSignalSpy applied(area.session(), &ReviewSession::applyFinished);
        area.fileList()->setFocus();
        key(area, Qt::Key_A);
        key(area, Qt::Key_R);
        key(area, Qt::Key_A, Qt::ShiftModifier);
        key(area, Qt::Key_Return, Qt::ControlModifier);
        area.acceptHunk();
        area.rejectFile();
        area.apply();
        area.session()->decide(area.currentPath(), 0, true);
        area.session()->apply();
        const QModelIndex first = area.fileModel()->index(0);
        QVERIFY(!(area.fileModel()->flags(first) & Qt::ItemIsUserCheckable));
        QVERIFY(!first.data(Qt::CheckStateRole).isValid());
        QVERIFY(!area.fileModel()->setData(first, Qt::Checked, Qt::CheckStateRole));
        QTest::qWait(200); // anything queued would have run by now
        QCOMPARE(changed.count(), 0);
        QCOMPARE(applied.count(), 0);
        for (const ReviewFile &file : area.session()->files()) {
            QVERIFY(!file.accepted);
            for (const ReviewHunk &h : file.hunks)
                QVERIFY(!h.accepted);
        }
    }

    void localChangesAreShownReadOnly()
    {
        ReviewFixture fixture;
        const QString dir = newProject(fixture);
        QVERIFY2(!dir.isEmpty(), qPrintable(fixture.error));
        ReviewArea area;
        area.show();
        QVERIFY(openArea(area, dir));
        QCOMPARE(area.changesList()->count(), 1);
        QCOMPARE(area.changesList()->item(0)->text(), QStringLiteral("Local changes"));

        // A hand edit of a semantic-layer file and a new, untracked one.
        QByteArray edited = ordersBase();
        edited.replace("grain: [order_id]\n", "grain: [order_id, line_id]\n");
        QVERIFY(ReviewFixture::writeFile(dir + QLatin1Char('/') + OrdersPath, edited));
        const QString added = QStringLiteral("semantic-layer/warehouse/customers.yaml");
        QVERIFY(ReviewFixture::writeFile(dir + QLatin1Char('/') + added,
                                         "name: customers\ntable: public.customers\n"));

        QSignalSpy ready(&area, &ReviewArea::reviewReady);
        area.openLocalChanges();
        QVERIFY(ready.wait(20000));
        QCOMPARE(area.session()->source(), ReviewSession::Source::WorkTree);
        QVERIFY(!area.runList()->currentIndex().isValid());
        QCOMPARE(area.fileModel()->rowCount(), 2);
        QStringList paths;
        for (int i = 0; i < 2; ++i)
            paths << area.fileModel()->index(i).data(ReviewFileModel::PathRole).toString();
        QCOMPARE(paths, QStringList({added, OrdersPath}));
        QCOMPARE(area.fileModel()->index(0).data(ReviewFileModel::StatusRole).toString(),
                 QStringLiteral("added"));
        QCOMPARE(area.fileModel()->index(1).data(ReviewFileModel::StatusRole).toString(),
                 QStringLiteral("modified"));

        area.fileList()->setCurrentIndex(area.fileModel()->index(1));
        QTRY_COMPARE_WITH_TIMEOUT(area.currentPath(), OrdersPath, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(area.diffView()->hunkCount(), 1, 10000);
        const ReviewFile &file = area.session()->files().at(1);
        QCOMPARE(file.hunks.size(), 1);
        QVERIFY(file.hunks.at(0).hunk.changeText().contains("line_id"));
        QCOMPARE(file.diff.additions(), 1);
        QCOMPARE(file.diff.deletions(), 1);
        QVERIFY(
            area.provenancePanel()->unitLabel()->text().contains(QStringLiteral("no provenance")));
        QVERIFY(area.provenancePanel()->evidenceList()->count() == 0);
        verifyUndecidable(area);
        // Nothing was written: the edit is still only in the work tree (the
        // helper trims the leading blank of " M").
        QCOMPARE(git(dir, {QStringLiteral("status"), QStringLiteral("--porcelain")}),
                 QStringLiteral("M %1\n?? %2").arg(OrdersPath, added));

        // Back to the run: it opens again, decidable.
        QSignalSpy runReady(&area, &ReviewArea::reviewReady);
        area.runList()->setCurrentIndex(area.runModel()->index(0));
        QVERIFY(runReady.wait(20000));
        QCOMPARE(area.session()->source(), ReviewSession::Source::Run);
        QVERIFY(area.changesList()->selectedItems().isEmpty());
        QCOMPARE(area.fileModel()->rowCount(), 2);
        QTRY_VERIFY_WITH_TIMEOUT(
            area.findChild<QAction *>(QStringLiteral("applyReview"))->isEnabled(), 10000);
    }

    void openCommitShowsItsFilesReadOnly()
    {
        ReviewFixture fixture;
        const QString dir = newProject(fixture);
        QVERIFY2(!dir.isEmpty(), qPrintable(fixture.error));
        ReviewArea area;
        area.show();
        QVERIFY(openArea(area, dir));
        auto *action = area.findChild<QAction *>(QStringLiteral("openCommit"));
        QVERIFY(action);
        QVERIFY(area.reviewActions().contains(action));
        QCOMPARE(action->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
        QVERIFY(action->isEnabled());

        QSignalSpy ready(&area, &ReviewArea::reviewReady);
        area.openCommit(QStringLiteral("HEAD"));
        QVERIFY(ready.wait(20000));
        QCOMPARE(area.session()->source(), ReviewSession::Source::Commit);
        QCOMPARE(area.changesList()->currentRow(), 1);
        QVERIFY(area.changesList()->item(1)->text().contains(fixture.baseCommit.left(12)));
        QStringList expected = git(dir,
                                   {QStringLiteral("show"), QStringLiteral("--name-only"),
                                    QStringLiteral("--format="), QStringLiteral("HEAD")})
                                   .split(QLatin1Char('\n'));
        expected.sort();
        QStringList paths;
        for (int i = 0; i < area.fileModel()->rowCount(); ++i) {
            paths << area.fileModel()->index(i).data(ReviewFileModel::PathRole).toString();
            QCOMPARE(area.fileModel()->index(i).data(ReviewFileModel::StatusRole).toString(),
                     QStringLiteral("added"));
        }
        paths.sort();
        QCOMPARE(paths, expected);
        QVERIFY(paths.contains(OrdersPath));
        QTRY_VERIFY_WITH_TIMEOUT(area.diffView()->hunkCount() > 0, 10000);
        QVERIFY(
            area.provenancePanel()->unitLabel()->text().contains(QStringLiteral("no provenance")));
        verifyUndecidable(area);
        QCOMPARE(git(dir, {QStringLiteral("rev-parse"), QStringLiteral("HEAD")}),
                 fixture.baseCommit);

        // An unknown ref: the runtime's message in the banner, no files.
        QSignalSpy failed(area.session(), &ReviewSession::openFailed);
        area.openCommit(QStringLiteral("no-such-ref"));
        QVERIFY(failed.wait(20000));
        QVERIFY(area.banner()->isVisible());
        QCOMPARE(area.banner()->text(), failed.first().first().toString());
        QVERIFY(!area.banner()->text().isEmpty());
        QCOMPARE(area.fileModel()->rowCount(), 0);
        QVERIFY(!area.findChild<QAction *>(QStringLiteral("applyReview"))->isEnabled());
    }
};

QTEST_MAIN(TestReviewArea)
#include "tst_reviewarea.moc"
