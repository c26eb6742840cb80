#pragma once

#include <QStringList>

namespace ktx {

class CliContext;

// `ktx ingest [connectionId] [--all] [--json]`: builds context from the
// configured databases. Without a model this is the structural ingest: schema
// snapshot, one semantic source per table, joins; landed as one commit.
class IngestCommand
{
public:
    static int run(CliContext &context, const QStringList &args);
};

} // namespace ktx
