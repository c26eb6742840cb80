#include "ktxtools/semanticqueryrunner.h"

#include "db/connectionsettings.h"
#include "db/databasesession.h"
#include "ktxtools/namematch.h"
#include "semantic/semanticengine.h"
#include "semantic/semanticlayerstore.h"

#include <QJsonArray>

#include <algorithm>

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
    const SourceLoader::SourceSet set = store.load(request.connectionId);
    if (set.sources.isEmpty())
        return makeError(
            QStringLiteral("sl_no_sources"),
            QStringLiteral("No semantic-layer sources found in %1")
                .arg(store.directory(request.connectionId)),
            QStringLiteral("Run `ktx ingest %1` to build them.").arg(request.connectionId));
    const SemanticEngine engine(set.sources);
    Result<SemanticEngine::Compiled> compiled = engine.compile(request.query, config->driver);
    if (!compiled.ok()) {
        if (isMeasureLookupError(compiled.error().code))
            return withCandidates(compiled.error(), set.sources, request.query);
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
    Result<std::unique_ptr<DatabaseSession>> session = DatabaseSession::open(*settings);
    if (!session.ok())
        return session.error();
    const int rows = request.maxRows > 0 ? request.maxRows : request.query.limit;
    Result<QueryResult> result = (*session)->query(compiled->sql, qBound(1, rows, MaxRows));
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
