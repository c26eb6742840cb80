#include "ktxtools/semanticqueryrunner.h"

#include "db/connectionsettings.h"
#include "db/queryjob.h"
#include "ktxtools/namematch.h"
#include "semantic/semanticengine.h"
#include "semantic/semanticlayerstore.h"

#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>

#include <algorithm>
#include <atomic>
#include <memory>
#include <mutex>
#include <tuple>

namespace ktx {

namespace {

bool isMeasureLookupError(const QString &code)
{
    return code == QLatin1String("sl_not_a_measure") || code == QLatin1String("sl_unknown_measure")
        || code == QLatin1String("sl_no_source_reference")
        || code == QLatin1String("sl_unknown_source");
}

bool isPredefined(const QList<SemanticSource> &sources, const QString &text)
{
    const QString source = text.section(QLatin1Char('.'), 0, 0);
    const QString name = text.section(QLatin1Char('.'), 1);
    for (const SemanticSource &s : sources) {
        for (const SourceMeasure &m : s.measures) {
            if ((s.name == source && m.name == name)
                || (!text.contains(QLatin1Char('.')) && m.name == text))
                return true;
        }
    }
    return false;
}

// The planner says a name is not a measure; add the predefined ones the caller
// most likely meant, so an agent can correct itself in one step.
Error withCandidates(Error error, const QList<SemanticSource> &sources, const SemanticQuery &query)
{
    QStringList suggestions;
    for (const QueryMeasure &m : query.measures) {
        const QString text = m.text.trimmed();
        if (m.isObject || text.contains(QLatin1Char('(')) || isPredefined(sources, text))
            continue;
        const QStringList candidates = SemanticQueryRunner::measureCandidates(sources, text);
        if (!candidates.isEmpty())
            suggestions
                << QStringLiteral("'%1': %2").arg(text, candidates.join(QStringLiteral(", ")));
    }
    if (!suggestions.isEmpty()) {
        error.message += QStringLiteral(" Closest predefined measures: %1.")
                             .arg(suggestions.join(QStringLiteral("; ")));
        if (error.hint.isEmpty())
            error.hint = QStringLiteral("Use a predefined measure by its qualified name "
                                        "(source.measure), or an aggregate such as "
                                        "sum(source.column).");
    }
    return error;
}

// A loaded connection folder: its sources and the engine built on them.
struct LoadedLayer
{
    QList<SemanticSource> sources;
    std::unique_ptr<const SemanticEngine> engine;
};

// What a folder's YAML files look like from the outside: every file's path,
// size and modification time. Loading reads the same files, so an equal
// fingerprint means an equal load, except for a rewrite of the same size
// within the file system's timestamp granularity; `newest` lets the cache
// refuse to trust a folder touched that recently.
struct LayerFingerprint
{
    QList<std::tuple<QString, qint64, qint64>> files;
    qint64 newestMs = 0;

