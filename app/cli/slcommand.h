#pragma once

#include <QStringList>

namespace ktx {

class CliContext;

// `ktx sl`: the semantic layer from the command line.
//   ktx sl [query...] [--connection <id>] [--limit N] [--json]   list or search sources
//   ktx sl read <source> [--connection <id>] [--json]             the source's YAML
//   ktx sl validate [--connection <id>] [--json]                  schema and join checks
//   ktx sl query --measure m [--dimension d] [--filter f] [--segment s]
//       [--order-by field[:desc]] [--limit N] [--query-file f] [--connection <id>]
//       [--sql-only] [--json]                                     compile and run read-only
class SlCommand
{
public:
    static int run(CliContext &context, const QStringList &args);
};

} // namespace ktx
