#pragma once

#include "db/schemasnapshot.h"
#include "scan/scanwarning.h"
#include "scan/valuesketch.h"

#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QVariant>

#include <optional>

namespace ktx {

// Value profiles computed from a bounded sample of each table's rows (the first
// profileSampleRows rows the database returns). Counts are exact within the
// sample; `sampleComplete` says whether the sample was the whole table.

struct ValueCount
{
    QString value;
    qint64 count = 0;
};

struct ColumnProfile
{
    QString name;
    QString dimensionType; // time | string | number | boolean, from the snapshot
    qint64 sampledRows = 0;
    qint64 nullCount = 0;
    qint64 distinctCount = 0; // among non-null sampled values, case-sensitive
    QVariant minValue; // numeric order for numbers, lexical for text and time
    QVariant maxValue;
    int minLength = 0; // of the values' text form; 0 when no non-null value
    int maxLength = 0;
    QList<ValueCount> topValues; // most frequent first, at most ColumnProfiler::Options::topValues
    ValueSketch sketch; // case-folded distinct values, for overlap estimates

    qint64 nonNullCount() const { return sampledRows - nullCount; }
    double nullRate() const
    {
        return sampledRows > 0 ? double(nullCount) / double(sampledRows) : 0.0;
    }
    // distinct / non-null; 0 when there is no non-null value.
    double uniquenessRatio() const;

    QJsonObject toJson() const;
};

struct TableProfile
{
    TableRef table;
    std::optional<qint64> tableRows; // from the snapshot (exact, else estimated)
    qint64 sampledRows = 0;
    bool sampleComplete = false; // the sample held every row of the table
    qint64 elapsedMs = 0;
    QList<ColumnProfile> columns;

    const ColumnProfile *column(const QString &name) const;
    // tableRows when known, else the sample size when it was the whole table.
    std::optional<qint64> knownRows() const;
    QJsonObject toJson() const;
};

struct ProfilingResult
{
    QList<TableProfile> tables; // in snapshot order; tables that failed are absent
    QList<ScanWarning> warnings;
    QString stopReason; // empty, "cancelled" or "budget_exhausted"
    int skippedTables = 0; // not attempted because of the stop reason
    qint64 elapsedMs = 0;

    bool isPartial() const { return !stopReason.isEmpty(); }
    const TableProfile *table(const TableRef &ref) const;
    QJsonObject toJson() const;
};

} // namespace ktx

Q_DECLARE_METATYPE(ktx::TableProfile)
Q_DECLARE_METATYPE(ktx::ProfilingResult)
