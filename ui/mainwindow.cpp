#include "mainwindow.h"

#include "connectionsarea.h"
#include "elidedlabel.h"
#include "ingestview.h"
#include "models/recentprojectsmodel.h"
#include "models/statusmodel.h"
#include "project/projectfolderstate.h"
#include "projectcreationtask.h"
#include "projectlocationpage.h"
#include "queryplayground.h"
#include "reviewarea.h"
#include "semanticbrowser.h"
#include "setupwizard.h"
#include "sourceeditor.h"
#include "sqlconsole.h"
#include "stateicon.h"
#include "status/statusmonitor.h"
#include "status/statusreport.h"
#include "statusdashboard.h"
#include "welcomepage.h"
#include "wikibrowser.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDesktopServices>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QItemSelectionModel>
#include <QLabel>
#include <QListView>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QStackedWidget>
#include <QStandardItemModel>
#include <QStatusBar>
#include <QUrl>

namespace ktx {

namespace {

const QString geometryKey = QStringLiteral("mainWindow/geometry");

ReadinessState verdictTone(const StatusModel *model)
{
    return model->hasReport() ? verdictState(model->verdict()) : ReadinessState::Skipped;
}

} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
    , m_monitor(new StatusMonitor(this))
    , m_recent(new RecentProjectsModel(this))
    , m_demoTask(new ProjectCreationTask(this))
{
    setObjectName(QStringLiteral("mainWindow"));
    m_recent->prune();

    m_welcome = new WelcomePage(m_recent);
    connect(m_welcome, &WelcomePage::newProjectRequested, this, [this] { showNewProjectWizard(); });
    connect(m_welcome, &WelcomePage::openProjectRequested, this, &MainWindow::chooseProject);
    connect(m_welcome, &WelcomePage::openDemoRequested, this, &MainWindow::openDemoProject);
    connect(m_welcome, &WelcomePage::recentProjectRequested, this, &MainWindow::openRecent);

    m_dashboard = new StatusDashboard(m_monitor);
    m_dashboard->setAvailableSetupSteps(SetupWizard::availableSteps());
    connect(m_dashboard, &StatusDashboard::setupRequested, this,
            [this](const QString &step) { showSetupWizard(step); });
    connect(m_dashboard, &StatusDashboard::reportShown, this, [this] {
        updateTitle();
        Q_EMIT statusShown();
    });
    connect(m_dashboard->statusModel(), &StatusModel::verdictChanged, this,
            &MainWindow::updateNavigationIcons);
    connect(m_dashboard->statusModel(), &StatusModel::projectNameChanged, this,
            &MainWindow::updateTitle);

    // Navigation lists the areas that exist; each has a page in m_areaStack at
    // the same row.
    m_areas = new QStandardItemModel(this);
    auto *statusItem = new QStandardItem(tr("Status"));
    statusItem->setEditable(false);
    statusItem->setToolTip(tr("Readiness, connections and ktx.yaml (Ctrl+1)"));
    m_areas->appendRow(statusItem);
    auto *connectionsItem = new QStandardItem(tr("Connections"));
    connectionsItem->setEditable(false);
    connectionsItem->setToolTip(tr("Tables, column profiles and relationships (Ctrl+2)"));
    m_areas->appendRow(connectionsItem);
    m_connections = new ConnectionsArea;
    m_areaStack = new QStackedWidget;
    m_areaStack->addWidget(m_dashboard);
    m_areaStack->addWidget(m_connections);
    // Context-writing areas, in Area order after Connections.
    m_semantic = new SemanticBrowser;
    m_playground = new QueryPlayground;
    m_sqlConsole = new SqlConsole;
    m_wiki = new WikiBrowser;
    m_ingest = new IngestView;
    m_review = new ReviewArea;
    const struct
    {
        QString name;
        QString tip;
        QWidget *page;
    } writingAreas[] = {
        {tr("Semantic layer"), tr("Sources, measures and joins, with the YAML editor (Ctrl+3)"),
         m_semantic},
        {tr("Query playground"), tr("Compile and run semantic queries (Ctrl+4)"), m_playground},
        {tr("SQL console"), tr("Read-only SQL on a connection (Ctrl+5)"), m_sqlConsole},
        {tr("Wiki"), tr("Search, read and edit the wiki pages (Ctrl+6)"), m_wiki},
        {tr("Ingest"), tr("Run the agents over a connection live; browse past runs (Ctrl+7)"),
         m_ingest},
        {tr("Review"),
         tr("Accept or reject the changes of pending ingest runs; read local edits and any commit "
            "(Ctrl+8)"),
         m_review},
    };
    for (const auto &area : writingAreas) {
        auto *item = new QStandardItem(area.name);
        item->setEditable(false);
        item->setToolTip(area.tip);
        m_areas->appendRow(item);
        m_areaStack->addWidget(area.page);
    }
    connect(m_monitor, &StatusMonitor::reportReady, this, &MainWindow::updateConnectionsArea);
    // The run report's links open what a run produced in the area that shows it.
    connect(m_ingest, &IngestView::reviewRequested, this, [this](const QString &runId) {
        if (!showArea(ReviewRunsArea))
            return;
        m_review->selectRun(runId);
        m_review->setFocus();
    });
    connect(m_ingest, &IngestView::semanticSourceRequested, this,
            [this](const QString &connectionId, const QString &sourceName) {
                if (!showArea(SemanticArea) || m_semantic->selectSource(connectionId, sourceName))
                    return;
                // Written after the tree was read: read it again, then select.
                connect(
                    m_semantic, &SemanticBrowser::sourcesShown, this,
                    [this, connectionId, sourceName] {
                        m_semantic->selectSource(connectionId, sourceName);
                    },
                    Qt::SingleShotConnection);
                m_semantic->reload();
            });
    connect(m_ingest, &IngestView::wikiPageRequested, this, [this](const QString &key) {
        if (showArea(WikiArea))
            m_wiki->followLink(QUrl(QLatin1String(WikiBrowser::LinkScheme) + QLatin1Char(':')
                                    + QString::fromLatin1(QUrl::toPercentEncoding(key))));
    });

    m_navigation = new QListView;
    m_navigation->setObjectName(QStringLiteral("navigation"));
    m_navigation->setAccessibleName(tr("Areas"));
    m_navigation->setModel(m_areas);
    m_navigation->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_navigation->setFrameShape(QFrame::NoFrame);
    m_navigation->setIconSize(QSize(16, 16));
    m_navigation->setSpacing(2);
    m_navigation->setFixedWidth(168);
    m_navigation->setBackgroundRole(QPalette::Window);
    m_navigation->viewport()->setBackgroundRole(QPalette::Window);
    m_navigation->setCurrentIndex(m_areas->index(StatusArea, 0));
    m_navigation->setRowHidden(DatabasesArea, true);
    connect(m_navigation->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex &current) {
                if (current.isValid())
                    m_areaStack->setCurrentIndex(current.row());
            });
    auto *separator = new QFrame;
    separator->setFrameShape(QFrame::VLine);
    separator->setFrameShadow(QFrame::Plain);
    separator->setForegroundRole(QPalette::Mid);

