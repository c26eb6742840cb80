#pragma once

#include "core/cancellationtoken.h"
#include "core/result.h"
#include "ingest/structuralsource.h"

#include <QString>
#include <QStringList>

#include <functional>

namespace ktx {

struct ConnectionConfig;
struct ProjectConfig;
struct SchemaSnapshot;

// What one connection's structural ingest did.
struct StructuralIngestResult
{
    QString connectionId;
    QString driver;
    QString jobId;
    QString syncId; // empty when the schema was unchanged (no new snapshot)
    QString commitId; // empty when nothing changed
    int tables = 0;
    int added = 0;
    int modified = 0;
    int deleted = 0;
    int unchanged = 0;
    int joins = 0;
    QStringList keptEdited; // sources a person changed since the last ingest: left as they are
    QStringList warnings;

    bool changedAnything() const { return !commitId.isEmpty(); }
};

// The deterministic first phase of database ingest, and all of it without a
// model: scan the warehouse, keep the raw snapshot as evidence, and write one
// semantic source per table with grain, typed columns and joins. Lands as one
// commit; re-running on an unchanged database writes nothing.
//
// Files a person edited or deleted since the last ingest are never overwritten
// or recreated; they are reported in keptEdited. (Merging such edits is the job
// of the reconcile phase.)
class StructuralIngest
{
public:
    using Progress = std::function<void(const QString &message)>;

    // Finds the joins to write: declared foreign keys and, from discovery, the
    // accepted inferred relationships. Replaceable for tests.
    using JoinFinder = std::function<Result<QList<StructuralJoin>>(const SchemaSnapshot &,
                                                                   QStringList &warnings)>;

    static Result<StructuralIngestResult>
    run(const QString &projectDir, const ProjectConfig &project, const ConnectionConfig &connection,
        const CancellationToken &cancel = {}, const Progress &progress = {});

    // Declared foreign keys as joins (many_to_one; one_to_one when the key columns
    // are the source's whole primary key).
    static QList<StructuralJoin> declaredJoins(const SchemaSnapshot &snapshot);

    // The landing commit message, in the original's format:
    // ingest(<sourceKey>): <jobId> syncId=<syncId> diff=+A/~M/-D/=U
    static QString commitMessage(const StructuralIngestResult &result);
};

} // namespace ktx
