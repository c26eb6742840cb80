#pragma once

#include <QMainWindow>
#include <QPointer>

class QAction;
class QLabel;
class QListView;
class QMenu;
class QProgressBar;
class QStackedWidget;
class QStandardItemModel;

namespace ktx {

class ConnectionsArea;
class ElidedLabel;
class IngestView;
class ProjectCreationTask;
class QueryPlayground;
class RecentProjectsModel;
class ReviewArea;
class SemanticBrowser;
class SetupWizard;
class SqlConsole;
class WikiBrowser;
class StatusDashboard;
class StatusMonitor;
class WelcomePage;
struct StatusReport;

// The desktop shell: a welcome page while no project is open; otherwise a
// navigation list of the product areas that exist (today: Status) beside the
// area pages. Owns the StatusMonitor of the open project.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    // Areas in navigation order; only areas that are built are listed.
    // DatabasesArea ("Connections") is shown only while the project has a
    // database connection.
    // Semantic layer, Query playground, SQL console and Wiki are listed while
    // a project is open.
    enum Area {
        StatusArea,
        DatabasesArea,
        SemanticArea,
        PlaygroundArea,
        SqlArea,
        WikiArea,
        IngestArea,
        ReviewRunsArea // the Review area (Ctrl+8)
    };

    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    // Opens a folder containing ktx.yaml; returns false (and changes nothing)
    // otherwise. Interactive callers use chooseProject() or openRecent().
    bool openProject(const QString &dir);
    void closeProject();
    QString projectDir() const { return m_projectDir; }

    StatusDashboard *statusDashboard() const { return m_dashboard; }
    ConnectionsArea *connectionsArea() const { return m_connections; }
    SemanticBrowser *semanticBrowser() const { return m_semantic; }
    QueryPlayground *queryPlayground() const { return m_playground; }
    SqlConsole *sqlConsole() const { return m_sqlConsole; }
    WikiBrowser *wikiBrowser() const { return m_wiki; }
    IngestView *ingestView() const { return m_ingest; }
    ReviewArea *reviewArea() const { return m_review; }
    bool isAreaAvailable(Area area) const;
    // Shows an area; returns false when it is not available for this project.
    bool showArea(Area area);
    StatusMonitor *statusMonitor() const { return m_monitor; }
    RecentProjectsModel *recentProjects() const { return m_recent; }
    WelcomePage *welcomePage() const { return m_welcome; }
    SetupWizard *setupWizard() const;

    // Opens (or raises) the setup wizard for the open project, at step's page
    // or where the last session stopped. Without a project: a new project.
    SetupWizard *showSetupWizard(const QString &step = {});
    SetupWizard *showNewProjectWizard(const QString &folder = {}, const QString &step = {});

public Q_SLOTS:
    void chooseProject();
    void openRecent(const QString &dir);
    void openDemoProject();
    void refreshStatus();
    void revealProject();
    void showAbout();

Q_SIGNALS:
    void projectOpened(const QString &dir);
    void statusShown(); // the dashboard shows a report for the open project

protected:
    void closeEvent(QCloseEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void createActions();
    void createMenus();
    void createStatusBar();
    void updateRecentMenu();
    void updateTitle();
    void updateActions();
    void updateNavigationIcons();
    void updateBusy();
    void updateConnectionsArea(const StatusReport &report);
    void offerNewProject(const QString &dir, const QString &reason);
    SetupWizard *openWizard(const QString &projectDir, const QString &step);

    QString m_projectDir;
    StatusMonitor *m_monitor;
    RecentProjectsModel *m_recent;
    ProjectCreationTask *m_demoTask;
    QPointer<SetupWizard> m_wizard;

    QStackedWidget *m_central = nullptr;
    WelcomePage *m_welcome = nullptr;
    QWidget *m_workspace = nullptr;
    QStandardItemModel *m_areas = nullptr;
    QListView *m_navigation = nullptr;
    QStackedWidget *m_areaStack = nullptr;
    StatusDashboard *m_dashboard = nullptr;
    ConnectionsArea *m_connections = nullptr;
    SemanticBrowser *m_semantic = nullptr;
    QueryPlayground *m_playground = nullptr;
    SqlConsole *m_sqlConsole = nullptr;
    WikiBrowser *m_wiki = nullptr;
    IngestView *m_ingest = nullptr;
    ReviewArea *m_review = nullptr;

    ElidedLabel *m_pathLabel = nullptr;
    QLabel *m_busyLabel = nullptr;
    QProgressBar *m_busyBar = nullptr;

    QMenu *m_recentMenu = nullptr;
    QAction *m_newAction = nullptr;
    QAction *m_openAction = nullptr;
    QAction *m_demoAction = nullptr;
    QAction *m_quitAction = nullptr;
    QAction *m_closeAction = nullptr;
    QAction *m_wizardAction = nullptr;
    QAction *m_refreshAction = nullptr;
    QAction *m_revealAction = nullptr;
    QAction *m_statusAreaAction = nullptr;
    QAction *m_connectionsAreaAction = nullptr;
    QAction *m_semanticAreaAction = nullptr;
    QAction *m_playgroundAreaAction = nullptr;
    QAction *m_sqlAreaAction = nullptr;
    QAction *m_wikiAreaAction = nullptr;
    QAction *m_ingestAreaAction = nullptr;
    QAction *m_reviewAreaAction = nullptr;
    QAction *m_aboutAction = nullptr;
};

} // namespace ktx
