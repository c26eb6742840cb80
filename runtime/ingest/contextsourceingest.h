#pragma once

#include "core/cancellationtoken.h"
#include "ingest/ingestevent.h"
#include "llm/llmtypes.h"
#include "sources/contextsource.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <functional>

namespace ktx {

struct ConnectionConfig;
struct ProjectConfig;

// What ingesting one context source did. Every outcome is a value: `failed`
// carries a stable code, a sentence and a fix; `done` with an empty commitId
// means nothing landed (unchanged, or left pending for review: runStatus).
struct ContextSourceIngestResult
{
    QString connectionId;
    QString driver;
    QString warehouseConnectionId;
    QString status; // done | failed
    QString code;
    QString detail;
    QString fix;
    QString jobId;
    QString runId; // the IngestRun (RunStore, .ktx/runs/<runId>/events.jsonl)
    QString runStatus; // landed | pending_review | failed | cancelled
    QString branch; // ktx/runs/<runId> while the run waits for review
    QString syncId; // the staged evidence folder; the previous one when unchanged
    QString commitId; // the commit landed on the branch; empty when none
    QString location; // where the files came from
    bool unchanged = false;
    int added = 0; // project files (staged evidence + semantic + wiki)
    int modified = 0;
    int deleted = 0;
    int unitsPlanned = 0; // model work units planned for changed evidence
    int unitsRun = 0; // of those, the ones that ran (from the cache or the model)
    int modelCalls = 0; // units that reached the model (cache misses)
    ContextSourceReport report;
    QStringList warnings;

    QJsonObject toJson() const;
};

// The context-source ingest (ktx-spec §9.3) for dbt and the other parsers of
// runtime/sources: acquire the files (folder or git clone), then one IngestRun
// with a ContextSourceAdapter — the deterministic projection (evidence staged
// under raw-sources/<id>/<driver>/<syncId>/ in place of the previous sync, the
// parser's extraction onto the warehouse's semantic layer and wiki), then work
// units for the changed evidence when a model is configured, landed as one
// commit (review.mode `review`: left on ktx/runs/<runId>). Nothing changed:
// no commit and no model call.
class ContextSourceIngest
{
public:
    using Progress = std::function<void(const QString &message)>;

    struct Options
    {
        CancellationToken cancel;
        Progress progress;
        // Every run event, on the thread that produced it.
        std::function<void(const IngestEvent &)> listener;
        // Replaces the configured model (benchmarks and tests drive an
        // in-process one); see IngestRunOptions::loopRunner.
        std::function<LoopResult(const LoopRequest &, const AgentEventSink &)> loopRunner;
        QString appVersion; // empty: the application's version
    };

    // The warehouse a context source maps to: `warehouse:` in its config, or the
    // project's only warehouse connection.
    static Result<QString> warehouseFor(const ProjectConfig &project,
                                        const ConnectionConfig &connection);

    static ContextSourceIngestResult run(const QString &projectDir, const ProjectConfig &project,
                                         const ConnectionConfig &connection,
                                         const CancellationToken &cancel = {},
                                         const Progress &progress = {});
    static ContextSourceIngestResult run(const QString &projectDir, const ProjectConfig &project,
                                         const ConnectionConfig &connection,
                                         const Options &options);
};

} // namespace ktx
