#pragma once

#include "db/postgresqueryhistory.h"
#include "db/queryhistoryoptions.h"
#include "db/schemasnapshot.h"
#include "db/sqltemplateanalyzer.h"

#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

namespace ktx {

// One query shape and how often it ran, summed over the roles that ran it.
struct QueryTemplate
{
    QString templateId; // first 16 hex digits of SHA-256 over the canonical SQL
    QString sql; // canonical (comments out, whitespace collapsed), redacted
    QStringList tables; // in-scope tables it touches
    QList<SqlJoinPair> joins;
    QList<SqlColumnUse> filterColumns;
    QList<SqlColumnUse> groupByColumns;
    qint64 executions = 0;
    double totalMs = 0;
    qint64 rows = 0;
    QStringList roles;
    bool serviceAccount = false; // mode mark-only: a matching role ran it

    double meanMs() const { return executions > 0 ? totalMs / double(executions) : 0.0; }
};

// Another table a table was joined with, on which columns, how often.
struct QueryJoinUsage
{
    TableRef withTable;
    QList<std::pair<QString, QString>> on; // (this table's column, the other's column)
    int templates = 0;
    qint64 executions = 0;
};

// How the workload uses one table.
struct QueryTableUsage
{
    TableRef table;
    qint64 executions = 0;
    QStringList templateIds; // busiest first
    QStringList roles;
    QStringList filterColumns;
    QStringList joinColumns;
    QStringList groupByColumns;
    QList<QueryJoinUsage> joins;
};

struct QueryHistorySummary
{
    qint64 statementsRead = 0;
    QList<QueryTemplate> templates; // busiest first
    QList<QueryTableUsage> tables; // by display name
    // Why statements were left out -> how many: ktx (our own), non_select,
    // catalog, trivial, service_account, out_of_scope, parse_failed,
    // below_min_executions, over_template_cap, insufficient_privilege.
    QMap<QString, qint64> dropped;
    QStringList parseFailures; // a few examples, for the manifest
};

// Turns pg_stat_statements entries into templates and per-table usage: drops
// ktx's own statements, non-SELECTs, catalog-only and trivial probes, applies
// the service-account filter and the scope floor (the snapshot's tables, or
// enabledSchemas / enabledTables), groups by canonical SQL, keeps templates
// with at least minExecutions. Pure: no database, no clock.
class QueryHistoryAggregator
{
public:
    // `tables`: the connection's introspected tables (its scope); `searchPath`:
    // the schemas unqualified names resolve in.
    static QueryHistorySummary aggregate(const QList<QueryHistoryStatement> &statements,
                                         const QueryHistoryOptions &options,
                                         const QList<SchemaTable> &tables,
                                         const QStringList &searchPath);
};

} // namespace ktx
