#include "models/configissuemodel.h"
#include "models/recentprojectsmodel.h"
#include "models/statusmodel.h"
#include "project/projectscaffold.h"
#include "status/statusmonitor.h"
#include "status/statusreport.h"
#include "ui/cardlist.h"
#include "ui/colorscheme.h"
#include "ui/configviewer.h"
#include "ui/connectionrow.h"
#include "ui/mainwindow.h"
#include "ui/projectlocationpage.h"
#include "ui/readinessrow.h"
#include "ui/statusdashboard.h"
#include "ui/verdictbanner.h"
#include "ui/welcomepage.h"

#include <QApplication>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QListView>
#include <QSet>
#include <QSettings>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBlock>
#include <QTextLayout>

using namespace ktx;

namespace {

constexpr int ReportTimeoutMs = 15000;

const QStringList readinessLabels = {
    QStringLiteral("ktx project"),
    QStringLiteral("Project ready"),
    QStringLiteral("LLM ready"),
    QStringLiteral("Embeddings ready"),
    QStringLiteral("Databases configured"),
    QStringLiteral("Context sources configured"),
    QStringLiteral("ktx context built"),
    QStringLiteral("Agent integration ready"),
};

// Labels the user can see on the dashboard right now.
QSet<QString> visibleLabelTexts(QWidget *root)
{
    QSet<QString> texts;
    const auto labels = root->findChildren<QLabel *>();
    for (QLabel *label : labels) {
        if (label->isVisibleTo(root->window()))
            texts.insert(label->text());
    }
    return texts;
}

ReadinessRow *rowForId(StatusDashboard *dashboard, const QString &id)
{
    CardList *list = dashboard->readinessList();
    for (int i = 0; i < list->count(); ++i) {
        auto *row = static_cast<ReadinessRow *>(list->rowAt(i));
        if (row->lineId() == id)
            return row;
    }
    return nullptr;
}

bool writeFile(const QString &path, const QByteArray &content)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    return file.write(content) == content.size();
}

} // namespace

class TestDashboard : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void welcomePageWithoutProject();
    void showsEveryReadinessLineAndTheVerdict();
    void followsKtxYamlEditsOnDisk();
    void issueSelectsItsLineInTheViewer();
    void recentProjectOpensWithEnter();
    void opensTheDemoProject();
    void highlightingFollowsPaletteChanges();

private:
    QString createProject(const QString &name);

    QTemporaryDir m_root;
};

void TestDashboard::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("ktx-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_dashboard"));
    qRegisterMetaType<StatusReport>();
    QVERIFY(m_root.isValid());
}

void TestDashboard::init()
{
    QSettings().clear();
}

QString TestDashboard::createProject(const QString &name)
{
    const QString dir = m_root.filePath(name);
    const Result<void> created = ProjectScaffold::create(dir, {});
    if (!created.ok())
        qWarning("%s", qPrintable(created.error().toText()));
    return created.ok() ? dir : QString();
}

void TestDashboard::welcomePageWithoutProject()
{
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    auto *central = qobject_cast<QStackedWidget *>(window.centralWidget());
    QVERIFY(central);
    QCOMPARE(central->currentWidget(), window.welcomePage());
    QCOMPARE(window.windowTitle(), QStringLiteral("ktx"));

    const QString notAProject = m_root.filePath(QStringLiteral("plain-folder"));
    QVERIFY(QDir().mkpath(notAProject));
    QVERIFY(!window.openProject(notAProject));
    QCOMPARE(central->currentWidget(), window.welcomePage());
    QVERIFY(window.projectDir().isEmpty());
}

