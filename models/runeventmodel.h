#pragma once

#include "core/result.h"
#include "ingest/ingestevent.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

namespace ktx {

// The one model behind the live ingest view and the run browser: the event
// stream of a run (IngestEvent), folded into a run header and one row per work
// unit. It is fed either live (RunEventLog::eventsAppended batches) or from a
// run's events.jsonl (loadFile), and both go through appendEvents(), so what
// was watched is exactly what can be clicked through later. A batch costs one
// rowsInserted for its new units and one dataChanged per contiguous range of
// changed rows; the model never resets except in clear()/loadFile().
class RunEventModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        UnitColumn,
        StateColumn,
        StepsColumn,
        ToolCallsColumn,
        DurationColumn,
        FilesColumn,
        ColumnCount
    };
    Q_ENUM(Column)

    enum Role {
        UnitKeyRole = Qt::UserRole + 1,
        LabelRole,
        StateRole, // planned | running | success | failed | cancelled | done
        StepsRole,
        ToolCallsRole,
        DurationRole, // ms; -1 while not finished
        FilesWrittenRole, // QStringList
        WorkerRole, // worker slot, -1 when not started (or cached)
        StartedAtRole, // ms since the epoch, 0 when not started
        FinishedAtRole, // ms since the epoch, 0 when not finished
        CachedRole,
        ReasonRole,
        EventCountRole, // events in the unit's transcript
    };
    Q_ENUM(Role)

    struct Unit
    {
        QString key;
        QString label;
        QString state = QStringLiteral("planned");
        int steps = 0;
        int toolCalls = 0;
        qint64 durationMs = -1;
        QStringList filesWritten;
        int worker = -1;
        qint64 startedAtMs = 0;
        qint64 finishedAtMs = 0;
        bool cached = false;
        QString reason;
        QList<int> events; // indexes into events(), the unit's transcript
    };

    struct Header
    {
        QString runId;
        QString connectionId;
        QString sourceKey;
        QString jobId;
        QString reviewMode;
        QString phase;
        QString status; // empty before RunStarted; running | landed | pending_review | failed |
                        // cancelled | interrupted
        QString failureMessage;
        qint64 startedAtMs = 0;
        qint64 finishedAtMs = 0;
        qint64 lastEventAtMs = 0;
        int maxConcurrency = 0;
        int steps = 0;
        int toolCalls = 0;
        qint64 inputTokens = -1; // -1: not reported by the backend
        qint64 outputTokens = -1;
        double costUsd = -1; // -1: unknown
        int unitsFinished = 0;
        int unitsFailed = 0;
        qint64 rateLimitUntilMs = 0; // the latest rate-limit wait ends here
        QString rateLimitReason;
        QString branch;
        QString commitId;
        QString landedCommit;
    };

    explicit RunEventModel(QObject *parent = nullptr);

    // The phases of a run in order (IngestPhase names) and the index of the
    // current one (-1 before the first PhaseChanged).
    static QStringList phases();
    int phaseIndex() const;

    void clear();
    // clear() and then appendEvents() with the file's events.
    Result<void> loadFile(const QString &eventsPath);

public Q_SLOTS:
    // The single entry point for both live batches and files.
    void appendEvents(const QList<ktx::IngestEvent> &batch);

public:
    const QList<IngestEvent> &events() const { return m_events; }
    const Header &header() const { return m_header; }
    const Unit *unit(int row) const;
    int rowOf(const QString &unitKey) const;
    // The transcript of a unit (its own events, plus the gate findings about
    // files it wrote); run-level events for an empty key. Indexes into events().
    QList<int> transcript(const QString &unitKey) const;
    int workerSlots() const; // lanes for a timeline

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

Q_SIGNALS:
    void headerChanged();
    // Events [first, first + count) of events() were just added.
    void eventsAdded(int first, int count);

private:
    void apply(const IngestEvent &event, int index, QList<int> &changedRows);
    Unit &unitFor(const QString &key, QList<int> &changedRows);

    QList<IngestEvent> m_events;
    QList<Unit> m_units;
    QHash<QString, int> m_rowByKey;
    QList<int> m_runEvents; // events with no unit
    Header m_header;
    int m_maxWorker = -1;
};

} // namespace ktx
