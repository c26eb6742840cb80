#pragma once

#include "core/cancellationtoken.h"
#include "core/result.h"
#include "ingest/artifactgates.h"
#include "ingest/conflictresolver.h"
#include "ingest/contextoverlay.h"
#include "ingest/ingestevent.h"
#include "ingest/ingestreport.h"
#include "ingest/ingestsourceadapter.h"
#include "ingest/rejectionmemory.h"
#include "ingest/runstore.h"
#include "ingest/workunit.h"
#include "llm/llmsettings.h"
#include "llm/llmtypes.h"
#include "project/projectconfig.h"

#include <QHash>
#include <QMap>
#include <QSet>
#include <QString>

#include <functional>
#include <memory>

namespace ktx {

class AgentRuntime;
class GitRepository;
class RunEventLog;

// The phases of an enriched ingest run, in order. A failure names its phase.
enum class IngestPhase {
    Acquire,
    StageRaw,
    Diff,
    Plan,
    RunUnits,
    Integrate,
    Gates,
    Reconcile,
    Land
};
QString ingestPhaseName(IngestPhase phase);

struct IngestRunOptions
{
    QString projectDir;
    ProjectConfig config;
    QString connectionId;
    QString reviewMode = QStringLiteral("auto"); // auto | review
    LlmSettings llm;
    CancellationToken cancel;
    QString appVersion;
    QString runId; // empty: a new id
    QString jobId; // empty: a new id
    // Called for every event on the thread that produced it (CLI progress).
    std::function<void(const IngestEvent &)> listener;
    // Replaces the configured backend (benchmarks drive an in-process model
    // through ChatAgentLoop with it); empty: AgentRuntime with `llm`.
    std::function<LoopResult(const LoopRequest &, const AgentEventSink &)> loopRunner;
    // The source this run ingests; empty: the live-database snapshot of
    // `connectionId`. An empty connectionId (text memory without a connection)
    // reads no committed raw evidence and allows no semantic-layer writes.
    std::shared_ptr<IngestSourceAdapter> adapter;
};

struct IngestRunResult
{
    IngestRunRecord record;
    IngestReport report;
    QString eventsPath;
    QStringList interruptedRuns; // earlier runs this start found killed
};

// One enriched ingest run as an explicit state machine over typed phase
// results: acquire (base commit, its files) → stage raw (the sync folder the
// structural ingest committed) → diff (against the last landed run) → plan
// (work units, prompts) → run units (agent loops on worker threads, writes to
// in-memory overlays, cache first) → integrate (3-way merge of unit images) →
// gates/prune → reconcile (one agent loop) → land (one commit on
// ktx/runs/<runId>; auto mode squash-merges it onto the current branch).
//
// Nothing touches the user's files before landing, and landing happens only
// after the commit exists (WorktreeLanding). Runs hold .ktx/ingest.lock; a
// run killed mid-way is marked `interrupted` by the next one.
class IngestRun
{
public:
    struct Acquired
    {
        QString branch;
        QString baseCommit;
        BaseTreePtr base;
        QStringList connections; // semantic-layer folders in the base (gate scope)
    };
    struct Staged
    {
        QString syncDir;
        QString syncId;
        // The base with the adapter's projection applied: what units read.
        BaseTreePtr tree;
        QList<FileImage> projection; // against Acquired::base
    };
    struct Planned
    {
        QList<WorkUnit> units;
        QString wikiIndex;
        QString slIndex;
        QString fingerprint;
        QString systemPrompt;
    };
    struct Ran
    {
        QList<WorkUnitOutcome> outcomes; // in planned order
    };
    struct Integrated
    {
        std::shared_ptr<ContextOverlay> run;
        QJsonArray conflicts;
    };
    struct Reconciled
    {
        bool skipped = true;
        QList<ReconciliationRecord> records;
        QList<IngestAction> actions;
    };
    struct Landed
    {
        QString status; // landed | pending_review
        QString runCommit;
        QString landedCommit;
    };

    IngestRun(IngestRunOptions options, RunEventLog *log = nullptr);
    ~IngestRun();

