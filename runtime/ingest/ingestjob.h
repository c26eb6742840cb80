#pragma once

#include "core/result.h"
#include "ingest/ingestrun.h"

#include <QObject>
#include <QPointer>
#include <QString>

class QThread;

namespace ktx {

class RunEventLog;

// One ingest of one connection for the desktop app: the structural scan (as
// `ktx ingest` does first) and then the enriched IngestRun, on a worker thread
// of its own. The run's RunEventLog lives in the job's (GUI) thread, so its
// 50 ms-batched eventsAppended signal arrives there. cancel() trips the run's
// token; the pipeline stops within a second and lands nothing.
class IngestJob : public QObject
{
    Q_OBJECT

public:
    explicit IngestJob(QObject *parent = nullptr);
    // Cancels a running job and waits for its thread.
    ~IngestJob() override;

    // Starts a run; fails when one is already running. `scanFirst` runs the
    // structural ingest of the connection before the enriched run.
    Result<void> start(IngestRunOptions options, bool scanFirst = true);
    void cancel();
    bool isRunning() const { return m_thread != nullptr; }
    QString runId() const { return m_runId; }
    RunEventLog *eventLog() const { return m_log; }

Q_SIGNALS:
    // The run's log exists (and is empty); connect to it before events flow.
    void started(const QString &runId, ktx::RunEventLog *log);
    void scanning(const QString &connectionId);
    // status: the run record's status (landed, pending_review, failed,
    // cancelled) or "error" when the run could not start; message says why.
    void finished(const QString &runId, const QString &status, const QString &message);

private:
    QThread *m_thread = nullptr;
    QPointer<RunEventLog> m_log;
    CancellationToken m_cancel;
    QString m_runId;
    QString m_status;
    QString m_message;
};

} // namespace ktx