void TestDashboard::showsEveryReadinessLineAndTheVerdict()
{
    const QString dir = createProject(QStringLiteral("analytics"));
    QVERIFY(!dir.isEmpty());

    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.openProject(dir));
    StatusDashboard *dashboard = window.statusDashboard();
    QTRY_VERIFY_WITH_TIMEOUT(dashboard->statusModel()->hasReport(), ReportTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(!window.statusMonitor()->isBusy(), ReportTimeoutMs);

    QCOMPARE(window.windowTitle(), QStringLiteral("analytics — ktx"));
    QCOMPARE(window.recentProjects()->pathAt(0), QDir::cleanPath(dir));

    const QSet<QString> texts = visibleLabelTexts(dashboard);
    for (const QString &label : readinessLabels)
        QVERIFY2(texts.contains(label), qPrintable(QStringLiteral("missing line: ") + label));
    QCOMPARE(dashboard->readinessList()->count(), dashboard->statusModel()->rowCount());

    // The banner says what the model's verdict is, in words.
    const QString verdict = dashboard->statusModel()->verdictName();
    QVERIFY(!verdict.isEmpty());
    const QString title = dashboard->verdictBanner()->title();
    if (verdict == QLatin1String("ready"))
        QCOMPARE(title, QStringLiteral("Ready for agents"));
    else if (verdict == QLatin1String("partial"))
        QCOMPARE(title, QStringLiteral("Partially ready"));
    else
        QCOMPARE(title, QStringLiteral("Blocked"));
    QVERIFY(texts.contains(title));
    const QString reason = dashboard->verdictBanner()->reason();
    QVERIFY(!reason.isEmpty() || verdict == QLatin1String("ready"));
    QVERIFY(texts.contains(reason));
    QVERIFY(dashboard->statusModel()->verdictReason().endsWith(reason.mid(1)));

    // The configuration shown is the file on disk, as the report read it.
    QFile config(dir + QStringLiteral("/ktx.yaml"));
    QVERIFY(config.open(QIODevice::ReadOnly));
    QCOMPARE(dashboard->configViewer()->toPlainText(), QString::fromUtf8(config.readAll()));

    // The project line offers the one wizard page that exists.
    ReadinessRow *project = rowForId(dashboard, QStringLiteral("project_dir"));
    QVERIFY(project);
    QCOMPARE(project->labelText(), QStringLiteral("ktx project"));
}

void TestDashboard::followsKtxYamlEditsOnDisk()
{
    const QString dir = createProject(QStringLiteral("live"));
    QVERIFY(!dir.isEmpty());
    MainWindow window;
    window.show();
    QVERIFY(window.openProject(dir));
    StatusDashboard *dashboard = window.statusDashboard();
    QTRY_VERIFY_WITH_TIMEOUT(dashboard->statusModel()->hasReport(), ReportTimeoutMs);
    ReadinessRow *databases = rowForId(dashboard, QStringLiteral("databases"));
    QVERIFY(databases);
    QVERIFY(!databases->valueText().contains(QStringLiteral("warehouse")));
    QCOMPARE(dashboard->connectionList()->count(), 0);

    QSignalSpy reset(dashboard->statusModel(), &QAbstractItemModel::modelReset);
    const QByteArray config = "connections:\n"
                              "  warehouse:\n"
                              "    driver: sqlite\n"
                              "    path: warehouse.db\n"
                              "llm:\n"
                              "  provider:\n"
                              "    backend: none\n";
    QVERIFY(writeFile(dir + QStringLiteral("/ktx.yaml"), config));

    // No refresh, no click: the monitor notices the edit and the dashboard follows.
    QTRY_VERIFY_WITH_TIMEOUT(databases->valueText().contains(QStringLiteral("warehouse")),
                             ReportTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(dashboard->configViewer()->toPlainText(), QString::fromUtf8(config),
                              ReportTimeoutMs);
    QCOMPARE(dashboard->connectionList()->count(), 1);
    QCOMPARE(static_cast<ConnectionRow *>(dashboard->connectionList()->rowAt(0))->name(),
             QStringLiteral("warehouse"));
    // The same row widget was updated in place.
    QCOMPARE(rowForId(dashboard, QStringLiteral("databases")), databases);
    QCOMPARE(reset.size(), 0);
}

void TestDashboard::issueSelectsItsLineInTheViewer()
{
    const QString dir = createProject(QStringLiteral("broken"));
    QVERIFY(!dir.isEmpty());
    QVERIFY(writeFile(dir + QStringLiteral("/ktx.yaml"),
                      "connections: {}\n"
                      "llm:\n"
                      "  provider:\n"
                      "    backend: nope\n"));

    MainWindow window;
    window.show();
    QVERIFY(window.openProject(dir));
    StatusDashboard *dashboard = window.statusDashboard();
    QTRY_VERIFY_WITH_TIMEOUT(dashboard->statusModel()->hasReport(), ReportTimeoutMs);

    ConfigIssueModel *issues = dashboard->issueModel();
    int row = -1;
    for (int i = 0; i < issues->rowCount(); ++i) {
        if (issues->index(i).data(ConfigIssueModel::LineRole).toInt() > 0)
            row = i;
    }
    QVERIFY2(row >= 0, "expected a config issue with a line number");
    const int line = issues->index(row).data(ConfigIssueModel::LineRole).toInt();
    QVERIFY(dashboard->issueView()->isVisibleTo(&window));

    QListView *view = dashboard->issueView();
    const QRect rect = view->visualRect(issues->index(row));
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, rect.center());
    QCOMPARE(dashboard->configViewer()->textCursor().blockNumber() + 1, line);
    QVERIFY(dashboard->configViewer()->textCursor().hasSelection());
}