    m_workspace = new QWidget;
    auto *workspaceLayout = new QHBoxLayout(m_workspace);
    workspaceLayout->setContentsMargins(0, 0, 0, 0);
    workspaceLayout->setSpacing(0);
    auto *navigationColumn = new QWidget;
    auto *navigationLayout = new QVBoxLayout(navigationColumn);
    navigationLayout->setContentsMargins(8, 16, 8, 8);
    navigationLayout->addWidget(m_navigation);
    workspaceLayout->addWidget(navigationColumn);
    workspaceLayout->addWidget(separator);
    workspaceLayout->addWidget(m_areaStack, 1);

    m_central = new QStackedWidget;
    m_central->addWidget(m_welcome);
    m_central->addWidget(m_workspace);
    setCentralWidget(m_central);

    createActions();
    createMenus();
    createStatusBar();

    connect(m_monitor, &StatusMonitor::busyChanged, this, &MainWindow::updateBusy);
    connect(m_demoTask, &ProjectCreationTask::runningChanged, this, [this](bool running) {
        m_welcome->setDemoBusy(running);
        m_demoAction->setEnabled(!running);
        updateBusy();
    });
    connect(m_demoTask, &ProjectCreationTask::finished, this,
            [this](const QString &dir, const QString &errorText) {
                if (errorText.isEmpty() && openProject(dir))
                    return;
                QMessageBox::warning(this, tr("Demo Project"),
                                     tr("The demo project could not be created.")
                                         + QStringLiteral("\n\n") + errorText);
            });