    static QString newRunId();
    QString runId() const { return m_options.runId; }
    RunEventLog *eventLog() const { return m_log; }

    // Blocking; run it on a worker thread in a GUI. Errors are returned only
    // for runs that could not start (busy, no store); a run that fails in a
    // phase returns a result whose record says failed and where.
    Result<IngestRunResult> run();

    static QString commitMessage(const QString &sourceKey, const QString &jobId,
                                 const QString &syncId, const IngestDiff &diff,
                                 const QStringList &failedUnits);
    static QString runBranch(const QString &runId) { return QStringLiteral("ktx/runs/") + runId; }
    // The unit key that owns the projection's writes in events, report and
    // provenance ("projection:<sourceKey>"); it is not a model unit.
    static QString projectionUnitKey(const QString &sourceKey)
    {
        return QStringLiteral("projection:") + sourceKey;
    }
    static bool isProjectionUnit(const QString &unitKey)
    {
        return unitKey.startsWith(QLatin1String("projection:"));
    }

private:
    Result<Acquired> acquire(GitRepository &repository);
    Result<Staged> stageRaw(const Acquired &acquired);
    Result<IngestDiff> diff(const Acquired &acquired, const Staged &staged);
    Result<Planned> plan(const Acquired &acquired, const Staged &staged, const IngestDiff &diff);
    Result<Ran> runUnits(const Acquired &acquired, const Staged &staged, const Planned &planned);
    Result<Integrated> integrate(const Acquired &acquired, const Staged &staged, const Ran &ran);
    // Removes what only deleted evidence backed (before the gates, which then
    // prune references to it).
    void evict(const Acquired &acquired, const IngestDiff &diff, Integrated &integrated);
    // Runs the textual-conflict resolver; returns the resolution for the report.
    QString resolveConflict(const IntegrationConflict &conflict, ContextOverlay &run);
    Result<ArtifactGates::Outcome> gates(const Acquired &acquired, Integrated &integrated);
    Result<Reconciled> reconcile(const Acquired &acquired, const Staged &staged,
                                 const Planned &planned, Integrated &integrated);
    Result<Landed> land(GitRepository &repository, const Acquired &acquired, const Staged &staged,
                        const IngestDiff &diff, const Integrated &integrated);

    WorkUnitOutcome runOneUnit(const WorkUnit &unit, const Acquired &acquired, const Staged &staged,
                               const Planned &planned, int slot);
    LoopResult runLoop(const LoopRequest &request, const AgentEventSink &sink) const;
    // Records the projection as the writes of its own unit (events, report).
    void reportProjection(const IngestProjection &projection, const QList<FileImage> &images);
    // Where units and reconciliation may write semantic-layer files.
    QStringList allowedConnections() const;
    bool modelAvailable() const;
    void post(IngestEvent::Type type, const QString &unitKey, const QJsonObject &data);
    // A finished tool call of an agent loop, as a ToolCall event of `unitKey`.
    void postToolCall(const QString &unitKey, const AgentEvent &e);
    void enter(IngestPhase phase);

    IngestRunOptions m_options;
    RunEventLog *m_log = nullptr;
    std::unique_ptr<RunEventLog> m_ownedLog;
    std::unique_ptr<RunStore> m_store;
    std::unique_ptr<AgentRuntime> m_runtime;
    std::shared_ptr<IngestSourceAdapter> m_adapter;
    IngestRunRecord m_record;
    IngestReport m_report;
    IngestPhase m_phase = IngestPhase::Acquire;
    // Per unit, per raw file: earlier artifacts (read from the store on the
    // orchestrating thread before units start; read-only afterwards).
    QHash<QString, QMap<QString, QStringList>> m_priorProvenance;
    // Per unit: the refused changes that concern it (same lifetime rules).
    QHash<QString, QList<PriorRejection>> m_rejections;
    // Hashes of the evidence earlier runs' units covered (the plan's diff base).
    QJsonObject m_priorUnitHashes;
    // Paths the projection wrote or removed: the source still states them, so
    // eviction leaves them alone.
    QSet<QString> m_projected;
};

} // namespace ktx
