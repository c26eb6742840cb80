#pragma once

#include "core/cancellationtoken.h"
#include "core/result.h"
#include "scan/columnprofile.h"
#include "scan/sessionworkerpool.h"

#include <QDeadlineTimer>

namespace ktx {

class DatabaseSession;
struct QueryResult;
struct RelationshipsConfig;
struct SchemaSnapshot;
struct SchemaTable;

// Profiles columns from one bounded sample query per table (not one query per
// column): the rows come back once and every statistic is computed here.
class ColumnProfiler
{
public:
    struct Options
    {
        int sampleRows = 10000;
        int concurrency = 4;
        int topValues = 10;
        int sketchCapacity = ValueSketch::kDefaultCapacity;
        // Caps rows x columns of one sample so a 1,600-column table cannot hold
        // 16 million values in memory; such tables are sampled with fewer rows.
        qint64 maxSampleCells = 4'000'000;
        QDeadlineTimer deadline {QDeadlineTimer::Forever};
        CancellationToken cancellation;

        static Options fromConfig(const RelationshipsConfig &config);
    };

    // Profiles every table of the snapshot with `options.concurrency` sessions
    // from `factory`. A table that cannot be read becomes a warning; the budget
    // and the cancellation token stop it early with a stop reason. Fails only
    // when no session could be opened at all.
    static Result<ProfilingResult> profile(const SchemaSnapshot &snapshot,
                                           const DatabaseSessionFactory &factory,
                                           const Options &options);

    // One table through an open session.
    static Result<TableProfile> profileTable(DatabaseSession &session, const SchemaTable &table,
                                             const Options &options);

    // The pure part: statistics of a sample already fetched. Columns of `table`
    // missing from the sample are left out.
    static TableProfile profileRows(const SchemaTable &table, const QueryResult &sample,
                                    const Options &options);

    // The row count a sample of `table` uses under `options`.
    static int sampleRowsFor(const SchemaTable &table, const Options &options);

    // How a value is compared and counted: integers without a fraction, doubles
    // in shortest round-trip form, dates ISO 8601, bytes as hex.
    static QString canonicalText(const QVariant &value);
};

} // namespace ktx
