#pragma once

#include "core/cancellationtoken.h"
#include "core/result.h"
#include "ingest/ingestevent.h"
#include "ingest/ingestrun.h"
#include "ingest/textmemoryadapter.h"
#include "llm/llmsettings.h"
#include "project/projectconfig.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>

namespace ktx {

// What memory_ingest_status and `ktx ingest --text --json` report about one
// memory run (the original's shape: status running|done|error).
struct TextMemoryStatus
{
    QString runId;
    QString status = QStringLiteral("running"); // running | done | error
    QString stage; // the pipeline phase, "queued" before the run started
    QStringList wiki; // wiki page keys written: <key> (global) or user/<userId>/<key>
    QStringList sl; // "connectionId:source" semantic sources written
    QStringList xrefs; // "wiki-key -> connectionId:source" links the pages' sl_refs make
    QString error; // empty: none
    QString commitHash; // empty: none
    QStringList skillsLoaded;
    bool signalDetected = false; // the agent found something worth persisting

    bool done() const { return status != QLatin1String("running"); }
    QJsonObject toJson() const; // memory_ingest_status's structured result
    QJsonObject capturedJson() const; // {wiki, sl, xrefs}
};

// Text memory ingest (ktx-spec §9.5): one note through the enriched pipeline
// (IngestRun with a TextMemoryAdapter), so it gets the same overlay tools,
// gates, landing and run store as a database ingest.
class TextMemoryIngest
{
public:
    struct Request
    {
        QString projectDir;
        ProjectConfig config;
        LlmSettings llm;
        QString connectionId; // empty: wiki-only
        // The memory user (ktx-spec §7): the agent sees wiki/user/<userId>/ and
        // may keep personal notes there. `ktx ingest --text` uses local-cli,
        // MCP local; must pass WikiStore::isValidUserId.
        QString userId = QStringLiteral("local-cli");
        TextMemoryAdapter::Note note;
        QString appVersion;
        QString runId; // empty: a new id
        CancellationToken cancel;
        std::function<void(const IngestEvent &)> listener;
    };

    // The model settings memory ingest needs, or an error that names the fix
    // (backend none, a missing key or model).
    static Result<LlmSettings> llmFor(const ProjectConfig &config, const QString &projectDir);

    // Blocking; run it on a worker thread. Errors only for runs that could not
    // start (invalid user id, busy project, not a repository); a failing run
    // reports failed.
    static Result<IngestRunResult> run(const Request &request);

    // The status of a run from .ktx/db.sqlite, or nullopt when the store has no
    // such run (yet).
    // Nothing, or the error `ktx ingest --user-id` and run() give for an id that
    // cannot name a wiki/user/<userId>/ folder.
    static Result<void> checkUserId(const QString &userId);

    static std::optional<TextMemoryStatus> status(const QString &projectDir, const QString &runId);
    static TextMemoryStatus statusOf(const IngestRunRecord &record, const QJsonObject &report,
                                     const QString &projectDir);
};

} // namespace ktx
