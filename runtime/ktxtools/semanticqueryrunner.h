#pragma once

#include "core/cancellationtoken.h"
#include "core/result.h"
#include "db/queryresult.h"
#include "project/projectconfig.h"
#include "semantic/semanticplan.h"
#include "semantic/semanticquery.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace ktx {

struct SemanticSource;

// Compiles a semantic query for one connection and runs it read-only: what
// `ktx sl query` and the sl_query tool share, so both apply the connection's
// query_policy (from ktx.yaml, never from the caller), drop joins to sources
// outside the connection, cap rows the same way and say the same things about
// fan-out and chasm traps.
class SemanticQueryRunner
{
public:
    static constexpr int MaxRows = 10000;

    struct Request
    {
        QString connectionId;
        SemanticQuery query;
        bool execute = true;
        // Rows to fetch when executing: the query's limit, capped at MaxRows.
        int maxRows = -1;
        // Trips when the caller gives up; the running statement is interrupted.
        CancellationToken cancel;
    };

    struct Outcome
    {
        QString connectionId;
        QString dialect;
        QString sql;
        SemanticPlan plan;
        bool executed = false;
        QueryResult result; // when executed
        // Correctness hints a reader must not miss: pre-aggregation for
        // fan-out/chasm traps, ambiguous join paths, compile only, row caps.
        QStringList notes;

        // The plan, with how it ran: execution {mode: compile_only|executed}.
        QJsonObject planJson() const;
        // Output column names: the result's, or the plan's when not executed.
        QStringList headers() const;
    };

    SemanticQueryRunner(QString projectDir, ProjectConfig config);

    // Errors: connection_not_found, sl_no_sources, the planner's sl_* codes
    // (an unknown measure names the closest predefined ones), connection and
    // query errors of the database session. A driver ktx cannot query gives a
    // compile-only outcome with a note instead of an error.
    Result<Outcome> run(Request request) const;

    // The connection for a caller that named none: the only SQL connection
    // of the project; otherwise an error listing them.
    Result<QString> defaultConnection() const;

    // Predefined measures ("source.measure") nearest to `asked`, best first.
    static QStringList measureCandidates(const QList<SemanticSource> &sources, const QString &asked,
                                         int max = 5);

    // How many times a connection's folder has been parsed in this process:
    // run() keeps the loaded sources and engine of each folder and parses again
    // only when a YAML file's path, size or modification time changed (or the
    // newest change is too recent to trust times alone).
    static quint64 layerLoads();

private:
    QString m_projectDir;
    ProjectConfig m_config;
};

} // namespace ktx
