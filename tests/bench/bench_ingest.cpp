// The enriched ingest pipeline at warehouse scale: a 1,000-table SQLite
// warehouse, a model with a fixed 50 ms latency per call playing 3 tool calls
// per unit (ledger, read, edit) and a final answer, at concurrency 8. Prints
// the wall time of the units phase against the ideal
// units × model calls × latency / concurrency; then a run whose units all
// replay from the work-unit cache, and a re-ingest with nothing changed
// (structural + enriched), each with the number of model calls made.
#include "agent/chatagentloop.h"
#include "benchfigures.h"
#include "ingest/ingestevent.h"
#include "ingest/ingestrun.h"
#include "ingest/structuralingest.h"
#include "project/configloader.h"
#include "project/projectscaffold.h"

#include <QCoreApplication>
#include <QDir>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QThread>

#include <atomic>
#include <cstdio>

using namespace ktx;
using namespace ktx::bench;

namespace {

constexpr int Tables = 1000;
constexpr int LatencyMs = 50;
constexpr int Concurrency = 8;
constexpr int CallsPerUnit = 4; // 3 tool calls and the final answer

std::atomic_int g_modelCalls {0};

// One work unit's model: every call takes LatencyMs; three tool calls, then done.
class LatencyModel : public ChatModel
{
public:
    explicit LatencyModel(QString table, QString raw)
        : m_table(std::move(table))
        , m_raw(std::move(raw))
    { }
    QString providerName() const override { return QStringLiteral("latency"); }
    Result<ChatTurn> complete(const ChatRequest &, const CancellationToken &,
                              const AgentEventSink &) override
    {
        ++g_modelCalls;
        QThread::msleep(LatencyMs);
        ChatTurn t;
        t.stopReason = QStringLiteral("tool_use");
        const QString id = QStringLiteral("c%1").arg(m_call);
        switch (m_call++) {
        case 0:
            t.blocks << ChatBlock::toolUse(
                id, QStringLiteral("record_verification_ledger"),
                {{QStringLiteral("summary"), QStringLiteral("table file read")},
                 {QStringLiteral("verifiedIdentifiers"), QJsonArray {m_table}}});
            break;
        case 1:
            t.blocks << ChatBlock::toolUse(id, QStringLiteral("sl_read_source"),
                                           {{QStringLiteral("connectionId"), QStringLiteral("wh")},
                                            {QStringLiteral("sourceName"), m_table}});
            break;
        case 2:
            t.blocks << ChatBlock::toolUse(
                id, QStringLiteral("sl_edit_source"),
                {{QStringLiteral("connectionId"), QStringLiteral("wh")},
                 {QStringLiteral("sourceName"), m_table},
                 {QStringLiteral("yaml_edits"),
                  QJsonArray {QJsonObject {
                      {QStringLiteral("oldText"),
                       QString(QStringLiteral("name: ") + m_table + QLatin1Char('\n'))},
                      {QStringLiteral("newText"),
                       QString(QStringLiteral("name: ") + m_table
                               + QStringLiteral("\ndescriptions:\n  ai: Benchmark table.\n"))}}}},
                 {QStringLiteral("rawPaths"), QJsonArray {m_raw}}});
            break;
        default:
            t.blocks << ChatBlock::textBlock(QStringLiteral("done"));
            t.stopReason = QStringLiteral("end_turn");
        }
        return t;
    }

private:
    QString m_table;
    QString m_raw;
    int m_call = 0;
};

LoopResult runLoop(const LoopRequest &request, const AgentEventSink &sink)
{
    static const QRegularExpression tableP(QStringLiteral("### notes\nTable ([A-Za-z0-9_]+) \\("));
    static const QRegularExpression rawP(QStringLiteral("### rawFiles\n- ([^\n]+)\n"));
    if (request.userPrompt.contains(QLatin1String("## Changes of this run"))) {
        LatencyModel done({}, {});
        ++g_modelCalls;
        LoopResult r;
        r.finalText = QStringLiteral("nothing to reconcile");
        QThread::msleep(LatencyMs);
        return r;
    }
    LatencyModel model(tableP.match(request.userPrompt).captured(1),
                       rawP.match(request.userPrompt).captured(1));
    return ChatAgentLoop::run(model, QStringLiteral("latency"), request, sink, 1024);
}

struct Outcome
{
    double ms = 0;
    double unitsMs = 0;
    int calls = 0;
    IngestRunResult result;
};

Outcome enrich(const QString &dir, const ProjectConfig &config, const QString &mode)
{
    IngestRunOptions o;
    o.projectDir = dir;
    o.config = config;
    o.connectionId = QStringLiteral("wh");
    o.reviewMode = mode;
    o.appVersion = QStringLiteral("bench");
    o.llm.backend = QStringLiteral("openai-compatible");
    o.loopRunner = runLoop;
    qint64 unitsStart = 0, unitsEnd = 0;
    o.listener = [&](const IngestEvent &e) {
        if (e.type != IngestEvent::Type::PhaseChanged)
            return;
        const QString phase = e.data.value(QStringLiteral("phase")).toString();
        if (phase == QLatin1String("work_units"))
            unitsStart = e.atMs;
        else if (phase == QLatin1String("integration"))
            unitsEnd = e.atMs;
    };
    g_modelCalls = 0;
    Outcome out;
    IngestRun run(o);
    out.ms = timeMs([&] {
        auto r = run.run();
        if (!r.ok()) {
            std::fprintf(stderr, "ingest failed: %s\n", qPrintable(r.error().toText()));
            std::exit(1);
        }
        out.result = *r;
    });
    out.unitsMs = double(unitsEnd - unitsStart);
    out.calls = g_modelCalls;
    return out;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QTemporaryDir tmp;
    const QString db = tmp.filePath(QStringLiteral("wh.sqlite"));
    {
        QSqlDatabase s
            = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("gen"));
        s.setDatabaseName(db);
        s.open();
        QSqlQuery q(s);
        q.exec(QStringLiteral("BEGIN"));
        for (int i = 0; i < Tables; ++i)
            q.exec(QStringLiteral("CREATE TABLE t%1 (id INTEGER PRIMARY KEY, name TEXT, amount "
                                  "NUMERIC, created_at TEXT, parent_id INTEGER)")
                       .arg(i, 4, 10, QLatin1Char('0')));
        q.exec(QStringLiteral("COMMIT"));
        s.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("gen"));
    const QString dir = tmp.filePath(QStringLiteral("project"));
    ProjectScaffold::Options options;
    options.configText
        = QStringLiteral("connections:\n  wh:\n    driver: sqlite\n    path: %1\nscan:\n  "
                         "relationships:\n    enabled: false\n")
              .arg(db)
              .toUtf8();
    if (!ProjectScaffold::create(dir, options).ok())
        return 1;
    ProjectConfig config = ConfigLoader::loadFile(dir + QStringLiteral("/ktx.yaml"))->config;
    config.ingest.maxConcurrency = Concurrency;
    config.ingest.stepBudget = 40;