    const QByteArray geometry = QSettings().value(geometryKey).toByteArray();
    if (geometry.isEmpty() || !restoreGeometry(geometry))
        resize(1200, 800);

    updateTitle();
    updateActions();
    updateNavigationIcons();
    updateBusy();
}

MainWindow::~MainWindow() = default;

bool MainWindow::openProject(const QString &dir)
{
    const ProjectFolderState folder = ProjectFolderState::inspect(dir);
    if (!folder.hasConfig)
        return false;
    if (folder.path != m_projectDir) {
        m_projectDir = folder.path;
        m_dashboard->clear();
        m_connections->clear();
        m_navigation->setRowHidden(DatabasesArea, true);
        m_monitor->setProjectDir(m_projectDir);
        m_semantic->setProject(m_projectDir);
        m_playground->setProject(m_projectDir);
        m_sqlConsole->setProject(m_projectDir);
        m_wiki->setProject(m_projectDir);
        m_ingest->setProject(m_projectDir);
        m_review->setProject(m_projectDir);
    } else {
        m_monitor->refresh();
    }
    m_recent->add(m_projectDir);
    m_pathLabel->setText(QDir::toNativeSeparators(m_projectDir));
    m_central->setCurrentWidget(m_workspace);
    m_navigation->setCurrentIndex(m_areas->index(StatusArea, 0));
    updateTitle();
    updateActions();
    Q_EMIT projectOpened(m_projectDir);
    return true;
}

void MainWindow::closeProject()
{
    if (m_projectDir.isEmpty() || !m_semantic->sourceEditor()->maybeClose())
        return;
    m_projectDir.clear();
    m_monitor->setProjectDir(QString());
    m_dashboard->clear();
    m_connections->clear();
    m_semantic->clear();
    m_playground->clear();
    m_sqlConsole->clear();
    m_wiki->clear();
    m_ingest->clear();
    m_review->clear();
    m_navigation->setRowHidden(DatabasesArea, true);
    m_navigation->setCurrentIndex(m_areas->index(StatusArea, 0));
    m_pathLabel->setText(QString());
    m_central->setCurrentWidget(m_welcome);
    updateTitle();
    updateActions();
}

SetupWizard *MainWindow::setupWizard() const
{
    return m_wizard;
}

SetupWizard *MainWindow::showSetupWizard(const QString &step)
{
    return openWizard(m_projectDir, step);
}

SetupWizard *MainWindow::showNewProjectWizard(const QString &folder, const QString &step)
{
    return openWizard(folder, step);
}

void MainWindow::chooseProject()
{
    const QString start = m_projectDir.isEmpty() ? QDir::homePath() : m_projectDir;
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Open ktx Project"), start);
    if (dir.isEmpty())
        return;
    if (!openProject(dir))
        offerNewProject(dir,
                        tr("“%1” does not contain a ktx.yaml, so it is not a ktx project.")
                            .arg(QDir::toNativeSeparators(dir)));
}

void MainWindow::openRecent(const QString &dir)
{
    if (openProject(dir))
        return;
    m_recent->remove(dir);
    QMessageBox::information(this, tr("Open Recent"),
                             tr("There is no ktx project at “%1” any more, so it was removed "
                                "from the recent projects.")
                                 .arg(QDir::toNativeSeparators(dir)));
}

void MainWindow::openDemoProject()
{
    if (m_demoTask->isRunning())
        return;
    const ProjectFolderState folder
        = ProjectFolderState::inspect(ProjectLocationPage::defaultDemoDir());
    if (folder.hasConfig) {
        openProject(folder.path);
        return;
    }
    if (!folder.isEmpty) {
        QMessageBox::warning(this, tr("Demo Project"),
                             tr("“%1” already exists but is not a ktx project. Move it away, or "
                                "create the demo project elsewhere with File ▸ New Project….")
                                 .arg(QDir::toNativeSeparators(folder.path)));
        return;
    }
    ProjectCreationTask::Request request;
    request.kind = ProjectCreationTask::Request::Kind::Demo;
    request.dir = folder.path;
    m_demoTask->start(request);
}

