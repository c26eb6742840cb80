#include "ktxtools/memoryingesttool.h"

#include "ingest/ingestrun.h"
#include "ingest/textmemoryingest.h"
#include "ktxtools/ktxtooljson.h"

#include <QCoreApplication>
#include <QHash>
#include <QMutex>
#include <QThreadPool>

namespace ktx {

namespace {

// Runs started by this process: one at a time (a project takes one ingest at a
// time anyway), in the order they were asked for. What happened to a run that
// never reached the run store (the project was busy, not a repository) is kept
// here so its status can say why.
class MemoryRunQueue
{
public:
    static MemoryRunQueue &instance()
    {
        // Never destroyed: the post routine below drains it while Qt is still up.
        static MemoryRunQueue *queue = new MemoryRunQueue;
        return *queue;
    }

    void start(const QString &runId, std::function<Result<IngestRunResult>()> job)
    {
        {
            QMutexLocker lock(&m_mutex);
            m_queued.insert(runId, QString());
        }
        m_pool.start([this, runId, job = std::move(job)] {
            const Result<IngestRunResult> result = job();
            QMutexLocker lock(&m_mutex);
            if (result.ok())
                m_queued.remove(runId);
            else
                m_queued.insert(runId, result.error().toText());
        });
    }

    // nullopt: not started here; empty string: queued; else why it never ran.
    std::optional<QString> queued(const QString &runId) const
    {
        QMutexLocker lock(&m_mutex);
        const auto it = m_queued.constFind(runId);
        if (it == m_queued.cend())
            return std::nullopt;
        return *it;
    }

private:
    MemoryRunQueue()
    {
        m_pool.setMaxThreadCount(1);
        // A note an agent asked us to remember is not dropped because the MCP
        // client hung up: the process waits for the queued runs before it exits.
        qAddPostRoutine([] { MemoryRunQueue::instance().m_pool.waitForDone(); });
    }

    QThreadPool m_pool;
    mutable QMutex m_mutex;
    QHash<QString, QString> m_queued;
};

} // namespace

bool memoryIngestAvailable(const ProjectConfig &config)
{
    return !config.llm.backend.isEmpty() && config.llm.backend != QLatin1String("none");
}

AgentTool makeMemoryIngestTool(KtxToolContextPtr context)
{
    AgentTool tool;
    tool.name = QStringLiteral("memory_ingest");
    tool.description = QStringLiteral(
        "Remember free-form Markdown knowledge in ktx: business rules, metric definitions, "
        "schema gotchas, recurring findings, or anything the user asks to remember. A memory "
        "agent decides what to keep and writes wiki pages (and, with connectionId, semantic-"
        "layer edits) as one git commit. Returns a runId at once; poll memory_ingest_status. "
        "Example: memory_ingest({ connectionId: \"warehouse\", content: \"ARR is reported in "
        "cents in this warehouse.\" }).");
    tool.inputSchema = KtxToolJson::parseObject(R"({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "properties": {
            "content": {"type": "string", "minLength": 1,
                        "description": "The Markdown to remember, with its context: where it came from, the question that led to it, why it matters."},
            "connectionId": {"description": "The connection the knowledge is about. Pass it for warehouse-specific facts (measures, column meanings, schema gotchas); omit it for general business knowledge, which becomes wiki pages only.",
                             "type": "string", "minLength": 1}
        },
        "required": ["content"]
    })");
    tool.outputSchema = KtxToolJson::parseObject(R"({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "properties": {"runId": {"type": "string"}},
        "required": ["runId"],
        "additionalProperties": false
    })");
    tool.annotations.title = QStringLiteral("Memory Ingest");
    tool.annotations.readOnly = false;
    tool.annotations.destructive = true;
    tool.annotations.idempotent = false;
    tool.execute = [context](const QJsonObject &args, const CancellationToken &) {
        const QString content = args.value(QLatin1String("content")).toString();
        if (content.trimmed().isEmpty())
            return KtxToolJson::failure(
                makeError(QStringLiteral("memory.empty"), QStringLiteral("content is empty."),
                          QStringLiteral("Pass the Markdown to remember in content.")));
        const QString connectionId = args.value(QLatin1String("connectionId")).toString();
        if (!connectionId.isEmpty() && !context->config.connection(connectionId))
            return KtxToolJson::failure(makeError(
                QStringLiteral("unknown_connection"),
                QStringLiteral("Connection \"%1\" is not configured in ktx.yaml").arg(connectionId),
                QStringLiteral("Call connection_list for the ids, or omit connectionId for "
                               "knowledge that is not about one warehouse.")));
        auto llm = TextMemoryIngest::llmFor(context->config, context->projectDir);
        if (!llm.ok())
            return KtxToolJson::failure(llm.error());

        TextMemoryIngest::Request request;
        request.projectDir = context->projectDir;
        request.config = context->config;
        request.llm = *llm;
        request.connectionId = connectionId;
        request.userId = context->userId; // MCP: local (ktx-spec §7)
        request.note.label = QStringLiteral("memory_ingest");
        request.note.fileName = QStringLiteral("note.md");
        request.note.content = content.toUtf8();
        request.appVersion = QCoreApplication::applicationVersion();
        request.runId = IngestRun::newRunId();
        MemoryRunQueue::instance().start(request.runId,
                                         [request] { return TextMemoryIngest::run(request); });
        return KtxToolJson::success({{QStringLiteral("runId"), request.runId}});
    };
    return tool;
}

