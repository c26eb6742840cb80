#include "scan/columnprofiler.h"

#include "db/databasesession.h"
#include "db/queryresult.h"
#include "db/schemasnapshot.h"
#include "db/sqldialect.h"
#include "project/projectconfig.h"

#include <QDate>
#include <QDateTime>
#include <QElapsedTimer>
#include <QHash>
#include <QLocale>
#include <QTime>

#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

namespace ktx {

namespace {

bool isNullValue(const QVariant &value)
{
    return !value.isValid() || value.isNull();
}

bool isNumericType(int typeId)
{
    switch (typeId) {
    case QMetaType::Int:
    case QMetaType::UInt:
    case QMetaType::LongLong:
    case QMetaType::ULongLong:
    case QMetaType::Long:
    case QMetaType::ULong:
    case QMetaType::Short:
    case QMetaType::UShort:
    case QMetaType::Double:
    case QMetaType::Float:
        return true;
    default:
        return false;
    }
}

// Accumulates one column's statistics over the sample rows.
struct ColumnAccumulator
{
    int index = -1; // in the sample's columns
    bool numberColumn = false;
    qint64 nulls = 0;
    QHash<QString, qint64> counts;
    bool numeric = true; // every non-null value had a number
    std::optional<double> minNumber, maxNumber;
    QVariant minNumberValue, maxNumberValue;
    std::optional<QString> minText, maxText;
    int minLength = 0, maxLength = 0;
    bool anyValue = false;