void MainWindow::refreshStatus()
{
    if (m_projectDir.isEmpty())
        return;
    m_monitor->refresh();
    if (m_areaStack->currentWidget() == m_connections)
        m_connections->reload();
}

bool MainWindow::isAreaAvailable(Area area) const
{
    return !m_projectDir.isEmpty() && !m_navigation->isRowHidden(area);
}

bool MainWindow::showArea(Area area)
{
    if (!isAreaAvailable(area))
        return false;
    m_navigation->setCurrentIndex(m_areas->index(area, 0));
    return true;
}

void MainWindow::updateConnectionsArea(const StatusReport &report)
{
    if (m_projectDir.isEmpty())
        return;
    // Only drivers ktx can read have snapshots to show.
    static const QStringList readable
        = {QStringLiteral("sqlite"), QStringLiteral("postgres"), QStringLiteral("postgresql"),
           QStringLiteral("mysql"), QStringLiteral("mariadb")};
    ConnectionsArea::ConnectionList connections;
    for (const ConnectionStatus &connection : report.connections) {
        if (readable.contains(connection.driver.toLower()))
            connections.append({connection.name, connection.driver});
    }
    m_connections->setProject(m_projectDir, connections);
    const bool available = !connections.isEmpty();
    if (!available && m_areaStack->currentWidget() == m_connections)
        m_navigation->setCurrentIndex(m_areas->index(StatusArea, 0));
    m_navigation->setRowHidden(DatabasesArea, !available);
    m_connectionsAreaAction->setEnabled(available);
}

void MainWindow::revealProject()
{
    if (!m_projectDir.isEmpty())
        QDesktopServices::openUrl(QUrl::fromLocalFile(m_projectDir));
}

void MainWindow::showAbout()
{
    QMessageBox::about(
        this, tr("About ktx"),
        tr("<h3>ktx %1</h3>"
           "<p>The context layer for data agents.</p>"
           "<p>ktx turns your warehouse and company knowledge into plain files in a git "
           "repository — semantic sources, wiki pages and the evidence behind them — that "
           "people review like code and agents use through MCP and the <code>ktx</code> "
           "command line.</p>")
            .arg(QStringLiteral(KTX_VERSION)));
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    // Unsaved YAML in the semantic editor: ask before it is lost.
    if (!m_semantic->sourceEditor()->maybeClose()) {
        event->ignore();
        return;
    }
    QSettings().setValue(geometryKey, saveGeometry());
    QMainWindow::closeEvent(event);
}

void MainWindow::changeEvent(QEvent *event)
{
    QMainWindow::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        updateNavigationIcons();
}

