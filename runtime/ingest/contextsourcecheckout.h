#pragma once

#include "core/result.h"

#include <QString>

namespace ktx {

struct ConnectionConfig;

// Where a context source's files are: a local folder (`source_dir`, relative
// to the project) or a git repository (`repo_url`, `branch`) cloned with
// libgit2 into `.ktx/cache/sources/<id>` and fetched again on later runs.
// `path` selects a sub-folder of either. Reads only; never touches the project's
// own repository.
class ContextSourceCheckout
{
public:
    struct Location
    {
        QString rootDir; // the folder the parser reads
        QString description; // "folder /x/y" or "https://... @ main (abc1234)"
    };

    static Result<Location> acquire(const QString &projectDir, const ConnectionConfig &connection);
    static QString cacheDir(const QString &projectDir, const QString &connectionId);
};

} // namespace ktx
