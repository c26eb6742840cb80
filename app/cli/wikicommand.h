#pragma once

#include <QStringList>

namespace ktx {

class CliContext;

// `ktx wiki`: the project's wiki pages from the command line.
//   ktx wiki [--user-id <id>] [--output pretty|plain|json] [--json]   list the pages
//   ktx wiki <query...> [--limit N] [...]                              hybrid search
//   ktx wiki read <key> [--user-id <id>]                               the file, byte for byte
class WikiCommand
{
public:
    static int run(CliContext &context, const QStringList &args);
};

} // namespace ktx