void MainWindow::createActions()
{
    m_newAction = new QAction(tr("&New Project…"), this);
    m_newAction->setShortcut(QKeySequence::New);
    m_newAction->setStatusTip(tr("Create a ktx project with the setup wizard"));
    connect(m_newAction, &QAction::triggered, this, [this] { showNewProjectWizard(); });

    m_openAction = new QAction(tr("&Open Project…"), this);
    m_openAction->setShortcut(QKeySequence::Open);
    m_openAction->setStatusTip(tr("Open a folder that contains ktx.yaml"));
    connect(m_openAction, &QAction::triggered, this, &MainWindow::chooseProject);

    m_demoAction = new QAction(tr("Open &Demo Project"), this);
    m_demoAction->setStatusTip(tr("Open the demo project, creating it on first use"));
    connect(m_demoAction, &QAction::triggered, this, &MainWindow::openDemoProject);

    m_closeAction = new QAction(tr("&Close Project"), this);
    m_closeAction->setShortcut(QKeySequence::Close);
    connect(m_closeAction, &QAction::triggered, this, &MainWindow::closeProject);

    m_quitAction = new QAction(tr("&Quit"), this);
    m_quitAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Q));
    m_quitAction->setMenuRole(QAction::QuitRole);
    connect(m_quitAction, &QAction::triggered, this, &QWidget::close);

    m_wizardAction = new QAction(tr("&Setup Wizard…"), this);
    m_wizardAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S));
    m_wizardAction->setStatusTip(tr("Resume or change this project's setup"));
    connect(m_wizardAction, &QAction::triggered, this, [this] { showSetupWizard(); });

    m_refreshAction = new QAction(tr("&Refresh Status"), this);
    m_refreshAction->setShortcut(QKeySequence(Qt::Key_F5));
    connect(m_refreshAction, &QAction::triggered, this, &MainWindow::refreshStatus);

    m_revealAction = new QAction(tr("Reveal in &File Manager"), this);
    m_revealAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R));
    connect(m_revealAction, &QAction::triggered, this, &MainWindow::revealProject);

    m_statusAreaAction = new QAction(tr("&Status"), this);
    m_statusAreaAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_1));
    connect(m_statusAreaAction, &QAction::triggered, this, [this] {
        m_navigation->setCurrentIndex(m_areas->index(StatusArea, 0));
        m_dashboard->setFocus();
    });

    m_connectionsAreaAction = new QAction(tr("&Connections"), this);
    m_connectionsAreaAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_2));
    m_connectionsAreaAction->setEnabled(false);
    connect(m_connectionsAreaAction, &QAction::triggered, this, [this] {
        if (showArea(DatabasesArea))
            m_connections->setFocus();
    });

    const struct
    {
        QAction **action;
        QString text;
        int key;
        Area area;
        QWidget *page;
    } writingActions[] = {
        {&m_semanticAreaAction, tr("S&emantic Layer"), Qt::Key_3, SemanticArea, m_semantic},
        {&m_playgroundAreaAction, tr("Query &Playground"), Qt::Key_4, PlaygroundArea, m_playground},
        {&m_sqlAreaAction, tr("S&QL Console"), Qt::Key_5, SqlArea, m_sqlConsole},
        {&m_wikiAreaAction, tr("&Wiki"), Qt::Key_6, WikiArea, m_wiki},
        {&m_ingestAreaAction, tr("&Ingest"), Qt::Key_7, IngestArea, m_ingest},
        {&m_reviewAreaAction, tr("&Review"), Qt::Key_8, ReviewRunsArea, m_review},
    };
    for (const auto &entry : writingActions) {
        auto *action = new QAction(entry.text, this);
        action->setShortcut(QKeySequence(Qt::CTRL | entry.key));
        action->setEnabled(false);
        const Area area = entry.area;
        QWidget *page = entry.page;
        connect(action, &QAction::triggered, this, [this, area, page] {
            if (showArea(area))
                page->setFocus();
        });
        *entry.action = action;
    }

    m_aboutAction = new QAction(tr("&About ktx"), this);
    m_aboutAction->setMenuRole(QAction::AboutRole);
    connect(m_aboutAction, &QAction::triggered, this, &MainWindow::showAbout);
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(m_newAction);
    file->addAction(m_openAction);
    file->addAction(m_demoAction);
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    connect(m_recentMenu, &QMenu::aboutToShow, this, &MainWindow::updateRecentMenu);
    file->addSeparator();
    file->addAction(m_closeAction);
    file->addSeparator();
    file->addAction(m_quitAction);

    QMenu *project = menuBar()->addMenu(tr("&Project"));
    project->addAction(m_wizardAction);
    project->addAction(m_refreshAction);
    project->addSeparator();
    project->addAction(m_revealAction);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    view->addAction(m_statusAreaAction);
    view->addAction(m_connectionsAreaAction);
    view->addAction(m_semanticAreaAction);
    view->addAction(m_playgroundAreaAction);
    view->addAction(m_sqlAreaAction);
    view->addAction(m_wikiAreaAction);
    view->addAction(m_ingestAreaAction);
    view->addAction(m_reviewAreaAction);

    // The Review area's actions, with their keys (they act while the area has focus).
    QMenu *review = menuBar()->addMenu(tr("&Review"));
    review->addActions(m_review->reviewActions());

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(m_aboutAction);
}