AgentTool makeMemoryIngestStatusTool(KtxToolContextPtr context)
{
    AgentTool tool;
    tool.name = QStringLiteral("memory_ingest_status");
    tool.description = QStringLiteral(
        "The current or final status of a memory_ingest run: running, done or error, the "
        "pipeline stage, the wiki pages and semantic sources it captured, and the commit it "
        "landed. Example: memory_ingest_status({ runId: \"20260101-120000-a1b2c3\" }).");
    tool.inputSchema = KtxToolJson::parseObject(R"({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "properties": {
            "runId": {"type": "string", "minLength": 1,
                      "description": "The runId memory_ingest returned."}
        },
        "required": ["runId"]
    })");
    tool.outputSchema = KtxToolJson::parseObject(R"({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "properties": {
            "runId": {"type": "string"},
            "status": {"type": "string", "enum": ["running", "done", "error"]},
            "stage": {"type": "string"},
            "done": {"type": "boolean"},
            "captured": {"type": "object", "properties": {
                "wiki": {"type": "array", "items": {"type": "string"}},
                "sl": {"type": "array", "items": {"type": "string"}},
                "xrefs": {"type": "array", "items": {"type": "string"}}
            }, "required": ["wiki", "sl", "xrefs"], "additionalProperties": false},
            "error": {"anyOf": [{"type": "string"}, {"type": "null"}]},
            "commitHash": {"anyOf": [{"type": "string"}, {"type": "null"}]},
            "skillsLoaded": {"type": "array", "items": {"type": "string"}},
            "signalDetected": {"type": "boolean"}
        },
        "required": ["runId", "status", "stage", "done", "captured", "error", "commitHash",
                     "skillsLoaded", "signalDetected"],
        "additionalProperties": false
    })");
    tool.annotations.title = QStringLiteral("Memory Ingest Status");
    tool.annotations.readOnly = true;
    tool.annotations.idempotent = false;
    tool.execute = [context](const QJsonObject &args, const CancellationToken &) {
        const QString runId = args.value(QLatin1String("runId")).toString().trimmed();
        // The queue first: a run leaves it only after its row is in the store.
        const auto queued = MemoryRunQueue::instance().queued(runId);
        if (const auto status = TextMemoryIngest::status(context->projectDir, runId))
            return KtxToolJson::success(status->toJson());
        if (queued) {
            TextMemoryStatus s;
            s.runId = runId;
            s.stage = QStringLiteral("queued");
            if (!queued->isEmpty()) {
                s.status = QStringLiteral("error");
                s.error = *queued;
            }
            return KtxToolJson::success(s.toJson());
        }
        return KtxToolJson::failure(
            makeError(QStringLiteral("memory.run_not_found"),
                      QStringLiteral("No memory ingest run \"%1\" in this project.").arg(runId),
                      QStringLiteral("Pass the runId memory_ingest returned.")));
    };
    return tool;
}

} // namespace ktx
