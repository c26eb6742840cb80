#pragma once

#include <QStringList>

namespace ktx {

class CliContext;

// `ktx sql <connectionId> "<query>" [--max-rows N] [--output pretty|plain|json] [--json]`
// (also `ktx sql -c <connectionId> <query...>`, the original's form): one
// read-only query against a configured warehouse connection.
class SqlCommand
{
public:
    static int run(CliContext &context, const QStringList &args);
};

} // namespace ktx
