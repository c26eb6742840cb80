#pragma once

#include "core/result.h"
#include "ingest/ingestevent.h"
#include "models/runreportdocument.h"

#include <QList>
#include <QStringList>
#include <QWidget>

#include <functional>

class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QTableView;
class QTabWidget;
class QTextBrowser;
class QTimer;

namespace ktx {

class IngestJob;
class RunBrowser;
class RunEventLog;
class RunEventModel;
class RunReportLoader;
class TranscriptView;
class UnitTimeline;
struct IngestRunOptions;

// The Ingest area: the run browser (past runs) beside the run view — header
// (source, phase, elapsed, steps, tool calls, tokens, cost), phase progress,
// the work-unit table, the worker timeline and the selected unit's transcript,
// plus the report of a finished run. The run view shows one RunEventModel,
// fed live from a running IngestJob or rebuilt from a past run's events.jsonl.
// The report is read on the thread pool (RunReportLoader) and rendered by a
// RunReportDocument; its links ask, by signal, for the Review, Semantic layer
// or Wiki area.
class IngestView : public QWidget
{
    Q_OBJECT

public:
    explicit IngestView(QWidget *parent = nullptr);
    ~IngestView() override;

    void setProject(const QString &projectDir);
    void clear();

    // Starts an ingest of these connections, one after another; empty: all
    // eligible connections of the project.
    Result<void> startIngest(const QStringList &connectionIds = {});
    void cancel();
    bool isRunning() const;
    // Shows a past (or the running) run: its events and its report.
    Result<void> openRun(const QString &runId);
    QString shownRunId() const;

    // Tests and benchmarks: adjusts the options of every run started here
    // (e.g. a fake model's URL) after they were built from ktx.yaml.
    void setOptionsAdjuster(std::function<void(IngestRunOptions &)> adjuster);
    // Benchmarks: feed the view from a log that is not a job's.
    // Events up to afterSeq are already in the model.
    void followLog(RunEventLog *log, qint64 afterSeq = 0);

    RunEventModel *model() const { return m_model; }
    RunBrowser *runBrowser() const { return m_browser; }
    QTableView *unitTable() const { return m_units; }
    UnitTimeline *timeline() const { return m_timeline; }
    TranscriptView *transcript() const { return m_transcript; }
    QTextBrowser *reportView() const { return m_report; }
    const RunReportDocument &reportDocument() const { return m_reportDocument; }
    QLabel *headerLabel() const { return m_header; }
    QLabel *rateLimitLabel() const { return m_rateLimit; }
    QProgressBar *phaseBar() const { return m_phaseBar; }
    QPushButton *startButton() const { return m_start; }
    QPushButton *cancelButton() const { return m_cancel; }
    QComboBox *connectionChooser() const { return m_connection; }

Q_SIGNALS:
    void runStarted(const QString &runId);
    // A started run ended (status as in the run store, or "error").
    void runFinished(const QString &runId, const QString &status, const QString &message);
    void runOpened(const QString &runId);
    // The report of this run is on screen (read off the GUI thread).
    void reportShown(const QString &runId);
    // Links of the report: the pending run in the Review area, a semantic
    // source in the Semantic layer area, a page in the Wiki area.
    void reviewRequested(const QString &runId);
    void semanticSourceRequested(const QString &connectionId, const QString &sourceName);
    void wikiPageRequested(const QString &pageKey);

protected:
    void changeEvent(QEvent *event) override;

private:
    void startNext();
    void drainBacklog();
    void updateHeader();
    void updateButtons();
    void showReport(const QString &runId);
    void renderReport();
    void followReportLink(const QUrl &url);
    void selectUnit(const QString &unitKey);

    QString m_projectDir;
    QStringList m_queue;
    bool m_cancelled = false;
    std::function<void(IngestRunOptions &)> m_adjuster;
    IngestJob *m_job;
    RunEventModel *m_model;
    RunEventLog *m_followed = nullptr;
    QList<IngestEvent> m_backlog; // live events not yet in the model
    bool m_draining = false;
    qint64 m_fedSeq = 0;

    RunBrowser *m_browser;
    QComboBox *m_connection;
    QPushButton *m_start;
    QPushButton *m_cancel;
    QLabel *m_status;
    QLabel *m_header;
    QLabel *m_rateLimit;
    QProgressBar *m_phaseBar;
    QTableView *m_units;
    UnitTimeline *m_timeline;
    QTabWidget *m_tabs;
    TranscriptView *m_transcript;
    QTextBrowser *m_report;
    RunReportLoader *m_reportLoader;
    RunReportDocument m_reportDocument;
    QTimer *m_tick;
    QTimer *m_headerThrottle;
};

} // namespace ktx
