#pragma once

#include "db/queryhistoryaggregator.h"

#include <QByteArray>
#include <QJsonObject>
#include <QMap>
#include <QString>

namespace ktx {

// The committed evidence of one query-history read, under the original's
// source key: raw-sources/<connectionId>/historic-sql/<syncId>/
//   manifest.json    what was read and with which filters; counts of what was
//                    left out and why
//   templates.json   the kept templates: canonical SQL, tables, joins, filter
//                    and GROUP BY columns, roles, bucketed stats
//   tables/<same name as live-database>.json   per table: bucketed executions,
//                    roles, columns by clause, observed joins, top templates
//
// Counters in pg_stat_statements grow with every execution, so the files hold
// order-of-magnitude buckets ("100-999"), not the numbers: a busy but unchanged
// workload writes the same bytes, and a diff shows what a reviewer cares
// about — new or vanished templates, joins, filters, roles, a template moving
// up a tier. The exact figures of the latest read are kept locally in
// .ktx/ingest/query-history/<connectionId>.json.
class QueryHistoryEvidence
{
public:
    static QString sourceKey() { return QStringLiteral("historic-sql"); }

    struct Context
    {
        QString connectionId;
        QString driver;
        QString extractedAt; // ISO time of the read
        QJsonObject options; // the filters in effect
        QStringList warnings;
    };

    static QMap<QString, QByteArray> files(const QueryHistorySummary &summary,
                                           const Context &context);
    // Over every file, with the manifest's volatile parts (extraction time,
    // counts of statements read and dropped, warnings, parse failures) left out.
    static QByteArray contentHash(const QMap<QString, QByteArray> &files);

    // The exact figures (local state, not committed).
    static QByteArray exactJson(const QueryHistorySummary &summary, const Context &context);

    static QString executionsBucket(qint64 executions);
    static QString runtimeBucket(double meanMs);
    static QString rowsBucket(double rowsPerExecution);

    static QString latestSyncDir(const QString &projectDir, const QString &connectionId);
    static QJsonObject optionsJson(const QueryHistoryOptions &options);
};

} // namespace ktx
