// ktx-desktop: the GUI entry point. Parses arguments, applies the palette and
// wires the main window; everything else lives in ui/ and below.

#include "core/secretredactor.h"
#include "models/pendingrunmodel.h"
#include "status/statusmonitor.h"
#include "status/statusreport.h"
#include "ui/colorscheme.h"
#include "ui/connectionsarea.h"
#include "ui/ingestview.h"
#include "ui/mainwindow.h"
#include "ui/queryplayground.h"
#include "ui/reviewarea.h"
#include "ui/semanticbrowser.h"
#include "ui/setupwizard.h"
#include "ui/sqlconsole.h"
#include "ui/wikibrowser.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QListView>
#include <QPointer>
#include <QStatusBar>
#include <QTimer>

#include <cstdio>

namespace {

// Lets layouts settle and pending paints land before grabbing.
constexpr int ScreenshotDelayMs = 250;

void printError(const QString &message)
{
    std::fprintf(stderr, "ktx-desktop: %s\n", qPrintable(message));
}

// Grabs the widget to `path` and quits; the exit code says whether it was saved.
void scheduleScreenshot(QWidget *widget, const QString &path)
{
    QPointer<QWidget> target(widget);
    QTimer::singleShot(ScreenshotDelayMs, qApp, [target, path] {
        if (!target) {
            printError(QStringLiteral("nothing to grab for --screenshot"));
            QCoreApplication::exit(1);
            return;
        }
        QDir().mkpath(QFileInfo(path).absolutePath());
        const bool saved = target->grab().save(path);
        if (!saved)
            printError(QStringLiteral("could not write %1").arg(path));
        QCoreApplication::exit(saved ? 0 : 1);
    });
}

} // namespace