void TestDashboard::recentProjectOpensWithEnter()
{
    const QString dir = createProject(QStringLiteral("recent"));
    QVERIFY(!dir.isEmpty());
    {
        MainWindow first;
        QVERIFY(first.openProject(dir));
    }
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QListView *recent = window.welcomePage()->recentView();
    QVERIFY(recent->isVisibleTo(&window));
    QCOMPARE(recent->model()->rowCount(), 1);
    recent->setFocus();
    recent->setCurrentIndex(recent->model()->index(0, 0));
    QTest::keyClick(recent, Qt::Key_Return);
    QCOMPARE(window.projectDir(), QDir::cleanPath(dir));
    QTRY_VERIFY_WITH_TIMEOUT(window.statusDashboard()->statusModel()->hasReport(), ReportTimeoutMs);
}

void TestDashboard::opensTheDemoProject()
{
    // Start from scratch so the first open really creates it.
    QDir(ProjectLocationPage::defaultDemoDir()).removeRecursively();
    MainWindow window;
    window.show();
    QSignalSpy opened(&window, &MainWindow::projectOpened);
    window.openDemoProject(); // created off the GUI thread on first use
    QTRY_COMPARE_WITH_TIMEOUT(opened.size(), 1, ReportTimeoutMs);
    const QString dir = window.projectDir();
    QVERIFY(QFile::exists(dir + QStringLiteral("/ktx.yaml")));
    QTRY_VERIFY_WITH_TIMEOUT(window.statusDashboard()->statusModel()->hasReport(), ReportTimeoutMs);
    QVERIFY(window.statusDashboard()->connectionList()->count() > 0);

    // A second time it just opens.
    window.closeProject();
    QVERIFY(window.projectDir().isEmpty());
    window.openDemoProject();
    QCOMPARE(window.projectDir(), dir);
    QCOMPARE(opened.size(), 2);
}

void TestDashboard::highlightingFollowsPaletteChanges()
{
    const QString dir = createProject(QStringLiteral("palettes"));
    QVERIFY(!dir.isEmpty());
    QApplication::setPalette(ColorScheme::lightPalette());
    MainWindow window;
    window.show();
    QVERIFY(window.openProject(dir));
    ConfigViewer *viewer = window.statusDashboard()->configViewer();
    QTRY_VERIFY_WITH_TIMEOUT(!viewer->toPlainText().isEmpty(), ReportTimeoutMs);

    // The colour of the first highlighted range of the first non-empty block.
    const auto firstColour = [viewer]() -> QColor {
        for (QTextBlock block = viewer->document()->firstBlock(); block.isValid();
             block = block.next()) {
            const auto formats = block.layout()->formats();
            for (const QTextLayout::FormatRange &range : formats) {
                if (range.format.hasProperty(QTextFormat::ForegroundBrush))
                    return range.format.foreground().color();
            }
        }
        return {};
    };
    QTRY_VERIFY(firstColour().isValid());
    const QColor light = firstColour();

    QApplication::setPalette(ColorScheme::darkPalette());
    QTRY_VERIFY(firstColour().isValid() && firstColour() != light);
    QVERIFY(ColorScheme::isDark(viewer->palette()));
    QApplication::setPalette(ColorScheme::lightPalette());
    QTRY_COMPARE(firstColour(), light);
}

QTEST_MAIN(TestDashboard)
#include "tst_dashboard.moc"
