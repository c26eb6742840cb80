#pragma once

#include <QString>

namespace ktx {

// The file a semantic source lives in (ktx-internals §4.1): `<name>.yaml` for
// a simple lower-case name that is not a Windows device name, otherwise
// `<slug>-<first 8 hex of sha256(name)>.yaml`. Only a label: the in-file `name`
// is the identity.
class SourceFileName
{
public:
    static QString forSource(const QString &sourceName);
    // Connection ids name folders: ^[a-zA-Z0-9_][a-zA-Z0-9_-]*$
    static bool isValidConnectionId(const QString &connectionId);
};

} // namespace ktx
