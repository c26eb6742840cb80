#pragma once

#include "core/result.h"
#include "ingest/ingestreport.h"

#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QSet>
#include <QString>

#include <memory>
#include <optional>

namespace ktx {

// One row of ingest_runs.
struct IngestRunRecord
{
    QString runId;
    QString jobId;
    QString connectionId;
    QString sourceKey;
    QString syncId;
    QString status; // running | landed | pending_review | failed | cancelled | interrupted
    QString phase;
    QString baseCommit;
    QString runBranch;
    QString commitId; // the run branch's commit
    QString landedCommit; // the squash commit on the user's branch (auto mode)
    QString reviewMode;
    qint64 startedAtMs = 0;
    qint64 finishedAtMs = 0;
    qint64 pid = 0;
    QString failurePhase;
    QString failureMessage;
    QJsonObject diff;
};

// Runs, reports, provenance and the work-unit cache in <project>/.ktx/db.sqlite
// (tables ingest_*; the file is shared with the search index, so it is opened
// in WAL mode with a busy timeout and a connection name of our own). One
// RunStore is used from one thread: the run's orchestrating thread.
class RunStore
{
public:
    ~RunStore();
    RunStore(const RunStore &) = delete;
    RunStore &operator=(const RunStore &) = delete;

    static QString databasePath(const QString &projectDir);
    static Result<std::unique_ptr<RunStore>> open(const QString &projectDir);

    Result<void> insertRun(const IngestRunRecord &run);
    Result<void> updateRun(const IngestRunRecord &run);
    std::optional<IngestRunRecord> run(const QString &runId) const;
    // Newest first; all connections when connectionId is empty.
    QList<IngestRunRecord> runs(const QString &connectionId = {}, int limit = 200) const;

    // Runs left `running` by a process that no longer exists become
    // `interrupted`. Returns their ids.
    QStringList markInterrupted();

    Result<void> saveReport(const QString &runId, const QJsonObject &body);
    std::optional<QJsonObject> report(const QString &runId) const;
    // The report of the newest landed (or pending) run of a source, for the diff.
    std::optional<QJsonObject> lastLandedReport(const QString &connectionId,
                                                const QString &sourceKey) const;

    Result<void> insertProvenance(const QString &runId, const QString &connectionId,
                                  const QString &sourceKey, const QString &syncId,
                                  const QList<ProvenanceRow> &rows);
    // Earlier artifacts per raw file, keyed by the path inside the sync folder
    // (so they carry across snapshots): "syncId kind/key/action" lines.
    QStringList priorProvenance(const QString &connectionId, const QString &rawRelPath) const;
    // Every artifact landed runs of a source derived from raw files, with those
    // files (paths inside the sync folder): "kind|targetConnectionId|key" -> paths.
    QMap<QString, QSet<QString>> landedEvidence(const QString &connectionId,
                                                const QString &sourceKey) const;

    // The work-unit cache.
    std::optional<QByteArray> cachedUnit(const QString &key) const;
    Result<void> storeUnit(const QString &key, const QString &unitKey, const QByteArray &payload);
    void removeUnit(const QString &key);
    int cachedUnitCount() const;

private:
    explicit RunStore(QString connectionName);
    QString m_connection;
};

} // namespace ktx