int main(int argc, char *argv[])
{
    ktx::SecretRedactor::installMessageHandler();

    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("ktx-desktop"));
    QApplication::setApplicationDisplayName(QStringLiteral("ktx"));
    QApplication::setOrganizationName(QStringLiteral("ktx"));
    QApplication::setApplicationVersion(QStringLiteral(KTX_VERSION));
    qRegisterMetaType<ktx::StatusReport>();

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QCoreApplication::translate("main", "ktx desktop: set up and check a ktx project."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption projectDirOption(
        QStringLiteral("project-dir"),
        QCoreApplication::translate("main", "Open the ktx project in <dir>."),
        QStringLiteral("dir"));
    const QCommandLineOption paletteOption(
        QStringLiteral("palette"),
        QCoreApplication::translate("main", "Colour scheme: light, dark or system (default)."),
        QStringLiteral("scheme"), QStringLiteral("system"));
    const QCommandLineOption wizardOption(
        QStringLiteral("wizard"),
        QCoreApplication::translate("main", "Open the setup wizard at start."));
    QCommandLineOption wizardPageOption(
        QStringLiteral("wizard-page"),
        QCoreApplication::translate("main", "Open the setup wizard at this step's page."),
        QStringLiteral("step"));
    wizardPageOption.setFlags(QCommandLineOption::HiddenFromHelp);
    const QCommandLineOption areaOption(
        QStringLiteral("area"),
        QCoreApplication::translate("main",
                                    "Show this area once the project is open: status, connections, "
                                    "relationships, semantic, playground, sql, wiki, ingest or "
                                    "review."),
        QStringLiteral("area"));
    const QCommandLineOption runOption(
        QStringLiteral("run"),
        QCoreApplication::translate("main",
                                    "Open this past ingest run in the Ingest area "
                                    "(with --area review: this pending run)."),
        QStringLiteral("runId"));
    // For docs and CI: once the first status report is on screen (or the wizard,
    // with --wizard), grab the window to <file> and quit.
    QCommandLineOption screenshotOption(
        QStringLiteral("screenshot"),
        QCoreApplication::translate("main", "Save a screenshot to <file> and quit."),
        QStringLiteral("file"));
    screenshotOption.setFlags(QCommandLineOption::HiddenFromHelp);
    QCommandLineOption sideBySideOption(
        QStringLiteral("side-by-side"),
        QCoreApplication::translate("main", "Show diffs in the Review area side by side."));
    sideBySideOption.setFlags(QCommandLineOption::HiddenFromHelp);
    QCommandLineOption localChangesOption(
        QStringLiteral("local-changes"),
        QCoreApplication::translate("main", "Show the uncommitted edits in the Review area."));
    localChangesOption.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOptions({projectDirOption, paletteOption, wizardOption, wizardPageOption, areaOption,
                       runOption, screenshotOption, sideBySideOption, localChangesOption});
    parser.process(app);

    const auto scheme = ktx::ColorScheme::fromName(parser.value(paletteOption));
    if (!scheme) {
        printError(QStringLiteral("--palette must be light, dark or system, not \"%1\"")
                       .arg(parser.value(paletteOption)));
        return 2;
    }
    ktx::ColorScheme::apply(*scheme);

    const QString area = parser.value(areaOption);
    const QStringList areas = {
        QStringLiteral("status"),   QStringLiteral("connections"), QStringLiteral("relationships"),
        QStringLiteral("semantic"), QStringLiteral("playground"),  QStringLiteral("sql"),
        QStringLiteral("wiki"),     QStringLiteral("ingest"),      QStringLiteral("review")};
    if (!area.isEmpty() && !areas.contains(area)) {
        printError(QStringLiteral("--area must be one of %1, not \"%2\"")
                       .arg(areas.join(QStringLiteral(", ")), area));
        return 2;
    }
    const bool wantsWritingArea = area == QLatin1String("semantic")
        || area == QLatin1String("playground") || area == QLatin1String("sql")
        || area == QLatin1String("wiki");
    const bool wantsConnections
        = area == QLatin1String("connections") || area == QLatin1String("relationships");
    const bool wantsReview = area == QLatin1String("review");
    const bool wantsIngest
        = area == QLatin1String("ingest") || (parser.isSet(runOption) && !wantsReview);

    ktx::MainWindow window;
    window.show();

    if (parser.isSet(projectDirOption)) {
        const QString dir = parser.value(projectDirOption);
        if (!window.openProject(dir)) {
            const QString message
                = QCoreApplication::translate("main", "No ktx.yaml in %1: not a ktx project.")
                      .arg(QDir::toNativeSeparators(QFileInfo(dir).absoluteFilePath()));
            printError(message);
            window.statusBar()->showMessage(message);
        }
    }

    const bool wantsWizard = parser.isSet(wizardOption) || parser.isSet(wizardPageOption);
    ktx::SetupWizard *wizard = nullptr;
    if (wantsWizard) {
        const QString step = parser.value(wizardPageOption);
        wizard = window.projectDir().isEmpty() && parser.isSet(projectDirOption)
            ? window.showNewProjectWizard(parser.value(projectDirOption), step)
            : window.showSetupWizard(step);
    }

    if (wantsConnections && !wizard) {
        // The area is listed once a status report names a connection, and its
        // first load follows; switch when that load is on screen.
        QObject::connect(
            window.connectionsArea(), &ktx::ConnectionsArea::catalogShown, &app,
            [&window, area] {
                if (window.showArea(ktx::MainWindow::DatabasesArea)
                    && area == QLatin1String("relationships"))
                    window.connectionsArea()->showDiagram();
            },
            Qt::SingleShotConnection);
    }

    // The context-writing areas load on the thread pool; show (and grab) the
    // area once its first load is on screen.
    if (wantsWritingArea && !wizard && !window.projectDir().isEmpty()) {
        const auto shown = [&window, area, &parser, &screenshotOption] {
            ktx::MainWindow::Area target = ktx::MainWindow::SemanticArea;
            if (area == QLatin1String("playground"))
                target = ktx::MainWindow::PlaygroundArea;
            else if (area == QLatin1String("sql"))
                target = ktx::MainWindow::SqlArea;
            else if (area == QLatin1String("wiki"))
                target = ktx::MainWindow::WikiArea;
            window.showArea(target);
            if (parser.isSet(screenshotOption))
                scheduleScreenshot(&window, parser.value(screenshotOption));
        };
        if (area == QLatin1String("semantic"))
            QObject::connect(window.semanticBrowser(), &ktx::SemanticBrowser::sourcesShown, &app,
                             shown, Qt::SingleShotConnection);
        else if (area == QLatin1String("playground"))
            QObject::connect(window.queryPlayground(), &ktx::QueryPlayground::fieldsShown, &app,
                             shown, Qt::SingleShotConnection);
        else if (area == QLatin1String("sql"))
            QObject::connect(window.sqlConsole(), &ktx::SqlConsole::connectionsShown, &app, shown,
                             Qt::SingleShotConnection);
        else
            QObject::connect(
                window.wikiBrowser(), &ktx::WikiBrowser::pagesShown, &app,
                [&window, shown] {
                    // The first page is what a screenshot (and a newcomer) wants to see.
                    window.wikiBrowser()->pageList()->setCurrentIndex(
                        window.wikiBrowser()->pageList()->model()->index(0, 0));
                    shown();
                },
                Qt::SingleShotConnection);
    }

    // The Ingest area reads the run store and a run's events synchronously.
    const bool showsIngest = wantsIngest && !wizard && !window.projectDir().isEmpty();
    if (showsIngest) {
        window.showArea(ktx::MainWindow::IngestArea);
        if (parser.isSet(runOption)) {
            if (auto opened = window.ingestView()->openRun(parser.value(runOption)); !opened.ok()) {
                printError(opened.error().message);
                window.statusBar()->showMessage(opened.error().message);
            }
        }
        if (parser.isSet(screenshotOption))
            scheduleScreenshot(&window, parser.value(screenshotOption));
    }

    // The Review area reads runs and diffs on the thread pool; grab once the
    // run's decisions and provenance are on screen (or the empty list is).
    const bool showsReview = wantsReview && !wizard && !window.projectDir().isEmpty();
    if (showsReview) {
        window.showArea(ktx::MainWindow::ReviewRunsArea);
        ktx::ReviewArea *review = window.reviewArea();
        review->setSideBySide(parser.isSet(sideBySideOption));
        if (parser.isSet(localChangesOption))
            review->openLocalChanges();
        else if (parser.isSet(runOption))
            review->selectRun(parser.value(runOption));
        if (parser.isSet(screenshotOption)) {
            const QString path = parser.value(screenshotOption);
            QObject::connect(
                review, &ktx::ReviewArea::reviewReady, &app,
                [&window, path] { scheduleScreenshot(&window, path); }, Qt::SingleShotConnection);
            QObject::connect(
                review, &ktx::ReviewArea::runsShown, &app,
                [&window, review, path] {
                    if (review->runModel()->rowCount() == 0)
                        scheduleScreenshot(&window, path);
                },
                Qt::SingleShotConnection);
        }
    }

    if (parser.isSet(screenshotOption) && !showsIngest && !showsReview
        && !(wantsWritingArea && !wizard && !window.projectDir().isEmpty())) {
        const QString path = parser.value(screenshotOption);
        if (wizard) {
            scheduleScreenshot(wizard, path);
        } else if (wantsConnections) {
            QObject::connect(
                window.connectionsArea(), &ktx::ConnectionsArea::catalogShown, &app,
                [&window, path] { scheduleScreenshot(&window, path); }, Qt::SingleShotConnection);
        } else if (!window.projectDir().isEmpty()) {
            QObject::connect(
                &window, &ktx::MainWindow::statusShown, &app,
                [&window, path] { scheduleScreenshot(&window, path); }, Qt::SingleShotConnection);
        } else {
            scheduleScreenshot(&window, path);
        }
    }

    return app.exec();
}