    void add(const QVariant &value)
    {
        if (isNullValue(value)) {
            ++nulls;
            return;
        }
        const QString text = ColumnProfiler::canonicalText(value);
        ++counts[text];
        const int length = int(text.size());
        if (!anyValue) {
            minLength = maxLength = length;
            anyValue = true;
        } else {
            minLength = std::min(minLength, length);
            maxLength = std::max(maxLength, length);
        }
        if (!minText || text < *minText)
            minText = text;
        if (!maxText || text > *maxText)
            maxText = text;
        if (!numeric)
            return;
        bool ok = false;
        const double number
            = isNumericType(value.typeId()) || numberColumn ? value.toDouble(&ok) : 0.0;
        if (!ok || !std::isfinite(number)) {
            numeric = false;
            return;
        }
        if (!minNumber || number < *minNumber) {
            minNumber = number;
            minNumberValue = value;
        }
        if (!maxNumber || number > *maxNumber) {
            maxNumber = number;
            maxNumberValue = value;
        }
    }
};

int findColumn(const QStringList &columns, const QString &name)
{
    const qsizetype exact = columns.indexOf(name);
    if (exact >= 0)
        return int(exact);
    for (qsizetype i = 0; i < columns.size(); ++i) {
        if (columns.at(i).compare(name, Qt::CaseInsensitive) == 0)
            return int(i);
    }
    return -1;
}

} // namespace

ColumnProfiler::Options ColumnProfiler::Options::fromConfig(const RelationshipsConfig &config)
{
    Options options;
    options.sampleRows = std::max(1, config.profileSampleRows);
    options.concurrency = std::max(1, config.profileConcurrency);
    return options;
}

QString ColumnProfiler::canonicalText(const QVariant &value)
{
    switch (value.typeId()) {
    case QMetaType::Bool:
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QMetaType::Double:
    case QMetaType::Float: {
        const double number = value.toDouble();
        // 3.0 and 3 are the same key value in SQLite's REAL/INTEGER mix.
        if (std::isfinite(number) && std::floor(number) == number && std::abs(number) < 1e15)
            return QString::number(qint64(number));
        return QString::number(number, 'g', QLocale::FloatingPointShortest);
    }
    case QMetaType::QDate:
        return value.toDate().toString(Qt::ISODate);
    case QMetaType::QTime:
        return value.toTime().toString(Qt::ISODateWithMs);
    case QMetaType::QDateTime: {
        const QDateTime dateTime = value.toDateTime();
        const QString format = dateTime.time().msec() != 0
            ? QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz")
            : QStringLiteral("yyyy-MM-dd HH:mm:ss");
        return dateTime.toString(format);
    }
    case QMetaType::QByteArray:
        return QString::fromLatin1(value.toByteArray().toHex());
    default:
        return value.toString();
    }
}

int ColumnProfiler::sampleRowsFor(const SchemaTable &table, const Options &options)
{
    const qint64 columns = std::max<qint64>(1, table.columns.size());
    const qint64 byCells = std::max<qint64>(1, options.maxSampleCells / columns);
    return int(std::max<qint64>(1, std::min<qint64>(options.sampleRows, byCells)));
}

TableProfile ColumnProfiler::profileRows(const SchemaTable &table, const QueryResult &sample,
                                         const Options &options)
{
    TableProfile profile;
    profile.table = table.ref;
    profile.tableRows = table.exactRows ? table.exactRows : table.estimatedRows;
    profile.sampledRows = sample.rows.size();

    std::vector<ColumnAccumulator> accumulators(size_t(table.columns.size()));
    for (qsizetype c = 0; c < table.columns.size(); ++c) {
        accumulators[size_t(c)].index = findColumn(sample.columns, table.columns.at(c).name);
        accumulators[size_t(c)].numberColumn = table.columns.at(c).dimensionType == u"number";
    }
    for (const QVariantList &row : sample.rows) {
        for (ColumnAccumulator &accumulator : accumulators) {
            if (accumulator.index >= 0)
                accumulator.add(accumulator.index < row.size() ? row.at(accumulator.index)
                                                               : QVariant());
        }
    }

    const int topValues = std::max(0, options.topValues);
    for (qsizetype c = 0; c < table.columns.size(); ++c) {
        ColumnAccumulator &accumulator = accumulators[size_t(c)];
        if (accumulator.index < 0)
            continue;
        ColumnProfile column;
        column.name = table.columns.at(c).name;
        column.dimensionType = table.columns.at(c).dimensionType;
        column.sampledRows = profile.sampledRows;
        column.nullCount = accumulator.nulls;
        column.distinctCount = accumulator.counts.size();
        column.minLength = accumulator.minLength;
        column.maxLength = accumulator.maxLength;
        if (accumulator.anyValue) {
            if (accumulator.numeric && accumulator.minNumber) {
                column.minValue = accumulator.minNumberValue;
                column.maxValue = accumulator.maxNumberValue;
            } else {
                column.minValue = *accumulator.minText;
                column.maxValue = *accumulator.maxText;
            }
        }

        QList<ValueCount> values;
        values.reserve(accumulator.counts.size());
        for (auto it = accumulator.counts.cbegin(); it != accumulator.counts.cend(); ++it)
            values.append({it.key(), it.value()});
        column.sketch = ValueSketch::fromValues(accumulator.counts.keys(), options.sketchCapacity);
        const auto byFrequency = [](const ValueCount &a, const ValueCount &b) {
            return a.count != b.count ? a.count > b.count : a.value < b.value;
        };
        if (values.size() > topValues) {
            std::partial_sort(values.begin(), values.begin() + topValues, values.end(),
                              byFrequency);
            values.resize(topValues);
        } else {
            std::sort(values.begin(), values.end(), byFrequency);
        }
        column.topValues = std::move(values);
        profile.columns.append(std::move(column));
    }

    const int requested = sampleRowsFor(table, options);
    profile.sampleComplete = (!sample.truncated && profile.sampledRows < requested)
        || (table.exactRows && profile.sampledRows >= *table.exactRows);
    return profile;
}

Result<TableProfile> ColumnProfiler::profileTable(DatabaseSession &session,
                                                  const SchemaTable &table, const Options &options)
{
    QElapsedTimer timer;
    timer.start();
    const int rows = sampleRowsFor(table, options);
    Result<QueryResult> sample
        = session.query(session.dialect().sampleQuery(table.ref, rows), rows);
    if (!sample.ok())
        return sample.error();
    TableProfile profile = profileRows(table, sample.value(), options);
    profile.elapsedMs = timer.elapsed();
    return profile;
}

Result<ProfilingResult> ColumnProfiler::profile(const SchemaSnapshot &snapshot,
                                                const DatabaseSessionFactory &factory,
                                                const Options &options)
{
    QElapsedTimer timer;
    timer.start();
    ProfilingResult result;
    const int count = int(snapshot.tables.size());
    std::vector<std::optional<Result<TableProfile>>> outcomes(static_cast<size_t>(count));

    const auto shouldStop = [&options] {
        return options.cancellation.isCancelled() || options.deadline.hasExpired();
    };
    const SessionWorkerPool::Outcome pool = SessionWorkerPool::run(
        count, options.concurrency, factory, shouldStop, [&](DatabaseSession &session, int index) {
            outcomes[size_t(index)] = profileTable(session, snapshot.tables.at(index), options);
        });

    if (count > 0 && pool.openedSessions == 0 && !shouldStop() && !pool.openErrors.isEmpty()) {
        Error error = pool.openErrors.constFirst();
        error.message = QStringLiteral("Cannot profile connection \"%1\": %2")
                            .arg(snapshot.connectionId, error.message);
        return error;
    }

    for (int i = 0; i < count; ++i) {
        const SchemaTable &table = snapshot.tables.at(i);
        const std::optional<Result<TableProfile>> &outcome = outcomes[size_t(i)];
        if (!outcome) {
            ++result.skippedTables;
            continue;
        }
        if (outcome->ok()) {
            result.tables.append(outcome->value());
            continue;
        }
        const Error &error = outcome->error();
        result.warnings.append(
            {error.code.isEmpty() ? QStringLiteral("profile_failed") : error.code,
             QStringLiteral("Could not profile %1: %2").arg(table.ref.displayName(), error.message),
             table.ref});
    }
    for (const Error &error : pool.openErrors) {
        if (pool.openedSessions > 0)
            result.warnings.append(
                {QStringLiteral("session_failed"),
                 QStringLiteral("A profiling worker could not open a session: %1")
                     .arg(error.message),
                 {}});
    }
    if (result.skippedTables > 0) {
        result.stopReason = options.cancellation.isCancelled() ? QStringLiteral("cancelled")
                                                               : QStringLiteral("budget_exhausted");
        result.warnings.append(
            {QStringLiteral("profiling_stopped"),
             QStringLiteral("Profiling stopped (%1): %2 of %3 tables not profiled.")
                 .arg(result.stopReason)
                 .arg(result.skippedTables)
                 .arg(count),
             {}});
    }
    result.elapsedMs = timer.elapsed();
    return result;
}

} // namespace ktx
