#pragma once

#include "core/cancellationtoken.h"
#include "db/postgresqueryhistory.h"

#include <QString>
#include <QStringList>

#include <functional>

namespace ktx {

struct ConnectionConfig;
struct ProjectConfig;
struct QueryHistoryOptions;

// What the query-history step of one connection did. Every outcome is a value:
// `skipped` (not supported for the driver: a warning), `failed` (the probe or
// the read failed: detail and fix say why), `done`.
struct QueryHistoryIngestResult
{
    QString status; // done | skipped | failed
    QString code; // failed/skipped: a stable code (readiness codes, unsupported_driver, ...)
    QString detail;
    QString fix;
    QString jobId;
    QString syncId; // empty when the history was unchanged
    QString commitId; // empty when nothing was committed
    qint64 statementsRead = 0;
    int templates = 0;
    int tables = 0;
    int added = 0;
    int modified = 0;
    int deleted = 0;
    int unchanged = 0;
    QStringList warnings;

    bool changedAnything() const { return !commitId.isEmpty(); }
};

// The query-history phase of database ingest (after the schema scan, which it
// needs for table and column names): probe, read pg_stat_statements, aggregate,
// write raw-sources/<id>/historic-sql/<syncId>/ in place of the previous read,
// and commit it as `ingest(historic-sql): <jobId> syncId=<syncId> diff=...`.
// An unchanged history (the same bucketed evidence) writes and commits nothing.
class QueryHistoryIngest
{
public:
    using Progress = std::function<void(const QString &message)>;

    static QueryHistoryIngestResult run(const QString &projectDir, const ProjectConfig &project,
                                        const ConnectionConfig &connection,
                                        const QueryHistoryOptions &options,
                                        const CancellationToken &cancel = {},
                                        const Progress &progress = {});

    static QString commitMessage(const QueryHistoryIngestResult &result);
};

} // namespace ktx