    bool operator==(const LayerFingerprint &o) const { return files == o.files; }
};

LayerFingerprint fingerprint(const QString &directory)
{
    LayerFingerprint f;
    QDirIterator it(directory, {QStringLiteral("*.yaml"), QStringLiteral("*.yml")}, QDir::Files,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        it.next();
        const QFileInfo info = it.fileInfo();
        const qint64 ms = info.lastModified().toMSecsSinceEpoch();
        f.files.append({info.filePath(), info.size(), ms});
        f.newestMs = std::max(f.newestMs, ms);
    }
    std::sort(f.files.begin(), f.files.end());
    return f;
}

// An entry loaded this soon after its newest file's mtime may have missed a
// same-size rewrite in the same timestamp tick; it is reloaded next time.
constexpr qint64 kRacyWindowMs = 1000;

struct CachedLayer
{
    LayerFingerprint fingerprint;
    qint64 loadedAtMs = 0;
    std::shared_ptr<const LoadedLayer> layer;
};

// One entry per project folder and connection, shared by every runner in the
// process (the sl_query tool builds a runner per call): re-parsing every YAML
// file of the connection cost ten times the compile itself.
std::mutex g_layerMutex;
QHash<QString, CachedLayer> g_layers;
std::atomic<quint64> g_layerLoads {0};

std::shared_ptr<const LoadedLayer> loadLayer(const QString &directory)
{
    LayerFingerprint print = fingerprint(directory);
    {
        std::lock_guard lock(g_layerMutex);
        const auto it = g_layers.constFind(directory);
        if (it != g_layers.cend() && it->fingerprint == print
            && it->fingerprint.newestMs + kRacyWindowMs < it->loadedAtMs)
            return it->layer;
    }
    const qint64 loadedAt = QDateTime::currentMSecsSinceEpoch();
    ++g_layerLoads;
    auto layer = std::make_shared<LoadedLayer>();
    layer->sources = SourceLoader::loadDirectory(directory).sources;
    layer->engine = std::make_unique<const SemanticEngine>(layer->sources);
    std::lock_guard lock(g_layerMutex);
    g_layers.insert(directory, CachedLayer {std::move(print), loadedAt, layer});
    return layer;
}

} // namespace

QJsonObject SemanticQueryRunner::Outcome::planJson() const
{
    QJsonObject json = plan.toJson();
    QJsonObject execution {
        {QStringLiteral("mode"),
         executed ? QStringLiteral("executed") : QStringLiteral("compile_only")}};
    if (executed) {
        execution.insert(QStringLiteral("rowCount"), int(result.rows.size()));
        execution.insert(QStringLiteral("truncated"), result.truncated);
        execution.insert(QStringLiteral("elapsedMs"), double(result.elapsedMs));
    }
    json.insert(QStringLiteral("execution"), execution);
    return json;
}

QStringList SemanticQueryRunner::Outcome::headers() const
{
    if (executed)
        return result.columns;
    QStringList names;
    for (const ResolvedColumn &c : plan.columns)
        names << c.name;
    return names;
}

SemanticQueryRunner::SemanticQueryRunner(QString projectDir, ProjectConfig config)
    : m_projectDir(std::move(projectDir))
    , m_config(std::move(config))
{ }

quint64 SemanticQueryRunner::layerLoads()
{
    return g_layerLoads.load();
}

Result<QString> SemanticQueryRunner::defaultConnection() const
{
    QStringList ids;
    for (const ConnectionConfig &c : m_config.connections) {
        if (c.kind() == ConnectionKind::Warehouse)
            ids << c.id;
    }
    if (ids.size() == 1)
        return ids.first();
    if (ids.isEmpty())
        return makeError(QStringLiteral("connection_not_found"),
                         QStringLiteral("No database connections are configured in ktx.yaml."),
                         QStringLiteral("Run `ktx setup` to add one."));
    return makeError(QStringLiteral("connection_required"),
                     QStringLiteral("This project has several connections (%1); say which one "
                                    "with connectionId.")
                         .arg(ids.join(QStringLiteral(", "))),
                     QStringLiteral("connection_list names them."));
}

QStringList SemanticQueryRunner::measureCandidates(const QList<SemanticSource> &sources,
                                                   const QString &asked, int max)
{
    const QString wanted = asked.trimmed().toLower();
    const QString wantedSource
        = wanted.contains(QLatin1Char('.')) ? wanted.section(QLatin1Char('.'), 0, 0) : QString();
    const QString wantedLeaf = wanted.section(QLatin1Char('.'), -1);
    struct Scored
    {
        QString name;
        int score;
    };
    QList<Scored> scored;
    for (const SemanticSource &s : sources) {
        for (const SourceMeasure &m : s.measures) {
            const QString leaf = m.name.toLower();
            int score = NameMatch::distance(wantedLeaf, leaf);
            if (!wantedLeaf.isEmpty() && (leaf.contains(wantedLeaf) || wantedLeaf.contains(leaf)))
                score = std::min(score, 2);
            if (!wantedSource.isEmpty() && s.name.toLower() != wantedSource)
                score += 1 + NameMatch::distance(wantedSource, s.name.toLower()) / 2;
            // Far-off names are noise, not help.
            if (score <= std::max(3, int(wantedLeaf.size()) / 2))
                scored << Scored {s.name + QLatin1Char('.') + m.name, score};
        }
    }
    std::stable_sort(scored.begin(), scored.end(),
                     [](const Scored &a, const Scored &b) { return a.score < b.score; });
    QStringList out;
    for (const Scored &s : std::as_const(scored)) {
        if (out.size() >= max)
            break;
        out << s.name;
    }
    return out;
}

Result<SemanticQueryRunner::Outcome> SemanticQueryRunner::run(Request request) const
{
    const ConnectionConfig *config = m_config.connection(request.connectionId);
    if (!config)
        return makeError(
            QStringLiteral("connection_not_found"),
            QStringLiteral("Connection \"%1\" is not configured in ktx.yaml")
                .arg(request.connectionId),
            QStringLiteral(
                "Run `ktx setup` to add it, or pick one of the configured connections."));
    // The policy comes from ktx.yaml, never from the caller.
    request.query.predefinedMeasuresOnly
        = config->field(QStringLiteral("query_policy")) == QLatin1String("semantic-layer-only");

    const SemanticLayerStore store(m_projectDir);
    const std::shared_ptr<const LoadedLayer> layer
        = loadLayer(QDir::cleanPath(store.directory(request.connectionId)));
    const QList<SemanticSource> &sources = layer->sources;
    if (sources.isEmpty())
        return makeError(
            QStringLiteral("sl_no_sources"),
            QStringLiteral("No semantic-layer sources found in %1")
                .arg(store.directory(request.connectionId)),
            QStringLiteral("Run `ktx ingest %1` to build them.").arg(request.connectionId));
    Result<SemanticEngine::Compiled> compiled
        = layer->engine->compile(request.query, config->driver);
    if (!compiled.ok()) {
        if (isMeasureLookupError(compiled.error().code))
            return withCandidates(compiled.error(), sources, request.query);
        return compiled.error();
    }

    Outcome out;
    out.connectionId = request.connectionId;
    out.dialect = compiled->dialect;
    out.sql = compiled->sql;
    out.plan = compiled->plan;
    if (out.plan.hasFanOut)
        out.notes << QString(out.plan.fanOutDescription
                             + QStringLiteral(": each measure group is aggregated on its own, so "
                                              "nothing is double counted."));
    out.notes += out.plan.warnings;
    if (!request.execute) {
        out.notes << QStringLiteral("Compile only: the query was not executed.");
        return out;
    }

    Result<ConnectionSettings> settings = ConnectionSettings::fromConfig(*config, m_projectDir);
    if (!settings.ok()) {
        if (settings.error().code != QLatin1String("driver_unsupported"))
            return settings.error();
        out.notes << QStringLiteral("Compile only: ktx cannot run queries on %1 connections, so "
                                    "the SQL was compiled but not executed.")
                         .arg(config->driver);
        return out;
    }
    const int rows = request.maxRows > 0 ? request.maxRows : request.query.limit;
    Result<QueryResult> result = QueryJob::toResult(
        QueryJob::run(*settings, compiled->sql, qBound(1, rows, MaxRows), request.cancel));
    if (!result.ok())
        return result.error();
    out.executed = true;
    out.result = std::move(result.value());
    if (out.result.truncated)
        out.notes << QStringLiteral("Only the first %1 rows are shown; narrow the query or lower "
                                    "its limit to see the rest.")
                         .arg(out.result.rows.size());
    return out;
}

} // namespace ktx
