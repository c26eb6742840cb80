#include "ingest/runeventlog.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QTimer>

namespace ktx {

RunEventLog::RunEventLog(QString runId, QString filePath, QObject *parent)
    : QObject(parent)
    , m_runId(std::move(runId))
    , m_filePath(std::move(filePath))
{
    qRegisterMetaType<ktx::IngestEvent>();
    qRegisterMetaType<QList<ktx::IngestEvent>>();
}

RunEventLog::~RunEventLog()
{
    QMutexLocker lock(&m_mutex);
    if (m_file.isOpen())
        m_file.close();
}

QString RunEventLog::pathFor(const QString &projectDir, const QString &runId)
{
    return QDir(projectDir).filePath(QStringLiteral(".ktx/runs/%1/events.jsonl").arg(runId));
}

Result<void> RunEventLog::open()
{
    QMutexLocker lock(&m_mutex);
    QDir().mkpath(QFileInfo(m_filePath).absolutePath());
    m_file.setFileName(m_filePath);
    if (!m_file.open(QIODevice::WriteOnly | QIODevice::Append | QIODevice::Unbuffered))
        return makeError(QStringLiteral("write_failed"),
                         QStringLiteral("Cannot open the run's event log %1: %2")
                             .arg(m_filePath, m_file.errorString()));
    return {};
}

void RunEventLog::setListener(std::function<void(const IngestEvent &)> listener)
{
    QMutexLocker lock(&m_mutex);
    m_listener = std::move(listener);
}

void RunEventLog::append(IngestEvent event)
{
    std::function<void(const IngestEvent &)> listener;
    bool schedule = false;
    {
        QMutexLocker lock(&m_mutex);
        event.seq = ++m_seq;
        event.atMs = QDateTime::currentMSecsSinceEpoch();
        event.runId = m_runId;
        if (m_file.isOpen()) {
            QByteArray line = QJsonDocument(event.toJson()).toJson(QJsonDocument::Compact);
            line += '\n';
            m_file.write(line); // unbuffered: one write per line, whole or not at all
        }
        m_all << event;
        m_pending << event;
        if (!m_flushScheduled) {
            m_flushScheduled = true;
            schedule = true;
        }
        listener = m_listener;
    }
    if (listener)
        listener(event);
    if (schedule) {
        // The timer must start in the log's own thread.
        QMetaObject::invokeMethod(
            this, [this] { QTimer::singleShot(BatchIntervalMs, this, &RunEventLog::flush); },
            Qt::QueuedConnection);
    }
}

void RunEventLog::flush()
{
    QList<IngestEvent> batch;
    {
        QMutexLocker lock(&m_mutex);
        batch.swap(m_pending);
        m_flushScheduled = false;
    }
    if (!batch.isEmpty())
        Q_EMIT eventsAppended(batch);
}

QList<IngestEvent> RunEventLog::events() const
{
    QMutexLocker lock(&m_mutex);
    return m_all;
}

Result<QList<IngestEvent>> RunEventLog::read(const QString &filePath)
{
    QFile file(filePath);
    if (!file.open(QIODevice::ReadOnly))
        return makeError(QStringLiteral("not_found"),
                         QStringLiteral("Cannot read the run's event log %1").arg(filePath));
    QList<IngestEvent> events;
    while (!file.atEnd()) {
        const QByteArray line = file.readLine().trimmed();
        if (line.isEmpty())
            continue;
        const QJsonDocument doc = QJsonDocument::fromJson(line);
        IngestEvent event;
        if (doc.isObject() && IngestEvent::fromJson(doc.object(), &event))
            events << event;
    }
    return events;
}

} // namespace ktx
