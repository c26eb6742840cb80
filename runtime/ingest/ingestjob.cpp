#include "ingest/ingestjob.h"

#include "ingest/runeventlog.h"
#include "ingest/structuralingest.h"

#include <QThread>

namespace ktx {

IngestJob::IngestJob(QObject *parent)
    : QObject(parent)
{ }

IngestJob::~IngestJob()
{
    if (m_thread) {
        m_cancel.cancel();
        m_thread->wait();
        delete m_thread;
    }
    delete m_log;
}

Result<void> IngestJob::start(IngestRunOptions options, bool scanFirst)
{
    if (m_thread)
        return makeError(QStringLiteral("busy"), tr("An ingest is already running."),
                         tr("Wait for it to finish or cancel it."));
    const ConnectionConfig *connection = options.config.connection(options.connectionId);
    if (!connection)
        return makeError(QStringLiteral("not_found"),
                         tr("No connection named %1 in ktx.yaml.").arg(options.connectionId));

    if (options.runId.isEmpty())
        options.runId = IngestRun::newRunId();
    m_runId = options.runId;
    m_cancel = options.cancel;
    m_status.clear();
    m_message.clear();
    // The previous run's log stays alive until now: queued batches may still
    // have been on their way to the view.
    delete m_log;
    m_log = new RunEventLog(m_runId, RunEventLog::pathFor(options.projectDir, m_runId), this);
    Q_EMIT started(m_runId, m_log);

    RunEventLog *log = m_log;
    const ConnectionConfig connectionCopy = *connection;
    m_thread = QThread::create([this, options, scanFirst, log, connectionCopy] {
        if (scanFirst) {
            QMetaObject::invokeMethod(
                this, [this, id = options.connectionId] { Q_EMIT scanning(id); },
                Qt::QueuedConnection);
            auto scanned = StructuralIngest::run(options.projectDir, options.config, connectionCopy,
                                                 options.cancel);
            if (!scanned.ok()) {
                m_status = options.cancel.isCancelled() ? QStringLiteral("cancelled")
                                                        : QStringLiteral("error");
                m_message = scanned.error().message;
                return;
            }
        }
        IngestRun run(options, log);
        auto ran = run.run();
        if (!ran.ok()) {
            m_status = QStringLiteral("error");
            m_message = ran.error().message;
            return;
        }
        m_status = ran->record.status;
        m_message = ran->record.failureMessage;
    });
    // m_status/m_message are written by the thread and read only after it finished.
    connect(m_thread, &QThread::finished, this, [this] {
        m_thread->deleteLater();
        m_thread = nullptr;
        Q_EMIT finished(m_runId, m_status, m_message);
    });
    m_thread->start();
    return {};
}

void IngestJob::cancel()
{
    m_cancel.cancel();
}

} // namespace ktx
