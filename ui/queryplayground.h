#pragma once

#include "semantic/semanticsource.h"

#include <QElapsedTimer>
#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QListView;
class QPlainTextEdit;
class QPushButton;
class QSortFilterProxyModel;
class QSpinBox;
class QTableView;
class QTabWidget;
class QTimer;

namespace ktx {

class CodeEditor;
class QueryJob;
class QueryResultModel;
class SemanticFieldModel;
struct Error;
struct QueryResult;

// The "Query playground" area: pick measures, dimensions (with a time
// granularity), segments and filters from one connection's sources; see the
// SQL the semantic layer compiles, its join path and any fan-out or chasm note;
// run it read-only and browse the rows. Compiles follow every change (on the
// thread pool, stale ones dropped); runs can be cancelled.
class QueryPlayground : public QWidget
{
    Q_OBJECT

public:
    explicit QueryPlayground(QWidget *parent = nullptr);
    ~QueryPlayground() override;

    void setProject(const QString &projectDir);
    void clear();
    void selectConnection(const QString &connectionId);
    QString currentConnection() const;

    SemanticFieldModel *measureModel() const { return m_measures; }
    SemanticFieldModel *dimensionModel() const { return m_dimensions; }
    SemanticFieldModel *segmentModel() const { return m_segments; }
    QueryResultModel *resultModel() const { return m_results; }
    QPlainTextEdit *filterEdit() const { return m_filters; }
    QLineEdit *extraMeasureEdit() const { return m_extraMeasures; }
    QLineEdit *extraDimensionEdit() const { return m_extraDimensions; }
    CodeEditor *sqlView() const { return m_sql; }
    QTableView *resultView() const { return m_grid; }

    QString compiledSql() const { return m_compiledSql; }
    QString errorText() const;
    QStringList notes() const { return m_notes; }
    QStringList joinPath() const { return m_joinPath; }
    QString resultSummary() const;
    bool isRunning() const;

public Q_SLOTS:
    void compile(); // at once, skipping the wait after an edit
    void run();
    void cancel();

Q_SIGNALS:
    void fieldsShown(const QString &connectionId); // the pick lists hold this connection
    void planShown(); // SQL + notes, or an error, are on screen for the current picks
    void resultsShown(); // rows of a run
    void runFailed(const QString &message);
    void runCancelled();

private:
    void loadConnections();
    void loadFields(const QString &connectionId);
    void scheduleCompile();
    void showError(const QString &text);
    void showPlanText();
    void updateRunState();
    void updateGranularity();
    void updateSelection();
    void updateCompleters();

    QString m_projectDir;
    QString m_connectionId;
    QString m_driver;
    bool m_predefinedOnly = false;
    QList<SemanticSource> m_sources;
    quint64 m_connectionsGeneration = 0;
    quint64 m_fieldsGeneration = 0;
    quint64 m_compileGeneration = 0;
    QString m_compiledSql;
    QString m_error;
    QStringList m_notes;
    QStringList m_joinPath;
    QString m_pendingConnection;
    bool m_compilePending = false;
    QElapsedTimer m_clock;
    qint64 m_elapsedMs = -1;

    SemanticFieldModel *m_measures;
    SemanticFieldModel *m_dimensions;
    SemanticFieldModel *m_segments;
    QueryResultModel *m_results;
    QueryJob *m_job;
    QTimer *m_compileTimer;

    QComboBox *m_connection = nullptr;
    QLineEdit *m_search = nullptr;
    QTabWidget *m_pickTabs = nullptr;
    QListView *m_measureList = nullptr;
    QListView *m_dimensionList = nullptr;
    QListView *m_segmentList = nullptr;
    QComboBox *m_granularity = nullptr;
    QLabel *m_granularityLabel = nullptr;
    QLabel *m_selection = nullptr;
    QLineEdit *m_extraMeasures = nullptr;
    QLineEdit *m_extraDimensions = nullptr;
    QPlainTextEdit *m_filters = nullptr;
    QSpinBox *m_limit = nullptr;
    QPushButton *m_runButton = nullptr;
    QPushButton *m_cancelButton = nullptr;
    QLabel *m_errorBanner = nullptr;
    QLabel *m_notesLabel = nullptr;
    QLabel *m_joinLabel = nullptr;
    CodeEditor *m_sql = nullptr;
    QTableView *m_grid = nullptr;
    QLabel *m_resultStatus = nullptr;
    QList<QSortFilterProxyModel *> m_proxies;
};

} // namespace ktx
