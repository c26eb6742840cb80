#pragma once

#include <QStringList>
#include <QWidget>

class QLabel;
class QListView;
class QSplitter;

namespace ktx {

class CardFrame;
class CardList;
class ConfigIssueModel;
class ConfigViewer;
class ConnectionModel;
class StatusModel;
class StatusMonitor;
class VerdictBanner;
struct StatusReport;

// The Status area: verdict, one row per readiness line, connections, local
// context counts, and ktx.yaml with its problems. Everything shown comes from
// the StatusMonitor's reports through the models; the dashboard itself never
// touches the disk.
class StatusDashboard : public QWidget
{
    Q_OBJECT

public:
    explicit StatusDashboard(StatusMonitor *monitor, QWidget *parent = nullptr);

    StatusModel *statusModel() const { return m_statusModel; }
    ConfigIssueModel *issueModel() const { return m_issueModel; }
    ConnectionModel *connectionModel() const { return m_connectionModel; }
    ConfigViewer *configViewer() const { return m_viewer; }
    QListView *issueView() const { return m_issueView; }
    VerdictBanner *verdictBanner() const { return m_banner; }
    CardList *readinessList() const { return m_readiness; }
    CardList *connectionList() const { return m_connections; }

    // Wizard pages that exist; lines whose setup step is listed get a button.
    void setAvailableSetupSteps(const QStringList &steps);
    // Back to the "checking" state, e.g. when another project is opened.
    void clear();

Q_SIGNALS:
    void setupRequested(const QString &step);
    void reportShown(); // a report was applied and the widgets reflect it

private:
    void applyReport(const StatusReport &report);
    void alignReadinessLabels();
    void updateIssueSummary();
    void updateIssueViewHeight();
    void showIssue(const QModelIndex &index);
    void setStats(const StatusReport *report);

    StatusMonitor *m_monitor;
    StatusModel *m_statusModel;
    ConfigIssueModel *m_issueModel;
    ConnectionModel *m_connectionModel;
    QStringList m_setupSteps;

    VerdictBanner *m_banner = nullptr;
    QSplitter *m_splitter = nullptr;
    CardList *m_readiness = nullptr;
    CardList *m_connections = nullptr;
    CardFrame *m_noConnections = nullptr;
    QLabel *m_wikiPages = nullptr;
    QLabel *m_semanticSources = nullptr;
    QLabel *m_rawSources = nullptr;
    QLabel *m_completedRuns = nullptr;
    QLabel *m_issueSummary = nullptr;
    QListView *m_issueView = nullptr;
    ConfigViewer *m_viewer = nullptr;
};

} // namespace ktx