void MainWindow::createStatusBar()
{
    m_pathLabel = new ElidedLabel;
    m_pathLabel->setObjectName(QStringLiteral("projectPath"));
    m_pathLabel->setContentsMargins(6, 0, 6, 0);
    m_busyLabel = new QLabel;
    m_busyBar = new QProgressBar;
    m_busyBar->setRange(0, 0);
    m_busyBar->setTextVisible(false);
    m_busyBar->setFixedSize(96, 10);
    statusBar()->addWidget(m_pathLabel, 1);
    statusBar()->addPermanentWidget(m_busyLabel);
    statusBar()->addPermanentWidget(m_busyBar);
}

void MainWindow::updateRecentMenu()
{
    m_recentMenu->clear();
    m_recent->prune();
    const QStringList paths = m_recent->paths();
    for (int i = 0; i < paths.size(); ++i) {
        const QString path = paths.at(i);
        const QString name = QFileInfo(path).fileName();
        // &1 … &9 and &0 give keyboard access to the first ten entries.
        const QString text
            = tr("&%1  %2 — %3")
                  .arg(QString::number((i + 1) % 10), name, QDir::toNativeSeparators(path));
        QAction *action = m_recentMenu->addAction(text);
        connect(action, &QAction::triggered, this, [this, path] { openRecent(path); });
    }
    if (paths.isEmpty()) {
        m_recentMenu->addAction(tr("No Recent Projects"))->setEnabled(false);
        return;
    }
    m_recentMenu->addSeparator();
    m_recentMenu->addAction(tr("&Clear Recent Projects"), m_recent, &RecentProjectsModel::clear);
}

void MainWindow::updateTitle()
{
    if (m_projectDir.isEmpty()) {
        setWindowTitle(tr("ktx"));
        return;
    }
    QString name = m_dashboard->statusModel()->projectName();
    if (name.isEmpty())
        name = QFileInfo(m_projectDir).fileName();
    setWindowTitle(tr("%1 — ktx").arg(name));
}

void MainWindow::updateActions()
{
    const bool open = !m_projectDir.isEmpty();
    m_closeAction->setEnabled(open);
    m_wizardAction->setEnabled(open);
    m_refreshAction->setEnabled(open);
    m_revealAction->setEnabled(open);
    m_statusAreaAction->setEnabled(open);
    m_connectionsAreaAction->setEnabled(isAreaAvailable(DatabasesArea));
    m_semanticAreaAction->setEnabled(open);
    m_playgroundAreaAction->setEnabled(open);
    m_sqlAreaAction->setEnabled(open);
    m_wikiAreaAction->setEnabled(open);
    m_ingestAreaAction->setEnabled(open);
    m_reviewAreaAction->setEnabled(open);
}

void MainWindow::updateNavigationIcons()
{
    if (QStandardItem *item = m_areas->item(StatusArea))
        item->setIcon(StateIcon::icon(verdictTone(m_dashboard->statusModel()), palette()));
}

void MainWindow::updateBusy()
{
    QString text;
    if (m_demoTask->isRunning())
        text = tr("Creating the demo project…");
    else if (m_monitor->isBusy() && !m_projectDir.isEmpty())
        text = tr("Checking status…");
    m_busyLabel->setText(text);
    m_busyLabel->setVisible(!text.isEmpty());
    m_busyBar->setVisible(!text.isEmpty());
}

void MainWindow::offerNewProject(const QString &dir, const QString &reason)
{
    QMessageBox box(QMessageBox::Information, tr("Open Project"), reason, QMessageBox::Cancel,
                    this);
    box.setInformativeText(tr("Choose the folder that contains ktx.yaml, or create a new "
                              "project in this folder."));
    QPushButton *create = box.addButton(tr("Create Project Here…"), QMessageBox::AcceptRole);
    box.setDefaultButton(create);
    box.exec();
    if (box.clickedButton() == create)
        showNewProjectWizard(dir);
}

SetupWizard *MainWindow::openWizard(const QString &projectDir, const QString &step)
{
    if (m_wizard) {
        m_wizard->raise();
        m_wizard->activateWindow();
        return m_wizard;
    }
    auto *wizard = new SetupWizard(projectDir, step, this);
    wizard->setAttribute(Qt::WA_DeleteOnClose);
    // Opening an already open project refreshes its status: the wizard may have
    // just completed a setup step.
    connect(wizard, &SetupWizard::projectReady, this, &MainWindow::openProject);
    m_wizard = wizard;
    wizard->open();
    return wizard;
}

} // namespace ktx
