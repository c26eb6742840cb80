#pragma once

#include "core/cancellationtoken.h"
#include "sources/contextsource.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <functional>

namespace ktx {

struct ConnectionConfig;
struct ProjectConfig;

// What ingesting one context source did. Every outcome is a value: `failed`
// carries a stable code, a sentence and a fix; `done` with an empty commitId
// means nothing changed.
struct ContextSourceIngestResult
{
    QString connectionId;
    QString driver;
    QString warehouseConnectionId;
    QString status; // done | failed
    QString code;
    QString detail;
    QString fix;
    QString jobId;
    QString syncId; // the staged evidence folder; the previous one when unchanged
    QString commitId; // empty when nothing was committed
    QString location; // where the files came from
    bool unchanged = false;
    int added = 0; // project files (staged evidence + semantic + wiki)
    int modified = 0;
    int deleted = 0;
    int modelCalls = 0; // the deterministic path makes none
    ContextSourceReport report;
    QStringList warnings;

    QJsonObject toJson() const;
};

// The context-source ingest path (ktx-spec §9.3) for dbt and the other parsers
// of runtime/sources: acquire the files (folder or git clone), read them,
// stage what was read under raw-sources/<id>/<driver>/<syncId>/ in place of the
// previous sync, extract deterministically onto the warehouse connection's
// semantic layer (read from HEAD), and land evidence + semantic + wiki files as
// one commit. Nothing changed (same evidence, same output): no commit.
class ContextSourceIngest
{
public:
    using Progress = std::function<void(const QString &message)>;

    // The warehouse a context source maps to: `warehouse:` in its config, or the
    // project's only warehouse connection.
    static Result<QString> warehouseFor(const ProjectConfig &project,
                                        const ConnectionConfig &connection);

    static ContextSourceIngestResult run(const QString &projectDir, const ProjectConfig &project,
                                         const ConnectionConfig &connection,
                                         const CancellationToken &cancel = {},
                                         const Progress &progress = {});

    static QString commitMessage(const ContextSourceIngestResult &result);
};

} // namespace ktx
