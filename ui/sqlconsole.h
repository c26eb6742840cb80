#pragma once

#include <QElapsedTimer>
#include <QWidget>

class QComboBox;
class QLabel;
class QListView;
class QPushButton;
class QSpinBox;
class QStandardItemModel;
class QTableView;

namespace ktx {

class CodeEditor;
class QueryJob;
class QueryResultModel;

// The "SQL console" area: pick a database connection, write SQL, run it with
// Ctrl+Enter. Every statement is read-only by construction (ReadOnlySqlGuard
// refuses writes with its own message, and the session itself is read-only);
// Cancel (or Esc) stops the statement on the database. The session's queries
// are listed; activating one puts it back in the editor.
class SqlConsole : public QWidget
{
    Q_OBJECT

public:
    enum HistoryRole { SqlRole = Qt::UserRole + 1, StatusRole, ConnectionRole };

    explicit SqlConsole(QWidget *parent = nullptr);
    ~SqlConsole() override;

    void setProject(const QString &projectDir);
    void clear();
    void selectConnection(const QString &connectionId);
    QString currentConnection() const;
    QStringList connections() const;

    CodeEditor *editor() const { return m_editor; }
    QueryResultModel *resultModel() const { return m_results; }
    QStandardItemModel *historyModel() const { return m_history; }
    QTableView *resultView() const { return m_grid; }
    QString statusText() const;
    QString errorText() const;
    bool isRunning() const;

public Q_SLOTS:
    void run();
    void cancel();

Q_SIGNALS:
    void connectionsShown();
    void resultsShown();
    void runFailed(const QString &message);
    void runCancelled();

private:
    void loadConnections();
    void addHistory(const QString &sql, const QString &status);
    void updateRunState();
    void showError(const QString &text);

    QString m_projectDir;
    QString m_pendingConnection;
    quint64 m_connectionsGeneration = 0;
    QString m_runningSql;
    QElapsedTimer m_clock;
    QString m_error;

    QueryJob *m_job;
    QueryResultModel *m_results;
    QStandardItemModel *m_history;
    QComboBox *m_connection;
    QSpinBox *m_limit;
    QPushButton *m_runButton;
    QPushButton *m_cancelButton;
    CodeEditor *m_editor;
    QLabel *m_errorBanner;
    QTableView *m_grid;
    QLabel *m_status;
    QListView *m_historyView;
};

} // namespace ktx
