#pragma once

#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QString>

namespace ktx {

// One thing that happened in an ingest run. The live ingest view, the run
// browser, transcripts and progress are all views of this one stream, which is
// appended to .ktx/runs/<runId>/events.jsonl and delivered live (RunEventLog).
// The payload keys per type are listed beside each type; readers ignore keys
// they do not know, so adding a key is compatible.
struct IngestEvent
{
    enum class Type {
        RunStarted, // connectionId, sourceKey, jobId, syncId, baseCommit, reviewMode, pid
        PhaseChanged, // phase (unitKey empty)
        UnitPlanned, // rawFiles[], dependencyPaths[], notes
        UnitStarted, // worker (thread slot), cached
        UnitStep, // steps, toolCalls
        UnitFinished, // status success|failed|cancelled, reason, steps, toolCalls, cached,
                      // durationMs, filesWritten[], usage{input,output}
        ToolCall, // toolCallId, tool, input{}, output, isError, durationMs
        ModelMessage, // text
        WriteDecision, // tool, path, accepted, reason
        GateFinding, // kind, artifact, target, action (pruned|dropped|reverted)
        Conflict, // path, detail, resolution (resolved | redundant | unresolved: ...)
        ReconciliationRecord, // kind, artifactKey, contestedKey, detail, flaggedForHuman
        Landed, // mode auto|review, branch, commitId, squashCommitId, diff{}
        Failed, // phase, code, message
        Cancelled, // phase
        Interrupted, // previous run found running with a dead process
        RateLimitWait, // waitMs, reason
        Notice, // text
    };

    qint64 seq = 0; // 1-based order within the run
    qint64 atMs = 0; // milliseconds since the epoch (UTC)
    QString runId;
    Type type = Type::Notice;
    QString phase; // the phase the run was in
    QString unitKey; // empty for run-level events
    QJsonObject data;

    static QString typeName(Type type);
    static bool typeFromName(const QString &name, Type *type);
    QJsonObject toJson() const;
    static bool fromJson(const QJsonObject &object, IngestEvent *event);
};

} // namespace ktx

Q_DECLARE_METATYPE(ktx::IngestEvent)
