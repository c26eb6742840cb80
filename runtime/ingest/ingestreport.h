#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace ktx {

// The report of one enriched ingest run, with the original's fields
// (ktx-internals §1.10) so the run browser and scripts can read either.

// What a write tool did (the original's MemoryAction).
struct IngestAction
{
    QString target; // wiki | sl
    QString type; // created | updated | removed
    QString key; // wiki page key, or source name
    QString path; // the file written
    QString detail;
    QString targetConnectionId;
    QStringList rawPaths; // the evidence it cites

    QJsonObject toJson() const;
};

struct WorkUnitReport
{
    QString unitKey;
    QStringList rawFiles;
    QString status; // success | failed | cancelled
    QString reason;
    bool cached = false;
    int steps = 0;
    int toolCalls = 0;
    qint64 durationMs = 0;
    qint64 inputTokens = 0; // cache reads and writes included
    qint64 outputTokens = 0;
    double costUsd = -1; // < 0: the backend does not say
    QList<IngestAction> actions;
    QStringList touchedSlSources;

    QJsonObject toJson() const;
};

// Recorded by the reconcile agent (emit_conflict_resolution).
struct ReconciliationRecord
{
    QString kind; // structural_duplicate | near_duplicate | definitional_contradiction |
                  // re_ingest_change
    QString unitKey;
    QString contestedKey;
    QString artifactKey;
    QString detail;
    bool flaggedForHuman = false;

    static const QStringList &kinds();
    QJsonObject toJson() const;
};

// What a gate removed: a dropped source, a pruned join or reference, or a
// file the merge could not take.
struct GatePrune
{
    QString kind; // invalid_source | missing_join_target | missing_wiki_ref | missing_wiki_sl_ref
    QString artifact; // connection:source or wiki:key
    QString removedRef;
    QString absentTarget;
    QString action; // dropped | reverted | pruned
    QString detail;

    QJsonObject toJson() const;
};

// An artifact removed because every raw file it was derived from is gone
// from the source (a dropped table, a deleted document).
struct EvictionApplied
{
    QString rawPath; // the deleted evidence (paths inside the sync folder, comma-separated)
    QString artifactKind; // sl | wiki
    QString artifactKey;
    QString path; // the file removed
    QString action = QStringLiteral("removed");
    QString reason;

    QJsonObject toJson() const;
};

struct ProvenanceRow
{
    QString rawPath;
    QString rawContentHash;
    QString artifactKind; // sl | wiki | empty for skipped
    QString artifactKey;
    QString targetConnectionId;
    QString actionType; // source_created | measure_added | join_added | wiki_written | merged |
                        // subsumed | skipped

    QJsonObject toJson() const;
};

struct IngestReport
{
    QString status; // completed | failed | cancelled | pending_review
    QString syncId;
    int added = 0, modified = 0, deleted = 0, unchanged = 0;
    QString commitSha;
    QString failurePhase;
    QString failureMessage;
    QList<WorkUnitReport> workUnits;
    QStringList failedWorkUnits;
    bool reconciliationSkipped = true;
    QList<IngestAction> reconciliationActions;
    QList<ReconciliationRecord> conflictsResolved;
    QList<GatePrune> finalGatePrunedReferences;
    QList<GatePrune> finalGateDroppedSources;
    QJsonArray integrationConflicts; // {unitKey, path, detail}
    QList<EvictionApplied> evictionsApplied;
    int resolverAttempts = 0; // textual-conflict resolver loops run
    int resolverRepairs = 0; // conflicts it resolved (or found redundant)
    int resolverFailures = 0; // conflicts left with the earlier units' version
    QList<ProvenanceRow> provenanceRows;
    QJsonObject rawHashes; // rel path in the sync folder -> sha256 (the next run's diff base)
    int modelCalls = 0; // work units that reached the model (cache misses)
    int cacheHits = 0;
    // Hashes of the evidence units have covered (rel path -> sha256): the next
    // run plans units for what differs from it. Equal to rawHashes when units
    // ran; carried over from the previous run when they were skipped (no
    // model), so a later run with a model still enriches that evidence.
    QJsonObject unitHashes;
    QString unitsSkipped; // why units did not run (e.g. no model); empty when they ran
    // The context source's report (ContextSourceReport::toJson() plus
    // warehouseConnectionId and location); empty for other sources.
    QJsonObject contextSource;

    QJsonObject toJson() const;
};

} // namespace ktx
