#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>
#include <QVariantMap>

#include <memory>

namespace ktx {

// A problem with one input file, located so a person can open it there.
struct SourceFileIssue
{
    QString path; // relative to the source's root folder
    int line = 0; // 1-based; 0 when the problem is the whole file
    int column = 0;
    QString message;

    QJsonObject toJson() const;
};

// Something the source holds that produced nothing, and why.
struct SkippedItem
{
    QString item; // "model stg_orders", "metric revenue_growth", "view users"
    QString reason;
    QString path;
    int line = 0;

    QJsonObject toJson() const;
};

// What a context source was found to hold and what it produced: the wizard's
// Check shows the counts, `ktx ingest --json` and the run view show all of it.
struct ContextSourceReport
{
    QString driver; // dbt | metricflow | lookml
    QStringList filesRead; // relative to the root, sorted
    int models = 0; // dbt models, MetricFlow semantic models, LookML models
    int sourceTables = 0; // dbt `sources:` tables
    int metrics = 0; // MetricFlow metrics
    int views = 0; // LookML views
    int explores = 0; // LookML explores
    QStringList sources; // semantic sources written or updated (names)
    int measures = 0;
    int joins = 0;
    QStringList wikiPages; // page keys written
    QList<SkippedItem> skipped;
    QList<SourceFileIssue> errors; // per file; the rest of the source is still read

    QJsonObject toJson() const;
};

// Input of a deterministic extraction.
struct ContextSourceInput
{
    QString rootDir; // the source's files (a staged copy or a checkout)
    QString connectionId; // the context source's connection id
    QString warehouseConnectionId; // the warehouse connection it maps to (may be empty)
    // The current files of semantic-layer/<warehouseConnectionId>/ (repository
    // path -> bytes), so facts can be merged onto the sources already there.
    QMap<QString, QByteArray> baseFiles;
    // The files of the previous sync of this source (path relative to the
    // root -> bytes), empty on the first ingest: what the source said last
    // time, so facts it no longer states can be taken back.
    QMap<QString, QByteArray> previousFiles;
    // The context source's own fields from ktx.yaml (connections.<id>), for the
    // options a parser honours, e.g. LookML `mappings.expectedLookerConnectionName`.
    QVariantMap connectionFields;
};

// Deterministic output: whole files by repository path (semantic-layer/<conn>/*.yaml,
// wiki/global/*.md). Nothing is written by the parser; the pipeline lands these.
struct ContextSourceExtraction
{
    QMap<QString, QByteArray> files;
    // Repository paths this source produced before and no longer does (e.g. the
    // unmapped-models page once every model maps); the pipeline deletes them.
    QStringList removed;
    ContextSourceReport report;
};

// One context-source type (dbt, MetricFlow, LookML). Parsers read files only:
// no network, no model, no writes, safe on any thread.
class ContextSourceParser
{
public:
    virtual ~ContextSourceParser() = default;
    virtual QString driver() const = 0;
    // A fast read of the folder: what it holds (counts, files, errors). An
    // error result only when the folder cannot be read at all.
    virtual Result<ContextSourceReport> check(const QString &rootDir) const = 0;
    // The files this source contributes, merged onto `input.baseFiles`.
    virtual Result<ContextSourceExtraction> extract(const ContextSourceInput &input) const = 0;
};

// The parser for a driver, or nullptr when the driver is not a context source.
std::unique_ptr<ContextSourceParser> contextSourceParser(const QString &driver);
QStringList contextSourceDrivers(); // dbt, metricflow, lookml (those built)

} // namespace ktx
