#pragma once

#include "core/result.h"
#include "ingest/ingestevent.h"

#include <QFile>
#include <QList>
#include <QMutex>
#include <QObject>
#include <QString>

#include <functional>

namespace ktx {

// The event stream of one run: every event is appended to
// .ktx/runs/<runId>/events.jsonl (one JSON object per line, written and
// flushed as it arrives so a kill loses nothing already reported) and
// delivered live, coalesced: eventsAppended fires in the log's thread at most
// every ~50 ms with the batch, so a fast run cannot flood a GUI event loop.
// append() may be called from any thread.
class RunEventLog : public QObject
{
    Q_OBJECT

public:
    static constexpr int BatchIntervalMs = 50;

    RunEventLog(QString runId, QString filePath, QObject *parent = nullptr);
    ~RunEventLog() override;

    static QString pathFor(const QString &projectDir, const QString &runId);

    Result<void> open();
    // Stamps seq, time and run id, writes the line, queues it for the signal.
    void append(IngestEvent event);
    // Called on the appending thread for each event (CLI progress); keep it cheap.
    void setListener(std::function<void(const IngestEvent &)> listener);

    QList<IngestEvent> events() const; // everything appended so far
    QString filePath() const { return m_filePath; }

    // Rebuilds the event list from a file. Lines that do not parse (the last one
    // after a kill) are skipped.
    static Result<QList<IngestEvent>> read(const QString &filePath);

public Q_SLOTS:
    void flush(); // emits the pending batch now

Q_SIGNALS:
    void eventsAppended(const QList<ktx::IngestEvent> &batch);

private:
    QString m_runId;
    QString m_filePath;
    mutable QMutex m_mutex;
    QFile m_file;
    qint64 m_seq = 0;
    QList<IngestEvent> m_all;
    QList<IngestEvent> m_pending;
    bool m_flushScheduled = false;
    std::function<void(const IngestEvent &)> m_listener;
};

} // namespace ktx