    std::printf("bench_ingest: %d tables, model latency %d ms, %d model calls per unit (3 tool "
                "calls + answer), concurrency %d\n",
                Tables, LatencyMs, CallsPerUnit, Concurrency);
    const double structuralMs = timeMs([&] {
        if (!StructuralIngest::run(dir, config, *config.connection(QStringLiteral("wh"))).ok())
            std::exit(1);
    });
    std::printf("  structural ingest (scan, snapshot, 1,000 sources)   %9.0f ms\n", structuralMs);

    // 1) All units through the model; review mode keeps the run pending, so the
    //    next run plans the same units again.
    const Outcome first = enrich(dir, config, QStringLiteral("review"));
    const double ideal = double(Tables) * CallsPerUnit * LatencyMs / Concurrency;
    std::printf("  enriched run, all units via the model: total %9.0f ms, units phase %9.0f ms\n",
                first.ms, first.unitsMs);
    std::printf("    ideal units x calls x latency / concurrency = %.0f ms; units phase / ideal = "
                "%.2fx (goal <= 1.25x); model calls %d; units %lld (failed %lld)\n",
                ideal, first.unitsMs / ideal, first.calls,
                qlonglong(first.result.report.workUnits.size()),
                qlonglong(first.result.report.failedWorkUnits.size()));
    // 2) The same units again: every one replays from the work-unit cache.
    const Outcome cached = enrich(dir, config, QStringLiteral("auto"));
    std::printf("  enriched run, all units from the cache:  total %9.0f ms; cache hits %d; unit "
                "model calls %d (reconcile %d)\n",
                cached.ms, cached.result.report.cacheHits, cached.result.report.modelCalls,
                cached.calls - cached.result.report.modelCalls * CallsPerUnit);
    // 3) Re-ingest with nothing changed: structural + enriched.
    g_modelCalls = 0;
    const double structural2 = timeMs([&] {
        if (!StructuralIngest::run(dir, config, *config.connection(QStringLiteral("wh"))).ok())
            std::exit(1);
    });
    const Outcome unchanged = enrich(dir, config, QStringLiteral("auto"));
    std::printf("  re-ingest, nothing changed: structural %6.0f ms + enriched %6.0f ms = %6.0f ms "
                "(goal < 5000 ms); model calls %d; units %lld\n",
                structural2, unchanged.ms, structural2 + unchanged.ms, unchanged.calls,
                qlonglong(unchanged.result.report.workUnits.size()));
    return 0;
}
